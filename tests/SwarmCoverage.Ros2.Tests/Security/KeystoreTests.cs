using System.Globalization;
using System.Xml.Linq;
using Microsoft.Extensions.Time.Testing;
using SwarmCoverage.Ros2.Security;
using SwarmCoverage.Ros2.Tests.Infrastructure;

namespace SwarmCoverage.Ros2.Tests.Security;

/// <summary>
/// The project's keystore checked by an independent implementation, the <c>openssl</c> command: certificates with
/// <c>openssl verify</c> and <c>openssl x509</c>, documents with <c>openssl smime -verify</c> (docs/security.md,
/// "Keystore layout", "Signed documents", "Permissions").
/// </summary>
public sealed class KeystoreTests : IDisposable
{
    private const string Enclave = "/swarm_coverage";
    private readonly string root = Directory.CreateTempSubdirectory("sc-keystore-").FullName;
    private readonly FakeTimeProvider time = new(TimeProvider.System.GetUtcNow());

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string Ks => Path.Combine(root, "keystore");

    private string EnclaveDir => Path.Combine(Ks, "enclaves", "swarm_coverage");

    private KeystoreOptions Options => new() { Time = time, DomainId = 7 };

    private static string Openssl(string dir, params string[] args) => OpensslKeystore.Run(dir, args);

    [Fact]
    public void Openssl_verifies_every_certificate_and_signed_document()
    {
        RosKeystore.CreateKeystore(Ks, Options);
        RosKeystore.CreateEnclave(Ks, Enclave, null, Options);
        RosKeystore.CreatePermissions(Ks, Enclave, ControllerPolicy, Options);

        Assert.Equal("public/ca.cert.pem: OK", Openssl(Ks, "verify", "-CAfile", "public/ca.cert.pem", "public/ca.cert.pem").Trim());
        Assert.Equal("enclaves/swarm_coverage/cert.pem: OK", Openssl(Ks, "verify", "-CAfile", "public/identity_ca.cert.pem", "enclaves/swarm_coverage/cert.pem").Trim());
        foreach (string doc in new[] { "enclaves/governance", "enclaves/swarm_coverage/permissions" })
        {
            // -text: strip the text/plain header, as Cyclone's PKCS7_verify(PKCS7_TEXT) does; the default purpose check is S/MIME signing.
            string verified = Openssl(Ks, "smime", "-verify", "-in", doc + ".p7s", "-CAfile", "public/permissions_ca.cert.pem", "-text");
            Assert.Equal(File.ReadAllText(Path.Combine(Ks, doc + ".xml")), verified.Replace("\r\n", "\n", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Certificates_and_keys_have_sros2s_profile()
    {
        RosKeystore.CreateKeystore(Ks, Options);
        RosKeystore.CreateEnclave(Ks, Enclave, null, Options);

        string ca = Openssl(Ks, "x509", "-in", "public/ca.cert.pem", "-noout", "-text", "-nameopt", "RFC2253");
        Assert.Contains("Issuer: CN=sros2CA", ca, StringComparison.Ordinal);
        Assert.Contains("Subject: CN=sros2CA", ca, StringComparison.Ordinal);
        Assert.Contains("ASN1 OID: prime256v1", ca, StringComparison.Ordinal);
        Assert.Contains("X509v3 Basic Constraints: critical", ca, StringComparison.Ordinal);
        Assert.Contains("CA:TRUE, pathlen:1", ca, StringComparison.Ordinal);
        Assert.Contains("Signature Algorithm: ecdsa-with-SHA256", ca, StringComparison.Ordinal);

        string cert = Openssl(Ks, "x509", "-in", "enclaves/swarm_coverage/cert.pem", "-noout", "-text", "-nameopt", "RFC2253");
        Assert.Contains("Issuer: CN=sros2CA", cert, StringComparison.Ordinal);
        Assert.Contains("Subject: CN=/swarm_coverage", cert, StringComparison.Ordinal);
        Assert.Contains("ASN1 OID: prime256v1", cert, StringComparison.Ordinal);
        Assert.Contains("CA:FALSE", cert, StringComparison.Ordinal);
        Assert.DoesNotContain("Basic Constraints: critical", cert, StringComparison.Ordinal);

        // Valid from a day before creation for ten years (3650 days), in openssl's reading.
        DateTime now = time.GetUtcNow().UtcDateTime;
        Assert.Equal(Trunc(now.AddDays(-1)), OpensslDate(Openssl(Ks, "x509", "-in", "enclaves/swarm_coverage/cert.pem", "-noout", "-startdate"), "notBefore="));
        Assert.Equal(Trunc(now.AddDays(3650)), OpensslDate(Openssl(Ks, "x509", "-in", "enclaves/swarm_coverage/cert.pem", "-noout", "-enddate"), "notAfter="));

        // key.pem is the certificate's key (openssl's own reading of both), unencrypted PKCS#8, readable by its owner only.
        Assert.Equal(
            Openssl(Ks, "x509", "-in", "enclaves/swarm_coverage/cert.pem", "-noout", "-pubkey"),
            Openssl(Ks, "pkey", "-in", "enclaves/swarm_coverage/key.pem", "-pubout"));
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(Path.Combine(EnclaveDir, "key.pem")), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(EnclaveDir, "key.pem")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Ks, "private", "ca.key.pem")));
        }
    }

