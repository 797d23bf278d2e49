using Microsoft.Extensions.Time.Testing;
using SwarmCoverage.Ros2.Security;
using SwarmCoverage.Ros2.Tests.Infrastructure;

namespace SwarmCoverage.Ros2.Tests.Security;

/// <summary>
/// The project's checks (docs/security.md, "Checks before start") against enclaves made by <c>openssl</c> alone: a
/// good one passes, and each kind of bad file is refused with a message that names it and says why.
/// </summary>
public sealed class ValidationTests : IDisposable
{
    private const uint Domain = 3;
    private static readonly string[] Chat = ["rt/chat"];
    private readonly string root = Directory.CreateTempSubdirectory("sc-validate-").FullName;
    private readonly OpensslKeystore ks;

    public ValidationTests() => ks = OpensslKeystore.Create(Path.Combine(root, "ks"), Domain);

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static DateTime Now => TimeProvider.System.GetUtcNow().UtcDateTime;

    private static RosSecurityException Refused(string enclaveDir, uint domain = Domain, TimeProvider? time = null) =>
        Assert.Throws<RosSecurityException>(() => EnclaveValidator.Validate(DdsSecurityFiles.FromEnclave(enclaveDir), domain, time ?? TimeProvider.System));

    [Fact]
    public void An_openssl_made_enclave_passes_in_both_smime_forms()
    {
        string dir = ks.AddEnclave("/swarm_coverage", Domain, Chat, Chat);
        EnclaveCheck check = EnclaveValidator.Validate(DdsSecurityFiles.FromEnclave(dir), Domain, TimeProvider.System);
        Assert.Equal("CN=/swarm_coverage", check.Subject);

        // The enveloped form (-nodetach, application/pkcs7-mime) is read too.
        ks.Sign(Path.Combine(dir, "permissions.xml"), Path.Combine(dir, "permissions.p7s"), detached: false);
        Assert.Contains("application/x-pkcs7-mime", File.ReadAllText(Path.Combine(dir, "permissions.p7s")), StringComparison.Ordinal);
        Assert.Equal("CN=/swarm_coverage", EnclaveValidator.Validate(DdsSecurityFiles.FromEnclave(dir), Domain, TimeProvider.System).Subject);
    }

    [Fact]
    public void The_project_adds_a_valid_enclave_to_an_openssl_made_keystore()
    {
        Assert.True(RosKeystore.IsKeystore(ks.Root));
        string dir = RosKeystore.CreateEnclave(ks.Root, "/added", null, new KeystoreOptions { DomainId = Domain });
        Assert.Equal("cert.pem: OK", OpensslKeystore.Run(dir, "verify", "-CAfile", "identity_ca.cert.pem", "cert.pem").Trim());
        Assert.Equal("CN=/added", EnclaveValidator.Validate(DdsSecurityFiles.FromEnclave(dir), Domain, TimeProvider.System).Subject);
    }

