using System.Globalization;
using System.Text;

namespace SwarmCoverage.Ros2.Tests.Infrastructure;

/// <summary>
/// A keystore in sros2's layout made only with the <c>openssl</c> command (genpkey, req, x509, smime -sign -text)
/// and XML written here by hand from the DDS Security schemas, so the project's code can be checked against it and
/// it against the project's code. Certificates take openssl's clock (the real one).
/// </summary>
internal sealed class OpensslKeystore
{
    private OpensslKeystore(string root) => Root = root;

    public string Root { get; }

    public string CaCert => Path.Combine(Root, "public", "ca.cert.pem");

    public string CaKey => Path.Combine(Root, "private", "ca.key.pem");

    public static string Openssl => Tools.Find("openssl") ?? throw new InvalidOperationException("openssl is not installed (apt-get install openssl)");

    /// <summary>Runs openssl with <paramref name="args"/> in <paramref name="dir"/>; throws with its output on failure.</summary>
    public static string Run(string dir, params string[] args) => Tools.Run(Openssl, args, dir);

    /// <summary>A self-signed ECDSA P-256 CA (CA:TRUE, pathlen 1, as sros2's) in <paramref name="dir"/> as ca.cert.pem / ca.key.pem.</summary>
    public static (string Cert, string Key) MakeCa(string dir, string commonName, int days = 30)
    {
        Directory.CreateDirectory(dir);
        Run(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ca.key.pem");
        Run(dir, "req", "-new", "-x509", "-key", "ca.key.pem", "-subj", "/CN=" + commonName, "-days", days.ToString(CultureInfo.InvariantCulture), "-sha256",
            "-addext", "basicConstraints=critical,CA:TRUE,pathlen:1", "-out", "ca.cert.pem");
        return (Path.Combine(dir, "ca.cert.pem"), Path.Combine(dir, "ca.key.pem"));
    }

    /// <summary>Creates the keystore: its CA, the identity and permissions links, governance.xml and governance.p7s for <paramref name="domainId"/>.</summary>
    public static OpensslKeystore Create(string root, uint domainId, bool encrypt = true)
    {
        var ks = new OpensslKeystore(Path.GetFullPath(root));
        string pub = Path.Combine(ks.Root, "public"), priv = Path.Combine(ks.Root, "private"), enclaves = Path.Combine(ks.Root, "enclaves");
        Directory.CreateDirectory(pub);
        Directory.CreateDirectory(priv);
        Directory.CreateDirectory(enclaves);
        MakeCa(priv, "opensslCA");
        File.Move(Path.Combine(priv, "ca.cert.pem"), ks.CaCert);
        foreach (string role in new[] { "identity_ca", "permissions_ca" })
        {
            File.CreateSymbolicLink(Path.Combine(pub, role + ".cert.pem"), "ca.cert.pem");
            File.CreateSymbolicLink(Path.Combine(priv, role + ".key.pem"), "ca.key.pem");
        }

        File.WriteAllText(Path.Combine(enclaves, "governance.xml"), GovernanceXml(domainId, encrypt));
        ks.Sign(Path.Combine(enclaves, "governance.xml"), Path.Combine(enclaves, "governance.p7s"));
        return ks;
    }

    /// <summary>
    /// Adds enclave <paramref name="enclave"/>: a key, a certificate for <c>CN=&lt;enclave&gt;</c> from
    /// <paramref name="issuer"/> (default: this keystore's CA), the CA and governance links, and permissions allowing
    /// exactly the DDS topics given, valid between the given dates (default: a day ago to a year ahead).
    /// </summary>
    public string AddEnclave(
        string enclave, uint domainId, string[] publish, string[] subscribe,
        DateTime? notBefore = null, DateTime? notAfter = null, (string Cert, string Key)? issuer = null)
    {
        string dir = Path.Combine(Root, "enclaves", enclave.TrimStart('/'));
        Directory.CreateDirectory(dir);
        (string caCert, string caKey) = issuer ?? (CaCert, CaKey);
        Run(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "key.pem");
        Run(dir, "req", "-new", "-key", "key.pem", "-subj", "/CN=" + enclave.Replace("/", "\\/", StringComparison.Ordinal), "-out", "req.csr");
        File.WriteAllText(Path.Combine(dir, "ext.cnf"), "basicConstraints=CA:FALSE\n");
        Run(dir, "x509", "-req", "-in", "req.csr", "-CA", caCert, "-CAkey", caKey, "-CAcreateserial", "-days", "365", "-sha256", "-extfile", "ext.cnf", "-out", "cert.pem");
        File.Delete(Path.Combine(dir, "req.csr"));
        File.Delete(Path.Combine(dir, "ext.cnf"));
        foreach (string name in new[] { "identity_ca.cert.pem", "permissions_ca.cert.pem" })
        {
            File.CreateSymbolicLink(Path.Combine(dir, name), Path.GetRelativePath(dir, Path.Combine(Root, "public", name)));
        }

        File.CreateSymbolicLink(Path.Combine(dir, "governance.p7s"), Path.GetRelativePath(dir, Path.Combine(Root, "enclaves", "governance.p7s")));
        WritePermissions(enclave, domainId, publish, subscribe, notBefore ?? TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(-1), notAfter ?? TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(365));
        return dir;
    }

    /// <summary>Rewrites and re-signs the enclave's permissions.</summary>
    public void WritePermissions(string enclave, uint domainId, string[] publish, string[] subscribe, DateTime notBefore, DateTime notAfter)
    {
        string dir = Path.Combine(Root, "enclaves", enclave.TrimStart('/'));
        File.WriteAllText(Path.Combine(dir, "permissions.xml"), PermissionsXml(enclave, domainId, publish, subscribe, notBefore, notAfter));
        Sign(Path.Combine(dir, "permissions.xml"), Path.Combine(dir, "permissions.p7s"));
    }

    /// <summary><c>openssl smime -sign -text</c> with the keystore's CA (the permissions CA), as sros2 signs.</summary>
    public void Sign(string input, string output, bool detached = true, bool text = true)
    {
        var args = new List<string> { "smime", "-sign", "-in", input, "-out", output, "-signer", CaCert, "-inkey", CaKey };
        if (text)
        {
            args.Add("-text");
        }

        if (!detached)
        {
            args.Add("-nodetach");
        }

        Tools.Run(Openssl, args, Root);
    }

    /// <summary>The governance document as DDS Security's schema and sros2's default describe it.</summary>
    public static string GovernanceXml(uint domainId, bool encrypt)
    {
        string kind = encrypt ? "ENCRYPT" : "NONE";
        return $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <dds xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="http://www.omg.org/spec/DDS-SECURITY/20170901/omg_shared_ca_governance.xsd">
              <domain_access_rules>
                <domain_rule>
                  <domains><id>{domainId}</id></domains>
                  <allow_unauthenticated_participants>false</allow_unauthenticated_participants>
                  <enable_join_access_control>true</enable_join_access_control>
                  <discovery_protection_kind>{kind}</discovery_protection_kind>
                  <liveliness_protection_kind>{kind}</liveliness_protection_kind>
                  <rtps_protection_kind>{(encrypt ? "SIGN" : "NONE")}</rtps_protection_kind>
                  <topic_access_rules>
                    <topic_rule>
                      <topic_expression>*</topic_expression>
                      <enable_discovery_protection>true</enable_discovery_protection>
                      <enable_liveliness_protection>true</enable_liveliness_protection>
                      <enable_read_access_control>true</enable_read_access_control>
                      <enable_write_access_control>true</enable_write_access_control>
                      <metadata_protection_kind>{kind}</metadata_protection_kind>
                      <data_protection_kind>{kind}</data_protection_kind>
                    </topic_rule>
                  </topic_access_rules>
                </domain_rule>
              </domain_access_rules>
            </dds>

            """;
    }

    /// <summary>A permissions document with one grant for <c>CN=&lt;enclave&gt;</c>, the given DDS topics, default DENY.</summary>
    public static string PermissionsXml(string enclave, uint domainId, string[] publish, string[] subscribe, DateTime notBefore, DateTime notAfter)
    {
        static string Topics(string[] topics) => string.Concat(topics.Select(t => $"<topic>{t}</topic>"));
        var rule = new StringBuilder($"<allow_rule><domains><id>{domainId}</id></domains>");
        if (publish.Length > 0)
        {
            rule.Append($"<publish><topics>{Topics(publish)}</topics></publish>");
        }

        if (subscribe.Length > 0)
        {
            rule.Append($"<subscribe><topics>{Topics(subscribe)}</topics></subscribe>");
        }

        rule.Append("</allow_rule>");
        string f(DateTime t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <dds xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="http://www.omg.org/spec/DDS-SECURITY/20170901/omg_shared_ca_permissions.xsd">
              <permissions>
                <grant name="{enclave}">
                  <subject_name>CN={enclave}</subject_name>
                  <validity><not_before>{f(notBefore)}</not_before><not_after>{f(notAfter)}</not_after></validity>
                  {rule}
                  <default>DENY</default>
                </grant>
              </permissions>
            </dds>

            """;
    }
}
