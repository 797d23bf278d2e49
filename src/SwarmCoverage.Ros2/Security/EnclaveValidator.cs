using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;

namespace SwarmCoverage.Ros2.Security;

/// <summary>What <see cref="EnclaveValidator.Validate"/> found in a valid enclave.</summary>
/// <param name="Subject">The identity certificate's subject as DDS Security compares it (RFC 2253), e.g. <c>CN=/swarm_coverage</c>.</param>
/// <param name="CertificateNotAfter">When the identity certificate expires (UTC).</param>
/// <param name="PermissionsNotAfter">When the permissions grant expires (UTC).</param>
public sealed record EnclaveCheck(string Subject, DateTime CertificateNotAfter, DateTime PermissionsNotAfter);

/// <summary>
/// Checks an enclave's files before a participant uses them, so that a bad file stops the start with a message that
/// names it (Cyclone checks most of this too, but names few files, and does not check that the key belongs to the
/// certificate until a handshake fails). docs/security.md, "Checks before start". Independent of libddsc.
/// </summary>
public static class EnclaveValidator
{
    private const string Prime256v1 = "1.2.840.10045.3.1.7";

    /// <summary>
    /// Checks, in the order Cyclone reads them: every file present and parsing; the identity certificate valid now
    /// and issued by the identity CA; the private key that of the certificate; the key ECDSA P-256 or RSA-2048;
    /// the certificate not revoked by <c>crl.pem</c> when present; governance and permissions verifying as S/MIME
    /// signed by the permissions CA; the governance covering <paramref name="domainId"/>; a permissions grant for the
    /// certificate's subject, valid now, allowing the domain. Throws <see cref="RosSecurityException"/> naming the
    /// first bad file and why.
    /// </summary>
    public static EnclaveCheck Validate(DdsSecurityFiles files, uint domainId, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(time);
        foreach ((_, string path) in files.All())
        {
            _ = Certificates.ReadText(path);
        }

        using X509Certificate2 identityCa = Certificates.LoadPem(files.IdentityCa);
        RequireValidNow(identityCa, files.IdentityCa, time);
        using X509Certificate2 cert = Certificates.LoadPem(files.Certificate);
        if (Certificates.ChainProblem(cert, identityCa, time) is { } problem)
        {
            throw new RosSecurityException(files.Certificate, $"not accepted by the identity CA {files.IdentityCa}: {problem}");
        }

        RequireDdsKeyType(cert, files.Certificate);
        if (!Certificates.KeyMatches(Certificates.ReadText(files.PrivateKey), files.PrivateKey, cert))
        {
            throw new RosSecurityException(files.PrivateKey, $"is not the private key of {files.Certificate} (subject '{cert.Subject}')");
        }

        if (files.Crl is { } crl && Certificates.RevokedSerials(crl, identityCa, time).Contains(Certificates.SerialKey(cert)))
        {
            throw new RosSecurityException(files.Certificate, $"revoked: its serial number {cert.SerialNumber} is listed in {crl}");
        }

        using X509Certificate2 permissionsCa = Certificates.LoadPem(files.PermissionsCa);
        RequireValidNow(permissionsCa, files.PermissionsCa, time);

        string governanceXml = SMime.Verify(Certificates.ReadText(files.Governance), permissionsCa, time, files.Governance);
        CheckGovernance(SecurityXml.Parse(governanceXml, files.Governance), files.Governance, domainId);

        string subject = Certificates.Rfc2253(cert.SubjectName);
        string permissionsXml = SMime.Verify(Certificates.ReadText(files.Permissions), permissionsCa, time, files.Permissions);
        DateTime permissionsNotAfter = CheckPermissions(SecurityXml.Parse(permissionsXml, files.Permissions), files.Permissions, subject, domainId, time);
        return new EnclaveCheck(subject, cert.NotAfter.ToUniversalTime(), permissionsNotAfter);
    }

    private static void RequireValidNow(X509Certificate2 ca, string path, TimeProvider time)
    {
        DateTime now = time.GetUtcNow().UtcDateTime;
        if (now < ca.NotBefore.ToUniversalTime() || now > ca.NotAfter.ToUniversalTime())
        {
            throw new RosSecurityException(path, $"the CA certificate is valid from {Certificates.Iso(ca.NotBefore)} to {Certificates.Iso(ca.NotAfter)}, and now is {Certificates.Iso(now)}");
        }
    }