    [Fact]
    public void Layout_and_links_are_those_of_ros2_security_create_keystore()
    {
        RosKeystore.CreateKeystore(Ks, Options);
        RosKeystore.CreateEnclave(Ks, "/robots/robot_0", null, Options);

        var entries = Directory.EnumerateFileSystemEntries(Ks, "*", SearchOption.AllDirectories)
            .Select(p => (Path: Path.GetRelativePath(Ks, p), Link: new FileInfo(p).LinkTarget))
            .OrderBy(e => e.Path, StringComparer.Ordinal)
            .Select(e => e.Link is null ? e.Path : $"{e.Path} -> {e.Link}");
        Assert.Equal(
            [
                "enclaves",
                "enclaves/governance.p7s",
                "enclaves/governance.xml",
                "enclaves/robots",
                "enclaves/robots/robot_0",
                "enclaves/robots/robot_0/cert.pem",
                "enclaves/robots/robot_0/governance.p7s -> ../../governance.p7s",
                "enclaves/robots/robot_0/identity_ca.cert.pem -> ../../../public/identity_ca.cert.pem",
                "enclaves/robots/robot_0/key.pem",
                "enclaves/robots/robot_0/permissions.p7s",
                "enclaves/robots/robot_0/permissions.xml",
                "enclaves/robots/robot_0/permissions_ca.cert.pem -> ../../../public/permissions_ca.cert.pem",
                "private",
                "private/ca.key.pem",
                "private/identity_ca.key.pem -> ca.key.pem",
                "private/permissions_ca.key.pem -> ca.key.pem",
                "public",
                "public/ca.cert.pem",
                "public/identity_ca.cert.pem -> ca.cert.pem",
                "public/permissions_ca.cert.pem -> ca.cert.pem",
            ],
            entries);
        Assert.True(RosKeystore.IsKeystore(Ks));
        var again = Assert.Throws<RosSecurityException>(() => RosKeystore.CreateKeystore(Ks, Options));
        Assert.Equal(Ks, again.FilePath);
    }

    /// <summary>A controller-like node: relative, private and absolute names, a served and a called service.</summary>
    private static EnclavePolicy ControllerPolicy { get; } = new()
    {
        Nodes =
        [
            new NodePolicy
            {
                Namespace = "/swarm",
                Node = "controller",
                Publish = ["/robot_0/cmd_vel", "status", "~/target_map"],
                Subscribe = ["/robot_0/odom", "/clock"],
                ServicesServed = ["~/set_target"],
                ServicesCalled = ["/map_server/load_map"],
            },
        ],
    };

    [Fact]
    public void Permissions_allow_exactly_the_policy_with_ros2_prefixes_and_deny_the_rest()
    {
        RosKeystore.CreateKeystore(Ks, Options);
        RosKeystore.CreateEnclave(Ks, Enclave, ControllerPolicy, Options);

        // Read back through openssl, not the project's parser.
        string xml = Openssl(Ks, "smime", "-verify", "-in", "enclaves/swarm_coverage/permissions.p7s", "-CAfile", "public/permissions_ca.cert.pem", "-text");
        XElement grant = XDocument.Parse(xml).Root!.Element("permissions")!.Element("grant")!;
        Assert.Equal("/swarm_coverage", (string?)grant.Attribute("name"));
        Assert.Equal("CN=/swarm_coverage", (string?)grant.Element("subject_name"));
        Assert.Equal("DENY", (string?)grant.Element("default"));
        var rules = grant.Elements("allow_rule").ToList();
        Assert.Equal(2, rules.Count);
        Assert.All(rules, r => Assert.Equal("7", (string?)r.Element("domains")!.Element("id")));
        Assert.Empty(grant.Elements("deny_rule"));
        string[] Topics(XElement rule, string kind) => [.. rule.Elements(kind).Elements("topics").Elements("topic").Select(t => t.Value)];

        // Expected from sros2's permissions template by hand: rt + topic; served service: publish rr..Reply,
        // subscribe rq..Request; called service the reverse; sorted.
        Assert.Equal(
            ["rq/map_server/load_mapRequest", "rr/swarm/controller/set_targetReply", "rt/robot_0/cmd_vel", "rt/swarm/controller/target_map", "rt/swarm/status"],
            Topics(rules[0], "publish"));
        Assert.Equal(
            ["rq/swarm/controller/set_targetRequest", "rr/map_server/load_mapReply", "rt/clock", "rt/robot_0/odom"],
            Topics(rules[0], "subscribe"));
        Assert.Equal(["ros_discovery_info"], Topics(rules[1], "publish"));
        Assert.Equal(["ros_discovery_info"], Topics(rules[1], "subscribe"));

        // The validity is the certificate's, as openssl reads the certificate.
        XElement validity = grant.Element("validity")!;
        Assert.Equal(OpensslDate(Openssl(Ks, "x509", "-in", "enclaves/swarm_coverage/cert.pem", "-noout", "-startdate"), "notBefore="),
            DateTime.Parse((string)validity.Element("not_before")!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal));
        Assert.Equal(OpensslDate(Openssl(Ks, "x509", "-in", "enclaves/swarm_coverage/cert.pem", "-noout", "-enddate"), "notAfter="),
            DateTime.Parse((string)validity.Element("not_after")!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal));
    }

