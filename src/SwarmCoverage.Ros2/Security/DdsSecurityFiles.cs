namespace SwarmCoverage.Ros2.Security;

/// <summary>
/// The DDS Security configuration of one participant: the enclave's files, handed to Cyclone DDS as the
/// <c>dds.sec.*</c> QoS properties exactly as rmw_cyclonedds_cpp sets them (docs/security.md, "What
/// rmw_cyclonedds sets"). Paths are absolute; <see cref="FromEnclave"/> uses the file names of an SROS2 enclave.
/// </summary>
public sealed record DdsSecurityFiles
{
    /// <summary>Certificate of the identity CA (<c>identity_ca.cert.pem</c>).</summary>
    public required string IdentityCa { get; init; }

    /// <summary>This participant's identity certificate (<c>cert.pem</c>), issued by the identity CA.</summary>
    public required string Certificate { get; init; }

    /// <summary>The private key of <see cref="Certificate"/> (<c>key.pem</c>, unencrypted PKCS#8 PEM).</summary>
    public required string PrivateKey { get; init; }

    /// <summary>Certificate of the permissions CA (<c>permissions_ca.cert.pem</c>) that signed governance and permissions.</summary>
    public required string PermissionsCa { get; init; }

    /// <summary>The signed governance document (<c>governance.p7s</c>, S/MIME).</summary>
    public required string Governance { get; init; }

    /// <summary>The signed permissions document of this enclave (<c>permissions.p7s</c>, S/MIME).</summary>
    public required string Permissions { get; init; }

    /// <summary>An optional certificate revocation list of the identity CA (<c>crl.pem</c>); null when absent.</summary>
    public string? Crl { get; init; }

    /// <summary>The file names of an SROS2 enclave directory (<c>keystore/enclaves/&lt;enclave&gt;/</c>).</summary>
    public static class FileNames
    {
        public const string IdentityCa = "identity_ca.cert.pem";
        public const string Certificate = "cert.pem";
        public const string PrivateKey = "key.pem";
        public const string PermissionsCa = "permissions_ca.cert.pem";
        public const string Governance = "governance.p7s";
        public const string Permissions = "permissions.p7s";
        public const string Crl = "crl.pem";
    }

    /// <summary>
    /// The files of the enclave directory <paramref name="enclaveDirectory"/> under their SROS2 names, as
    /// rmw_dds_common's <c>get_security_files</c> picks them; <see cref="Crl"/> is set only when <c>crl.pem</c> exists.
    /// Nothing is checked here (see <see cref="EnclaveValidator"/>).
    /// </summary>
    public static DdsSecurityFiles FromEnclave(string enclaveDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(enclaveDirectory);
        string dir = Path.GetFullPath(enclaveDirectory);
        string crl = Path.Combine(dir, FileNames.Crl);
        return new DdsSecurityFiles
        {
            IdentityCa = Path.Combine(dir, FileNames.IdentityCa),
            Certificate = Path.Combine(dir, FileNames.Certificate),
            PrivateKey = Path.Combine(dir, FileNames.PrivateKey),
            PermissionsCa = Path.Combine(dir, FileNames.PermissionsCa),
            Governance = Path.Combine(dir, FileNames.Governance),
            Permissions = Path.Combine(dir, FileNames.Permissions),
            Crl = File.Exists(crl) ? crl : null,
        };
    }

    /// <summary>Every file with the name of its role, in the order Cyclone reads them.</summary>
    public IReadOnlyList<(string Role, string Path)> All()
    {
        var files = new List<(string, string)>
        {
            ("identity CA", IdentityCa),
            ("identity certificate", Certificate),
            ("private key", PrivateKey),
            ("permissions CA", PermissionsCa),
            ("governance", Governance),
            ("permissions", Permissions),
        };
        if (Crl is not null)
        {
            files.Add(("certificate revocation list", Crl));
        }

        return files;
    }

    /// <summary>
    /// The participant QoS properties, name and value, as rmw_cyclonedds_cpp's <c>configure_qos_for_security</c>
    /// sets them: the six documents as <c>file:</c> URIs of absolute paths (<c>file:/abs/path</c>, the prefix
    /// followed by the path, no authority), the three builtin plugins by library name (Cyclone adds <c>lib</c> and
    /// <c>.so</c>; Debian's libddsc also looks in its private plugin directory), and the CRL under Cyclone's own
    /// property when present.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> ToQosProperties()
    {
        var p = new List<KeyValuePair<string, string>>
        {
            new("dds.sec.auth.identity_ca", FileUri(IdentityCa)),
            new("dds.sec.auth.identity_certificate", FileUri(Certificate)),
            new("dds.sec.auth.private_key", FileUri(PrivateKey)),
            new("dds.sec.access.permissions_ca", FileUri(PermissionsCa)),
            new("dds.sec.access.governance", FileUri(Governance)),
            new("dds.sec.access.permissions", FileUri(Permissions)),
            new("dds.sec.auth.library.path", "dds_security_auth"),
            new("dds.sec.auth.library.init", "init_authentication"),
            new("dds.sec.auth.library.finalize", "finalize_authentication"),
            new("dds.sec.crypto.library.path", "dds_security_crypto"),
            new("dds.sec.crypto.library.init", "init_crypto"),
            new("dds.sec.crypto.library.finalize", "finalize_crypto"),
            new("dds.sec.access.library.path", "dds_security_ac"),
            new("dds.sec.access.library.init", "init_access_control"),
            new("dds.sec.access.library.finalize", "finalize_access_control"),
        };
        if (Crl is not null)
        {
            p.Add(new("org.eclipse.cyclonedds.sec.auth.crl", FileUri(Crl)));
        }

        return p;
    }

    /// <summary>rmw_dds_common's form: <c>"file:"</c> + the absolute path with forward slashes.</summary>
    internal static string FileUri(string path) => "file:" + Path.GetFullPath(path).Replace('\\', '/');
}