    [Fact]
    public void Expired_and_not_yet_valid_permissions_are_refused()
    {
        string dir = ks.AddEnclave("/late", Domain, Chat, Chat, Now.AddDays(-30), Now.AddDays(-1));
        var e = Refused(dir);
        Assert.Equal(Path.Combine(dir, "permissions.p7s"), e.FilePath);
        Assert.Contains("expired", e.Reason, StringComparison.Ordinal);

        ks.WritePermissions("/late", Domain, Chat, Chat, Now.AddDays(1), Now.AddDays(30));
        e = Refused(dir);
        Assert.Equal(Path.Combine(dir, "permissions.p7s"), e.FilePath);
        Assert.Contains("not valid yet", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_from_another_ca_is_refused()
    {
        (string cert, string key) other = OpensslKeystore.MakeCa(Path.Combine(root, "other"), "otherCA");
        string dir = ks.AddEnclave("/foreign", Domain, Chat, Chat, issuer: other);
        var e = Refused(dir);
        Assert.Equal(Path.Combine(dir, "cert.pem"), e.FilePath);
        Assert.Contains("not accepted by the identity CA", e.Reason, StringComparison.Ordinal);
        Assert.Contains("CN=otherCA", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_that_is_not_the_certificates_is_refused()
    {
        string dir = ks.AddEnclave("/swapped", Domain, Chat, Chat);
        OpensslKeystore.Run(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "key.pem");
        var e = Refused(dir);
        Assert.Equal(Path.Combine(dir, "key.pem"), e.FilePath);
        Assert.Contains("is not the private key of", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_or_empty_file_is_named()
    {
        string dir = ks.AddEnclave("/incomplete", Domain, Chat, Chat);
        File.Delete(Path.Combine(dir, "permissions.p7s"));
        var e = Refused(dir);
        Assert.Equal(Path.Combine(dir, "permissions.p7s"), e.FilePath);
        Assert.Equal("missing", e.Reason);

        File.WriteAllText(Path.Combine(dir, "permissions.p7s"), string.Empty);
        Assert.Equal("is empty", Refused(dir).Reason);

        // A dangling link (the keystore's public/ not deployed with the enclave) says where it points.
        File.Delete(Path.Combine(ks.Root, "public", "identity_ca.cert.pem"));
        e = Refused(dir);
        Assert.Equal(Path.Combine(dir, "identity_ca.cert.pem"), e.FilePath);
        Assert.Contains("symbolic link", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Documents_signed_without_text_tampered_with_or_by_another_ca_are_refused()
    {
        string dir = ks.AddEnclave("/docs", Domain, Chat, Chat);
        string p7s = Path.Combine(dir, "permissions.p7s");
        ks.Sign(Path.Combine(dir, "permissions.xml"), p7s, text: false);
        Assert.Contains("without -text", Refused(dir).Reason, StringComparison.Ordinal);

        ks.Sign(Path.Combine(dir, "permissions.xml"), p7s);
        File.WriteAllText(p7s, File.ReadAllText(p7s).Replace("rt/chat", "rt/chaT", StringComparison.Ordinal));
        var e = Refused(dir);
        Assert.Equal(p7s, e.FilePath);
        Assert.Contains("signature does not verify", e.Reason, StringComparison.Ordinal);

        (string cert, string key) other = OpensslKeystore.MakeCa(Path.Combine(root, "other"), "otherCA");
        ks.Sign(Path.Combine(dir, "permissions.xml"), p7s);
        string governance = Path.Combine(ks.Root, "enclaves", "governance.p7s");
        OpensslKeystore.Run(root, "smime", "-sign", "-text", "-in", Path.Combine(ks.Root, "enclaves", "governance.xml"), "-out", governance, "-signer", other.cert, "-inkey", other.key);
        e = Refused(dir);
        Assert.Equal(Path.Combine(dir, "governance.p7s"), e.FilePath);
        Assert.Contains("CN=otherCA", e.Reason, StringComparison.Ordinal);
        Assert.Contains("not accepted by the permissions CA", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_domain_or_subject_is_refused()
    {
        string dir = ks.AddEnclave("/elsewhere", Domain, Chat, Chat);
        var e = Refused(dir, domain: 9);
        Assert.Equal(Path.Combine(dir, "governance.p7s"), e.FilePath);
        Assert.Contains("domain 9", e.Reason, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(dir, "permissions.xml"), OpensslKeystore.PermissionsXml("/someone_else", Domain, Chat, Chat, Now.AddDays(-1), Now.AddDays(1)));
        ks.Sign(Path.Combine(dir, "permissions.xml"), Path.Combine(dir, "permissions.p7s"));
        e = Refused(dir);
        Assert.Equal(Path.Combine(dir, "permissions.p7s"), e.FilePath);
        Assert.Contains("no <grant> for subject 'CN=/elsewhere'", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_past_its_validity_is_refused_at_that_time()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        string keystore = Path.Combine(root, "project");
        RosKeystore.CreateKeystore(keystore, new KeystoreOptions { Time = time, DomainId = Domain });
        string dir = RosKeystore.CreateEnclave(keystore, "/short", null, new KeystoreOptions { Time = time, DomainId = Domain, Validity = TimeSpan.FromDays(30) });
        Assert.Equal("CN=/short", EnclaveValidator.Validate(DdsSecurityFiles.FromEnclave(dir), Domain, time).Subject);
        time.Advance(TimeSpan.FromDays(31));
        var e = Refused(dir, time: time);
        Assert.Equal(Path.Combine(dir, "cert.pem"), e.FilePath);
        Assert.Contains("valid from", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_revoked_by_the_crl_is_refused()
    {
        string dir = ks.AddEnclave("/revoked", Domain, Chat, Chat);
        string ca = Path.Combine(root, "crl");
        Directory.CreateDirectory(ca);
        File.WriteAllText(Path.Combine(ca, "index.txt"), string.Empty);
        File.WriteAllText(Path.Combine(ca, "crlnumber"), "1000\n");
        File.WriteAllText(Path.Combine(ca, "ca.cnf"), "[ca]\ndefault_ca = local\n[local]\ndatabase = index.txt\ncrlnumber = crlnumber\ndefault_md = sha256\ndefault_crl_days = 30\n");
        string[] signer = ["-config", "ca.cnf", "-keyfile", ks.CaKey, "-cert", ks.CaCert];

        // An empty CRL from the identity CA changes nothing.
        OpensslKeystore.Run(ca, ["ca", "-gencrl", .. signer, "-out", Path.Combine(dir, "crl.pem")]);
        Assert.NotNull(DdsSecurityFiles.FromEnclave(dir).Crl);
        Assert.Equal("CN=/revoked", EnclaveValidator.Validate(DdsSecurityFiles.FromEnclave(dir), Domain, TimeProvider.System).Subject);

        OpensslKeystore.Run(ca, ["ca", "-revoke", Path.Combine(dir, "cert.pem"), .. signer]);
        OpensslKeystore.Run(ca, ["ca", "-gencrl", .. signer, "-out", Path.Combine(dir, "crl.pem")]);
        var e = Refused(dir);
        Assert.Equal(Path.Combine(dir, "cert.pem"), e.FilePath);
        Assert.Contains("revoked", e.Reason, StringComparison.Ordinal);

        // A CRL signed by another CA is refused as such.
        (string cert, string key) other = OpensslKeystore.MakeCa(Path.Combine(root, "other"), "otherCA");
        OpensslKeystore.Run(ca, ["ca", "-gencrl", "-config", "ca.cnf", "-keyfile", other.key, "-cert", other.cert, "-out", Path.Combine(dir, "crl.pem")]);
        e = Refused(dir);
        Assert.Equal(Path.Combine(dir, "crl.pem"), e.FilePath);
        Assert.Contains("not signed by the identity CA", e.Reason, StringComparison.Ordinal);
    }
}