    private static void RequireDdsKeyType(X509Certificate2 cert, string path)
    {
        // Cyclone's builtin authentication takes the two key types of DDS Security 1.1 (9.3.2.5.1).
        using var ec = cert.GetECDsaPublicKey();
        if (ec is not null)
        {
            string? curve = ec.ExportParameters(false).Curve.Oid.Value;
            if (curve != Prime256v1)
            {
                throw new RosSecurityException(path, $"ECDSA key on curve {curve}; DDS Security takes prime256v1 (P-256) only");
            }

            return;
        }

        using var rsa = cert.GetRSAPublicKey();
        if (rsa is not null)
        {
            if (rsa.KeySize != 2048)
            {
                throw new RosSecurityException(path, $"RSA key of {rsa.KeySize} bits; DDS Security takes RSA-2048 only");
            }

            return;
        }

        throw new RosSecurityException(path, $"key type {cert.PublicKey.Oid.FriendlyName ?? cert.PublicKey.Oid.Value}; DDS Security takes ECDSA P-256 or RSA-2048");
    }

    private static void CheckGovernance(XDocument doc, string path, uint domainId)
    {
        XElement root = doc.Root!;
        if (root.Name.LocalName != "dds" || root.Element("domain_access_rules") is not { } rules)
        {
            throw new RosSecurityException(path, $"root <{root.Name.LocalName}> without <domain_access_rules>: not a governance document");
        }

        if (!rules.Elements("domain_rule").Any(r => SecurityDocuments.DomainsContain(r.Element("domains"), domainId)))
        {
            throw new RosSecurityException(path, $"no <domain_rule> covers domain {domainId} (the keystore was made for another ROS_DOMAIN_ID?)");
        }
    }

    private static DateTime CheckPermissions(XDocument doc, string path, string subject, uint domainId, TimeProvider time)
    {
        XElement root = doc.Root!;
        if (root.Name.LocalName != "dds" || root.Element("permissions") is not { } permissions)
        {
            throw new RosSecurityException(path, $"root <{root.Name.LocalName}> without <permissions>: not a permissions document");
        }

        // Cyclone takes the first grant whose subject_name equals the certificate's subject, character for character.
        XElement grant = permissions.Elements("grant").FirstOrDefault(g => ((string?)g.Element("subject_name"))?.Trim() == subject)
            ?? throw new RosSecurityException(path,
                $"no <grant> for subject '{subject}' (grants: {string.Join(", ", permissions.Elements("grant").Select(g => $"'{((string?)g.Element("subject_name"))?.Trim()}'"))})");
        string name = (string?)grant.Attribute("name") ?? subject;
        string? notBeforeText = (string?)grant.Element("validity")?.Element("not_before");
        string? notAfterText = (string?)grant.Element("validity")?.Element("not_after");
        if (notBeforeText is null || notAfterText is null)
        {
            throw new RosSecurityException(path, $"grant '{name}' has no <validity><not_before>/<not_after>");
        }

        DateTime notBefore = SecurityDocuments.ParseXmlDate(notBeforeText) ?? throw new RosSecurityException(path, $"grant '{name}': not_before '{notBeforeText}' is not a date");
        DateTime notAfter = SecurityDocuments.ParseXmlDate(notAfterText) ?? throw new RosSecurityException(path, $"grant '{name}': not_after '{notAfterText}' is not a date");
        DateTime now = time.GetUtcNow().UtcDateTime;
        if (now <= notBefore)
        {
            throw new RosSecurityException(path, $"grant '{name}' is not valid yet: not_before {notBeforeText}, now {Certificates.Iso(now)}");
        }

        if (now >= notAfter)
        {
            throw new RosSecurityException(path, $"grant '{name}' expired: not_after {notAfterText}, now {Certificates.Iso(now)}");
        }

        bool allowed = grant.Elements("allow_rule").Any(r => SecurityDocuments.DomainsContain(r.Element("domains"), domainId))
            || ((string?)grant.Element("default"))?.Trim() == "ALLOW";
        if (!allowed)
        {
            throw new RosSecurityException(path, $"grant '{name}' has no <allow_rule> for domain {domainId} and denies by default (the keystore was made for another ROS_DOMAIN_ID?)");
        }

        return notAfter;
    }
}
