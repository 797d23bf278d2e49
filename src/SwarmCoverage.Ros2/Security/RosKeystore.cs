using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SwarmCoverage.Ros2.Security;

/// <summary>Settings of keystore creation; the defaults are what sros2 does.</summary>
public sealed record KeystoreOptions
{
    /// <summary>The clock for validity periods and signing times.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The domain the governance and permissions cover. Null: <c>ROS_DOMAIN_ID</c>, else 0, as sros2 reads it.</summary>
    public uint? DomainId { get; init; }

    /// <summary>Common name of the keystore's CA (sros2: <c>sros2CA</c>).</summary>
    public string CaCommonName { get; init; } = "sros2CA";

    /// <summary>How long the CA and enclave certificates are valid from now (sros2: 3650 days).</summary>
    public TimeSpan Validity { get; init; } = TimeSpan.FromDays(3650);

    /// <summary>How far before now certificates start being valid (sros2: one day, for peers with skewed clocks).</summary>
    public TimeSpan Backdate { get; init; } = TimeSpan.FromDays(1);

    /// <summary>The governance written by <see cref="RosKeystore.CreateKeystore"/>.</summary>
    public GovernanceOptions Governance { get; init; } = new();

    /// <summary>
    /// The validity of permissions documents. Null: the enclave certificate's validity, as sros2 writes it.
    /// </summary>
    public (DateTime NotBefore, DateTime NotAfter)? PermissionsValidity { get; init; }

    internal uint ResolveDomain() => RosParticipant.ResolveDomainId(DomainId, Environment.GetEnvironmentVariable);
}

/// <summary>
/// An SROS2 keystore made without ROS, with the layout and certificate profiles of <c>ros2 security
/// create_keystore / create_enclave / create_permission</c> (docs/security.md, "Keystore layout"), so a keystore
/// made by either tool serves both:
/// <code>
/// public/ca.cert.pem, identity_ca.cert.pem -> ca.cert.pem, permissions_ca.cert.pem -> ca.cert.pem
/// private/ca.key.pem, identity_ca.key.pem -> ca.key.pem, permissions_ca.key.pem -> ca.key.pem
/// enclaves/governance.xml, governance.p7s
/// enclaves/&lt;enclave path&gt;/cert.pem, key.pem, permissions.xml, permissions.p7s,
///     identity_ca.cert.pem, permissions_ca.cert.pem, governance.p7s (relative links)
/// </code>
/// Keys are ECDSA P-256 (DDS Security's prime256v1), certificates X.509 v3 signed with SHA-256, the CA with
/// basic constraints CA:TRUE, pathlen 1 (critical), an enclave with CA:FALSE and subject <c>CN=&lt;enclave&gt;</c>.
/// Documents are signed by the permissions CA as S/MIME (<see cref="SMime"/>). Errors are
/// <see cref="RosSecurityException"/>s naming the file or directory.
/// </summary>
public static class RosKeystore
{
    private const string Public = "public";
    private const string Private = "private";
    private const string Enclaves = "enclaves";

    /// <summary>Whether <paramref name="keystore"/> has the files sros2's <c>is_valid_keystore</c> requires.</summary>
    public static bool IsKeystore(string keystore) =>
        File.Exists(Path.Combine(keystore, Public, "permissions_ca.cert.pem")) &&
        File.Exists(Path.Combine(keystore, Public, "identity_ca.cert.pem")) &&
        File.Exists(Path.Combine(keystore, Private, "permissions_ca.key.pem")) &&
        File.Exists(Path.Combine(keystore, Private, "identity_ca.key.pem")) &&
        File.Exists(Path.Combine(keystore, Enclaves, "governance.p7s"));

    /// <summary>The directory of <paramref name="enclave"/> in <paramref name="keystore"/> (rcl's lookup: <c>enclaves/</c> + the path without its leading '/').</summary>
    public static string EnclaveDirectory(string keystore, string enclave)
    {
        ValidateEnclaveName(enclave);
        string enclaves = Path.Combine(Path.GetFullPath(keystore), Enclaves);
        return enclave == "/" ? enclaves : Path.Combine(enclaves, enclave[1..].Replace('/', Path.DirectorySeparatorChar));
    }

