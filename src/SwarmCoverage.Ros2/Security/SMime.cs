using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SwarmCoverage.Ros2.Security;

/// <summary>
/// S/MIME signed documents as DDS Security reads them (governance.p7s, permissions.p7s): PKCS#7 signed-data over
/// the document as MIME text, written byte for byte as <c>openssl smime -sign -text</c> and sros2 write them
/// (detached, <c>multipart/signed</c>), and read in both forms OpenSSL's <c>SMIME_read_PKCS7</c> accepts
/// (detached, or enveloped <c>application/pkcs7-mime</c> from <c>-nodetach</c>). docs/security.md, "Signed documents".
/// </summary>
public static class SMime
{
    private const string TextHeader = "Content-Type: text/plain\r\n\r\n";

    /// <summary>
    /// Signs <paramref name="document"/> with <paramref name="signer"/> (a certificate with its private key) and
    /// returns the S/MIME text: the content is the MIME text part (<c>Content-Type: text/plain</c>, CRLF line ends)
    /// that Cyclone's <c>PKCS7_verify(..., PKCS7_TEXT)</c> expects, the signature SHA-256 with the signer
    /// certificate and a signing time from <paramref name="time"/>.
    /// </summary>
    public static string Sign(string document, X509Certificate2 signer, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(time);
        if (!signer.HasPrivateKey)
        {
            throw new ArgumentException($"the signer certificate {signer.Subject} has no private key", nameof(signer));
        }

        string part = TextHeader + ToCrlf(document);
        byte[] content = Encoding.UTF8.GetBytes(part);
        var cms = new SignedCms(new ContentInfo(content), detached: true);
        var cmsSigner = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, signer)
        {
            DigestAlgorithm = new Oid("2.16.840.1.101.3.4.2.1", "sha256"),
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        cmsSigner.SignedAttributes.Add(new Pkcs9SigningTime(time.GetUtcNow().UtcDateTime));
        cms.ComputeSignature(cmsSigner, silent: true);
        string signature = Convert.ToBase64String(cms.Encode());

        string boundary = "----" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var sb = new StringBuilder(part.Length + signature.Length + 512);
        sb.Append("MIME-Version: 1.0\n");
        sb.Append("Content-Type: multipart/signed; protocol=\"application/x-pkcs7-signature\"; micalg=\"sha-256\"; boundary=\"").Append(boundary).Append("\"\n\n");
        sb.Append("This is an S/MIME signed message\n\n");
        sb.Append("--").Append(boundary).Append('\n');
        sb.Append(part);
        sb.Append("\n--").Append(boundary).Append('\n');
        sb.Append("Content-Type: application/x-pkcs7-signature; name=\"smime.p7s\"\n");
        sb.Append("Content-Transfer-Encoding: base64\n");
        sb.Append("Content-Disposition: attachment; filename=\"smime.p7s\"\n\n");
        for (int i = 0; i < signature.Length; i += 64)
        {
            sb.Append(signature.AsSpan(i, Math.Min(64, signature.Length - i))).Append('\n');
        }

        sb.Append("\n--").Append(boundary).Append("--\n\n");
        return sb.ToString();
    }

    /// <summary>
    /// Checks that <paramref name="smime"/> is a signed document whose signature verifies and whose signer certificate
    /// is <paramref name="ca"/> or issued by it and valid at <paramref name="time"/>'s now, and returns the document
    /// (the text after the MIME text header). Throws <see cref="RosSecurityException"/> naming
    /// <paramref name="fileName"/> and why.
    /// </summary>
    public static string Verify(string smime, X509Certificate2 ca, TimeProvider time, string fileName)
    {
        ArgumentNullException.ThrowIfNull(smime);
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(time);
        SignedCms cms = Decode(smime, fileName);
        try
        {
            cms.CheckSignature(verifySignatureOnly: true);
        }
        catch (CryptographicException e)
        {
            throw new RosSecurityException(fileName, $"the signature does not verify ({e.Message.TrimEnd('.')}): the document was changed after signing, or the signature is not over it");
        }

        X509Certificate2 signerCert = cms.SignerInfos.Count == 1 && cms.SignerInfos[0].Certificate is { } c
            ? c
            : throw new RosSecurityException(fileName, $"expected one signer with its certificate, found {cms.SignerInfos.Count} signer(s)");
        string? chainProblem = Certificates.ChainProblem(signerCert, ca, time);
        if (chainProblem is not null)
        {
            throw new RosSecurityException(fileName, $"signed by '{signerCert.Subject}', which is not accepted by the permissions CA '{ca.Subject}': {chainProblem}");
        }

        return StripTextHeader(cms.ContentInfo.Content, fileName);
    }

