using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SwarmCoverage.Ros2.Security;

/// <summary>Certificate checks shared by the enclave validation and the S/MIME verification (docs/security.md, "Checks before start").</summary>
internal static class Certificates
{
    /// <summary>Reads one PEM certificate; throws <see cref="RosSecurityException"/> naming the file.</summary>
    public static X509Certificate2 LoadPem(string path)
    {
        string pem = ReadText(path);
        try
        {
            return X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new RosSecurityException(path, $"not a PEM certificate ({e.Message.TrimEnd('.')})");
        }
    }

    /// <summary>The file's text; throws naming the file when it is missing, unreadable or empty.</summary>
    public static string ReadText(string path)
    {
        if (Directory.Exists(path))
        {
            throw new RosSecurityException(path, "is a directory, expected a file");
        }

        if (DanglingLink(path) is { } target)
        {
            throw new RosSecurityException(path, $"missing: a symbolic link to '{target}', which does not exist");
        }

        if (!File.Exists(path))
        {
            throw new RosSecurityException(path, "missing");
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RosSecurityException(path, $"cannot be read ({e.Message.TrimEnd('.')})");
        }

        return text.Length == 0 ? throw new RosSecurityException(path, "is empty") : text;
    }

    /// <summary>The missing end of a chain of symbolic links starting at <paramref name="path"/>, or null.</summary>
    private static string? DanglingLink(string path)
    {
        string current = Path.GetFullPath(path);
        for (int hops = 0; hops < 40 && new FileInfo(current).LinkTarget is { } link; hops++)
        {
            string next = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(current)!, link));
            if (!File.Exists(next) && new FileInfo(next).LinkTarget is null)
            {
                return next;
            }