    /// <summary>Checks an enclave name (rcl: a valid absolute namespace). Throws <see cref="ArgumentException"/> saying why.</summary>
    public static void ValidateEnclaveName(string enclave)
    {
        ArgumentNullException.ThrowIfNull(enclave);
        try
        {
            RosNames.ValidateNamespace(enclave);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"enclave name '{enclave}' is not valid: {e.Message.Replace("namespace", "enclave name", StringComparison.Ordinal)}", nameof(enclave), e);
        }
    }

    /// <summary>
    /// Creates a keystore in <paramref name="keystore"/> (made if missing): one self-signed CA serving as identity
    /// and permissions CA, and the governance signed by it. Refuses a directory that already is a keystore.
    /// </summary>
    public static void CreateKeystore(string keystore, KeystoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(keystore);
        options ??= new KeystoreOptions();
        string root = Path.GetFullPath(keystore);
        if (IsKeystore(root))
        {
            throw new RosSecurityException(root, "is already a keystore (public/, private/ and enclaves/governance.p7s exist)");
        }

        if (File.Exists(root))
        {
            throw new RosSecurityException(root, "is a file, expected a directory for the keystore");
        }

        foreach (string d in new[] { root, Path.Combine(root, Public), Path.Combine(root, Private), Path.Combine(root, Enclaves) })
        {
            Directory.CreateDirectory(d);
        }

        DateTimeOffset now = options.Time.GetUtcNow();
        using ECDsa caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(options.CaCommonName);
        var request = new CertificateRequest(subject.Build(), caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 1, critical: true));
        using X509Certificate2 ca = request.Create(request.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), now - options.Backdate, now + options.Validity, NewSerial());

        WritePrivate(Path.Combine(root, Private, "ca.key.pem"), caKey.ExportPkcs8PrivateKeyPem());
        WriteText(Path.Combine(root, Public, "ca.cert.pem"), ca.ExportCertificatePem() + "\n");
        foreach (string name in new[] { "identity_ca", "permissions_ca" })
        {
            Link(Path.Combine(root, Public, name + ".cert.pem"), "ca.cert.pem");
            Link(Path.Combine(root, Private, name + ".key.pem"), "ca.key.pem");
        }

        string governance = SecurityDocuments.Governance(options.ResolveDomain(), options.Governance);
        WriteText(Path.Combine(root, Enclaves, "governance.xml"), governance);
        using X509Certificate2 signer = LoadPermissionsCa(root);
        WriteText(Path.Combine(root, Enclaves, "governance.p7s"), SMime.Sign(governance, signer, options.Time));
    }

    /// <summary>
    /// Creates the enclave <paramref name="enclave"/> (e.g. <c>/swarm_coverage</c>) and returns its directory: links to
    /// the CA certificates and the governance, a key and a certificate issued by the identity CA (kept when both
    /// exist, as sros2 does), and permissions from <paramref name="policy"/> (null: sros2's allow-everything default,
    /// <see cref="EnclavePolicy.AllowAll"/>, to be narrowed with <see cref="CreatePermissions"/>).
    /// </summary>
    public static string CreateEnclave(string keystore, string enclave, EnclavePolicy? policy = null, KeystoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(keystore);
        options ??= new KeystoreOptions();
        string root = RequireKeystore(keystore);
        string dir = EnclaveDirectory(root, enclave);
        Directory.CreateDirectory(dir);
        foreach (string name in new[] { "identity_ca.cert.pem", "permissions_ca.cert.pem" })
        {
            Link(Path.Combine(dir, name), Path.GetRelativePath(dir, Path.Combine(root, Public, name)));
        }

        Link(Path.Combine(dir, "governance.p7s"), Path.GetRelativePath(dir, Path.Combine(root, Enclaves, "governance.p7s")));

        string certPath = Path.Combine(dir, "cert.pem");
        string keyPath = Path.Combine(dir, "key.pem");
        if (!File.Exists(certPath) || !File.Exists(keyPath))
        {
            using X509Certificate2 ca = LoadCaWithKey(root, "identity_ca");
            using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var subject = new X500DistinguishedNameBuilder();
            subject.AddCommonName(enclave);
            var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: false));
            DateTimeOffset now = options.Time.GetUtcNow();
            using ECDsa caKey = ca.GetECDsaPrivateKey() ?? throw new RosSecurityException(Path.Combine(root, Private, "identity_ca.key.pem"), "not an ECDSA key");
            using X509Certificate2 cert = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), now - options.Backdate, now + options.Validity, NewSerial());
            WritePrivate(keyPath, key.ExportPkcs8PrivateKeyPem());
            WriteText(certPath, cert.ExportCertificatePem() + "\n");
        }

        CreatePermissions(root, enclave, policy ?? EnclavePolicy.AllowAll, options);
        return dir;
    }

    /// <summary>
    /// Writes <c>permissions.xml</c> for <paramref name="policy"/> into the enclave's directory and signs it as
    /// <c>permissions.p7s</c> with the permissions CA: exactly the policy's DDS topics are allowed, everything else
    /// denied. The grant's subject is the enclave certificate's subject and its validity the certificate's (sros2).
    /// </summary>
    public static void CreatePermissions(string keystore, string enclave, EnclavePolicy policy, KeystoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(keystore);
        ArgumentNullException.ThrowIfNull(policy);
        options ??= new KeystoreOptions();
        string root = RequireKeystore(keystore);
        string dir = EnclaveDirectory(root, enclave);
        string certPath = Path.Combine(dir, "cert.pem");
        using X509Certificate2 cert = Certificates.LoadPem(certPath);
        (DateTime notBefore, DateTime notAfter) = options.PermissionsValidity ?? (cert.NotBefore.ToUniversalTime(), cert.NotAfter.ToUniversalTime());
        string xml;
        try
        {
            xml = SecurityDocuments.Permissions(Certificates.Rfc2253(cert.SubjectName), enclave, policy, options.ResolveDomain(), notBefore, notAfter);
        }
        catch (ArgumentException e)
        {
            string message = e.ParamName is { } name ? e.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : e.Message;
            throw new RosSecurityException(null, $"policy for enclave {enclave}: {message}", e);
        }

        WriteText(Path.Combine(dir, "permissions.xml"), xml);
        using X509Certificate2 signer = LoadPermissionsCa(root);
        WriteText(Path.Combine(dir, "permissions.p7s"), SMime.Sign(xml, signer, options.Time));
    }

    private static string RequireKeystore(string keystore)
    {
        string root = Path.GetFullPath(keystore);
        if (!IsKeystore(root))
        {
            string? missing = new[]
            {
                Path.Combine(root, Public, "permissions_ca.cert.pem"), Path.Combine(root, Public, "identity_ca.cert.pem"),
                Path.Combine(root, Private, "permissions_ca.key.pem"), Path.Combine(root, Private, "identity_ca.key.pem"),
                Path.Combine(root, Enclaves, "governance.p7s"),
            }.FirstOrDefault(f => !File.Exists(f));
            throw new RosSecurityException(missing ?? root, $"missing: {root} is not a keystore (create it with create-keystore)");
        }

        return root;
    }

    private static X509Certificate2 LoadPermissionsCa(string root) => LoadCaWithKey(root, "permissions_ca");

    private static X509Certificate2 LoadCaWithKey(string root, string name)
    {
        string certPath = Path.Combine(root, Public, name + ".cert.pem");
        string keyPath = Path.Combine(root, Private, name + ".key.pem");
        using X509Certificate2 cert = Certificates.LoadPem(certPath);
        string keyPem = Certificates.ReadText(keyPath);
        if (!Certificates.KeyMatches(keyPem, keyPath, cert))
        {
            throw new RosSecurityException(keyPath, $"is not the key of {certPath}");
        }

        using var key = ECDsa.Create();
        key.ImportFromPem(keyPem);
        return cert.CopyWithPrivateKey(key);
    }

    private static byte[] NewSerial()
    {
        // A positive 159-bit number, as the cryptography package's random_serial_number makes.
        byte[] serial = RandomNumberGenerator.GetBytes(20);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
        return serial;
    }

    private static void Link(string path, string target)
    {
        if (Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, target)) == Path.GetFullPath(path))
        {
            return; // enclave "/" lives in enclaves/ itself, next to the governance it would link to
        }

        var existing = new FileInfo(path);
        if (existing.Exists || existing.LinkTarget is not null)
        {
            if (existing.LinkTarget == target)
            {
                return;
            }

            File.Delete(path);
        }

        File.CreateSymbolicLink(path, target);
    }

    private static void WriteText(string path, string text)
    {
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, text);
        File.Move(tmp, path, overwrite: true);
    }

    private static void WritePrivate(string path, string text)
    {
        // Readable by the owner only (0600), created so: the key is never readable by others, not even briefly.
        string tmp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(tmp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
            writer.Write('\n');
        }

        File.Move(tmp, path, overwrite: true);
    }
}