    /// <summary>Decodes the PKCS#7 structure of either S/MIME form, with the signed content attached.</summary>
    internal static SignedCms Decode(string smime, string fileName)
    {
        string text = smime.Replace("\r\n", "\n", StringComparison.Ordinal);
        int headerEnd = text.IndexOf("\n\n", StringComparison.Ordinal);
        if (headerEnd < 0)
        {
            throw new RosSecurityException(fileName, "not an S/MIME document (no MIME header block)");
        }

        string contentType = HeaderValue(text[..headerEnd], "Content-Type")
            ?? throw new RosSecurityException(fileName, "not an S/MIME document (no Content-Type header)");
        string mediaType = contentType.Split(';')[0].Trim().ToLowerInvariant();
        try
        {
            switch (mediaType)
            {
                case "multipart/signed":
                    {
                        string boundary = Parameter(contentType, "boundary")
                            ?? throw new RosSecurityException(fileName, "multipart/signed without a boundary");
                        List<List<string>> parts = SplitParts(smime, boundary, fileName);
                        if (parts.Count != 2)
                        {
                            throw new RosSecurityException(fileName, $"multipart/signed with {parts.Count} part(s), expected the document and its signature");
                        }

                        // OpenSSL's multi_split: the lines of a part joined by CRLF, the line end before the boundary dropped.
                        byte[] content = Encoding.UTF8.GetBytes(string.Join("\r\n", parts[0]));
                        byte[] signature = Base64Body(parts[1], fileName);
                        var cms = new SignedCms(new ContentInfo(content), detached: true);
                        cms.Decode(signature);
                        return cms;
                    }

                case "application/pkcs7-mime" or "application/x-pkcs7-mime":
                    {
                        var cms = new SignedCms();
                        cms.Decode(Convert.FromBase64String(text[(headerEnd + 2)..]));
                        return cms;
                    }

                default:
                    throw new RosSecurityException(fileName, $"Content-Type '{mediaType}' is not a signed S/MIME document (expected multipart/signed or application/pkcs7-mime)");
            }
        }
        catch (CryptographicException e)
        {
            throw new RosSecurityException(fileName, $"the PKCS#7 signature does not parse ({e.Message.TrimEnd('.')})");
        }
        catch (FormatException e)
        {
            throw new RosSecurityException(fileName, $"the signature is not valid base64 ({e.Message.TrimEnd('.')})");
        }
    }

    /// <summary>LF or CRLF line ends to CRLF, as OpenSSL's <c>SMIME_crlf_copy</c> canonicalizes text.</summary>
    internal static string ToCrlf(string text)
    {
        string[] lines = text.Split('\n');
        var sb = new StringBuilder(text.Length + lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            sb.Append(lines[i].TrimEnd('\r'));
            if (i < lines.Length - 1)
            {
                sb.Append("\r\n");
            }
        }

        return sb.ToString();
    }

    private static string StripTextHeader(byte[] content, string fileName)
    {
        string text = Encoding.UTF8.GetString(content);
        int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        int skip = 4;
        if (end < 0)
        {
            end = text.IndexOf("\n\n", StringComparison.Ordinal);
            skip = 2;
        }

        string? type = end < 0 ? null : HeaderValue(text[..end].Replace("\r\n", "\n", StringComparison.Ordinal), "Content-Type");
        if (type is null || !type.Split(';')[0].Trim().Equals("text/plain", StringComparison.OrdinalIgnoreCase))
        {
            throw new RosSecurityException(fileName,
                "the signed content has no 'Content-Type: text/plain' header: it was signed without -text (openssl smime -sign -text), and Cyclone DDS rejects such documents");
        }

        return text[(end + skip)..];
    }

    private static List<List<string>> SplitParts(string smime, string boundary, string fileName)
    {
        var parts = new List<List<string>>();
        List<string>? current = null;
        foreach (string raw in smime.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.StartsWith("--" + boundary, StringComparison.Ordinal))
            {
                if (line.AsSpan(2 + boundary.Length).StartsWith("--", StringComparison.Ordinal))
                {
                    if (current is not null)
                    {
                        parts.Add(current);
                    }

                    return parts;
                }

                if (current is not null)
                {
                    parts.Add(current);
                }

                current = [];
                continue;
            }

            current?.Add(line);
        }

        throw new RosSecurityException(fileName, $"multipart/signed without its closing boundary '--{boundary}--' (truncated?)");
    }

    private static byte[] Base64Body(List<string> part, string fileName)
    {
        int blank = part.IndexOf(string.Empty);
        if (blank < 0)
        {
            throw new RosSecurityException(fileName, "the signature part has no header block");
        }

        string headers = string.Join('\n', part.Take(blank));
        string? type = HeaderValue(headers, "Content-Type");
        if (type is null || !type.Contains("pkcs7-signature", StringComparison.OrdinalIgnoreCase))
        {
            throw new RosSecurityException(fileName, $"the second part is '{type}', expected application/pkcs7-signature");
        }

        return Convert.FromBase64String(string.Concat(part.Skip(blank + 1)));
    }

    private static string? HeaderValue(string headerBlock, string name)
    {
        // Headers may be folded onto continuation lines that start with white space.
        string unfolded = headerBlock.Replace("\n ", " ", StringComparison.Ordinal).Replace("\n\t", " ", StringComparison.Ordinal);
        foreach (string line in unfolded.Split('\n'))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }

    private static string? Parameter(string headerValue, string name)
    {
        foreach (string piece in headerValue.Split(';').Skip(1))
        {
            int eq = piece.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && piece[..eq].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return piece[(eq + 1)..].Trim().Trim('"');
            }
        }

        return null;
    }
}
