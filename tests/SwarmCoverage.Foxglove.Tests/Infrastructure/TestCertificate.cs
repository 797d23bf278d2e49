using System.Diagnostics;

namespace SwarmCoverage.Foxglove.Tests.Infrastructure;

/// <summary>A self-signed certificate for 127.0.0.1 and localhost, made by openssl in a temporary directory.</summary>
internal sealed class TestCertificate : IDisposable
{
    private readonly string _dir;

    private TestCertificate(string dir)
    {
        _dir = dir;
    }

    public string CertificatePath => Path.Combine(_dir, "cert.pem");

    public string KeyPath => Path.Combine(_dir, "key.pem");

    public static TestCertificate Create()
    {
        string dir = Directory.CreateTempSubdirectory("foxglove-tls-").FullName;
        TestCertificate cert = new(dir);
        ProcessStartInfo psi = new("openssl")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string a in new[]
        {
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", cert.KeyPath, "-out", cert.CertificatePath, "-days", "2", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        })
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"openssl failed: {err}");
        return cert;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