            current = next;
        }

        return null;
    }

    /// <summary>
    /// Null when <paramref name="cert"/> is <paramref name="ca"/> itself or is issued by it, and both are valid at
    /// now; otherwise why not. X.509 path validation with <paramref name="ca"/> as the only trust anchor, no
    /// downloads and no revocation lookup (a CRL is checked separately).
    /// </summary>
    public static string? ChainProblem(X509Certificate2 cert, X509Certificate2 ca, TimeProvider time)
    {
        DateTime now = time.GetUtcNow().UtcDateTime;
        if (now < cert.NotBefore.ToUniversalTime() || now > cert.NotAfter.ToUniversalTime())
        {
            return $"valid from {Iso(cert.NotBefore)} to {Iso(cert.NotAfter)}, and now is {Iso(now)}";
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = now;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (chain.Build(cert))
        {
            return null;
        }

        var problems = chain.ChainStatus.Select(s => s.Status).Where(s => s != X509ChainStatusFlags.NoError).Distinct().ToList();
        if (problems.Contains(X509ChainStatusFlags.PartialChain) || problems.Contains(X509ChainStatusFlags.UntrustedRoot))
        {
            return $"issued by '{cert.Issuer}', not by '{ca.Subject}' (or its signature does not verify with that CA's key)";
        }

        if (problems.Contains(X509ChainStatusFlags.NotTimeValid))
        {
            return $"the CA '{ca.Subject}' is valid from {Iso(ca.NotBefore)} to {Iso(ca.NotAfter)}, and now is {Iso(now)}";
        }

        return string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
    }

    /// <summary>
    /// The subject as OpenSSL prints it with <c>XN_FLAG_RFC2253</c>, which is what Cyclone's access control compares
    /// with a grant's <c>subject_name</c>: relative names last-first, separated by ',' without spaces, RFC 2253 escapes.
    /// </summary>
    public static string Rfc2253(X500DistinguishedName name)
    {
        var rdns = name.EnumerateRelativeDistinguishedNames().Reverse().ToList();
        var sb = new StringBuilder();
        foreach (X500RelativeDistinguishedName rdn in rdns)
        {
            if (sb.Length > 0)
            {
                sb.Append(',');
            }

            if (rdn.HasMultipleElements)
            {
                throw new RosSecurityException(null, $"multi-valued relative name in '{name.Name}' is not supported");
            }

            Oid type = rdn.GetSingleElementType();
            string? value = rdn.GetSingleElementValue();
            sb.Append(ShortName(type)).Append('=').Append(Escape(value ?? string.Empty));
        }

        return sb.ToString();
    }

    /// <summary>Whether the private key in <paramref name="keyPem"/> is the key of <paramref name="cert"/>; throws naming <paramref name="keyPath"/> when it does not parse.</summary>
    public static bool KeyMatches(string keyPem, string keyPath, X509Certificate2 cert)
    {
        if (keyPem.Contains("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal))
        {
            throw new RosSecurityException(keyPath, "the private key is encrypted; DDS Security reads unencrypted PEM keys only");
        }

        if (cert.GetECDsaPublicKey() is { } certKey)
        {
            using (certKey)
            using (var key = ECDsa.Create())
            {
                ImportKey(key, keyPem, keyPath);
                ECParameters a = key.ExportParameters(false);
                ECParameters b = certKey.ExportParameters(false);
                return a.Curve.Oid.Value == b.Curve.Oid.Value && a.Q.X.AsSpan().SequenceEqual(b.Q.X) && a.Q.Y.AsSpan().SequenceEqual(b.Q.Y);
            }
        }

        if (cert.GetRSAPublicKey() is { } certRsa)
        {
            using (certRsa)
            using (var key = RSA.Create())
            {
                ImportKey(key, keyPem, keyPath);
                RSAParameters a = key.ExportParameters(false);
                RSAParameters b = certRsa.ExportParameters(false);
                return a.Modulus.AsSpan().SequenceEqual(b.Modulus) && a.Exponent.AsSpan().SequenceEqual(b.Exponent);
            }
        }

        throw new RosSecurityException(keyPath, $"the certificate's key is neither EC nor RSA ({cert.PublicKey.Oid.FriendlyName}); DDS Security takes ECDSA P-256 or RSA-2048");
    }

    /// <summary>
    /// Checks a PEM CRL against the CA that issued it and returns the revoked serial numbers (big-endian, as
    /// <see cref="X509Certificate2.SerialNumberBytes"/>). Throws naming <paramref name="crlPath"/> when it does not parse, is not
    /// signed by <paramref name="ca"/>, or is past its next update.
    /// </summary>
    public static HashSet<string> RevokedSerials(string crlPath, X509Certificate2 ca, TimeProvider time)
    {
        string pem = ReadText(crlPath);
        byte[] der;
        try
        {
            PemFields fields = PemEncoding.Find(pem);
            if (pem[fields.Label] != "X509 CRL")
            {
                throw new RosSecurityException(crlPath, $"PEM label '{pem[fields.Label]}', expected 'X509 CRL'");
            }

            der = Convert.FromBase64String(pem[fields.Base64Data]);
        }
        catch (ArgumentException)
        {
            throw new RosSecurityException(crlPath, "not a PEM certificate revocation list (no -----BEGIN X509 CRL----- block)");
        }

        try
        {
            // CertificateList ::= SEQUENCE { tbsCertList TBSCertList, signatureAlgorithm AlgorithmIdentifier, signatureValue BIT STRING }
            var list = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            ReadOnlyMemory<byte> tbs = list.ReadEncodedValue();
            list.ReadSequence(); // signatureAlgorithm, implied by the CA's key type below
            byte[] signature = list.ReadBitString(out _);
            if (!VerifyWithCa(ca, tbs.Span, signature))
            {
                throw new RosSecurityException(crlPath, $"not signed by the identity CA '{ca.Subject}'");
            }

            // TBSCertList ::= SEQUENCE { version INTEGER OPTIONAL, signature AlgorithmIdentifier, issuer Name,
            //   thisUpdate Time, nextUpdate Time OPTIONAL, revokedCertificates SEQUENCE OF SEQUENCE { userCertificate INTEGER, ... } OPTIONAL, [0] extensions }
            var t = new AsnReader(tbs, AsnEncodingRules.DER).ReadSequence();
            if (t.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
            {
                t.ReadInteger();
            }

            t.ReadSequence();
            t.ReadEncodedValue();
            ReadTime(t);
            if (t.HasData && (t.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) || t.PeekTag().HasSameClassAndValue(Asn1Tag.GeneralizedTime)))
            {
                DateTimeOffset next = ReadTime(t);
                if (time.GetUtcNow() > next)
                {
                    throw new RosSecurityException(crlPath, $"out of date: its next update was due {Iso(next.UtcDateTime)}");
                }
            }

            var revoked = new HashSet<string>(StringComparer.Ordinal);
            if (t.HasData && t.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                var entries = t.ReadSequence();
                while (entries.HasData)
                {
                    var entry = entries.ReadSequence();
                    BigInteger serial = entry.ReadInteger();
                    revoked.Add(Convert.ToHexString(serial.ToByteArray(isUnsigned: true, isBigEndian: true)));
                }
            }

            return revoked;
        }
        catch (AsnContentException e)
        {
            throw new RosSecurityException(crlPath, $"not a DER certificate revocation list ({e.Message.TrimEnd('.')})");
        }
    }

    /// <summary>The serial number in the form <see cref="RevokedSerials"/> uses.</summary>
    public static string SerialKey(X509Certificate2 cert) =>
        Convert.ToHexString(new BigInteger(cert.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true).ToByteArray(isUnsigned: true, isBigEndian: true));

    public static string Iso(DateTime t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();

    private static bool VerifyWithCa(X509Certificate2 ca, ReadOnlySpan<byte> data, byte[] signature)
    {
        if (ca.GetECDsaPublicKey() is { } ec)
        {
            using (ec)
            {
                return ec.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
                    || ec.VerifyData(data, signature, HashAlgorithmName.SHA384, DSASignatureFormat.Rfc3279DerSequence);
            }
        }

        if (ca.GetRSAPublicKey() is { } rsa)
        {
            using (rsa)
            {
                return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            }
        }

        return false;
    }

    private static void ImportKey(AsymmetricAlgorithm key, string pem, string keyPath)
    {
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            throw new RosSecurityException(keyPath, $"not a PEM private key of the certificate's key type ({e.Message.TrimEnd('.')})");
        }
    }

    private static string ShortName(Oid type) => type.Value switch
    {
        "2.5.4.3" => "CN",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "street",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        "1.2.840.113549.1.9.1" => "emailAddress",
        _ => type.Value ?? "?",
    };

    private static string Escape(string value)
    {
        var sb = new StringBuilder(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            bool special = c is ',' or '+' or '"' or '\\' or '<' or '>' or ';'
                || (i == 0 && (c == '#' || c == ' '))
                || (i == value.Length - 1 && c == ' ');
            if (special)
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}