    [Fact]
    public void An_sros2_policy_file_gives_the_same_permissions_as_the_policy_object()
    {
        string policy = Path.Combine(root, "policy.xml");
        File.WriteAllText(policy, """
            <?xml version="1.0" encoding="UTF-8"?>
            <policy version="0.2.0">
              <enclaves>
                <enclave path="/other"><profiles><profile ns="/" node="x"><topics publish="ALLOW"><topic>/nope</topic></topics></profile></profiles></enclave>
                <enclave path="/swarm_coverage">
                  <profiles>
                    <profile ns="/swarm" node="controller">
                      <topics publish="ALLOW"><topic>/robot_0/cmd_vel</topic><topic>status</topic><topic>~/target_map</topic></topics>
                      <topics subscribe="ALLOW"><topic>/robot_0/odom</topic><topic>/clock</topic></topics>
                      <services reply="ALLOW"><service>~/set_target</service></services>
                      <services request="ALLOW"><service>/map_server/load_map</service></services>
                    </profile>
                  </profiles>
                </enclave>
              </enclaves>
            </policy>
            """);
        (IReadOnlyList<string> publish, IReadOnlyList<string> subscribe) = EnclavePolicy.LoadSros2Policy(policy, Enclave).ToDdsTopics();
        Assert.Equal(ControllerPolicy.ToDdsTopics().Publish, publish);
        Assert.Equal(ControllerPolicy.ToDdsTopics().Subscribe, subscribe);

        File.WriteAllText(policy, File.ReadAllText(policy).Replace("subscribe=\"ALLOW\"", "subscribe=\"DENY\"", StringComparison.Ordinal));
        var e = Assert.Throws<RosSecurityException>(() => EnclavePolicy.LoadSros2Policy(policy, Enclave));
        Assert.Equal(policy, e.FilePath);
        Assert.Contains("only ALLOW", e.Message, StringComparison.Ordinal);
        Assert.Equal(policy, Assert.Throws<RosSecurityException>(() => EnclavePolicy.LoadSros2Policy(policy, "/absent")).FilePath);
    }

    [Fact]
    public void Qos_properties_are_those_rmw_cyclonedds_sets()
    {
        RosKeystore.CreateKeystore(Ks, Options);
        RosKeystore.CreateEnclave(Ks, Enclave, null, Options);
        DdsSecurityFiles files = DdsSecurityFiles.FromEnclave(EnclaveDir);
        Assert.Null(files.Crl);
        string d = "file:" + EnclaveDir;

        // Written from rmw_cyclonedds_cpp's configure_qos_for_security (docs/security.md, "What rmw_cyclonedds sets").
        Assert.Equal(
            [
                new("dds.sec.auth.identity_ca", d + "/identity_ca.cert.pem"),
                new("dds.sec.auth.identity_certificate", d + "/cert.pem"),
                new("dds.sec.auth.private_key", d + "/key.pem"),
                new("dds.sec.access.permissions_ca", d + "/permissions_ca.cert.pem"),
                new("dds.sec.access.governance", d + "/governance.p7s"),
                new("dds.sec.access.permissions", d + "/permissions.p7s"),
                new("dds.sec.auth.library.path", "dds_security_auth"),
                new("dds.sec.auth.library.init", "init_authentication"),
                new("dds.sec.auth.library.finalize", "finalize_authentication"),
                new("dds.sec.crypto.library.path", "dds_security_crypto"),
                new("dds.sec.crypto.library.init", "init_crypto"),
                new("dds.sec.crypto.library.finalize", "finalize_crypto"),
                new("dds.sec.access.library.path", "dds_security_ac"),
                new("dds.sec.access.library.init", "init_access_control"),
                new("dds.sec.access.library.finalize", "finalize_access_control"),
            ],
            files.ToQosProperties());

        File.WriteAllText(Path.Combine(EnclaveDir, "crl.pem"), "x");
        Assert.Equal(new KeyValuePair<string, string>("org.eclipse.cyclonedds.sec.auth.crl", d + "/crl.pem"), DdsSecurityFiles.FromEnclave(EnclaveDir).ToQosProperties()[^1]);
    }

    private static DateTime Trunc(DateTime t) => new(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);

    // "notBefore=Dec  6 03:01:25 2026 GMT"
    private static DateTime OpensslDate(string line, string prefix)
    {
        string text = line.Trim()[prefix.Length..].Replace("  ", " ", StringComparison.Ordinal);
        return DateTime.ParseExact(text, "MMM d HH:mm:ss yyyy 'GMT'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
    }
}
