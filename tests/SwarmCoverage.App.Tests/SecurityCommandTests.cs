using System.Diagnostics;

namespace SwarmCoverage.App.Tests;

/// <summary>
/// <c>swarm-coverage security ...</c>: the keystore verbs, their output checked with <c>openssl</c>, and bad input
/// exiting 2 with one line that names it (docs/security.md).
/// </summary>
public sealed class SecurityCommandTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    private string Ks => dir["ks"];

    private static string Openssl(string cwd, params string[] args)
    {
        var psi = new ProcessStartInfo("openssl") { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"openssl {string.Join(' ', args)}: {output}");
        return output;
    }

    private static void AssertBadInput((int Code, string Out, string Err) r, string mention)
    {
        Assert.Equal(2, r.Code);
        string line = Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(mention, line, StringComparison.Ordinal);
    }

    [Fact]
    public void The_verbs_make_a_keystore_that_openssl_accepts_and_check_passes()
    {
        Assert.Equal(0, Cli.Run("security", "create-keystore", Ks, "--domain", "5").Code);
        Assert.Equal(0, Cli.Run("security", "create-enclave", Ks, "/swarm_coverage", "--domain", "5").Code);
        var (code, output, _) = Cli.Run("security", "create-permissions", Ks, "/swarm_coverage", "--domain", "5", "--namespace", "/swarm",
            "--publish", "/robot_0/cmd_vel", "status", "--subscribe", "/robot_0/odom", "--no-ros-discovery-info");
        Assert.Equal(0, code);
        Assert.Equal("wrote permissions of /swarm_coverage: publish rt/robot_0/cmd_vel rt/swarm/status; subscribe rt/robot_0/odom\n", output);

        string verified = Openssl(Ks, "smime", "-verify", "-in", "enclaves/swarm_coverage/permissions.p7s", "-CAfile", "public/permissions_ca.cert.pem", "-text");
        Assert.Contains("<topic>rt/swarm/status</topic>", verified, StringComparison.Ordinal);
        Assert.DoesNotContain("ros_discovery_info", verified, StringComparison.Ordinal);
        Assert.Contains("<id>5</id>", verified, StringComparison.Ordinal);
        Assert.Contains("cert.pem: OK", Openssl(Ks, "verify", "-CAfile", "public/identity_ca.cert.pem", "enclaves/swarm_coverage/cert.pem"), StringComparison.Ordinal);

        (code, output, _) = Cli.Run("security", "check", Ks, "/swarm_coverage", "--domain", "5");
        Assert.Equal(0, code);
        Assert.StartsWith($"ok: {Path.Combine(Ks, "enclaves", "swarm_coverage")}: subject CN=/swarm_coverage, domain 5,", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_input_exits_2_with_one_line_naming_it()
    {
        AssertBadInput(Cli.Run("security", "create-enclave", Ks, "/swarm_coverage"), Path.Combine(Ks, "public", "permissions_ca.cert.pem"));
        Assert.Equal(0, Cli.Run("security", "create-keystore", Ks, "--domain", "5").Code);
        AssertBadInput(Cli.Run("security", "create-keystore", Ks), $"{Ks}: is already a keystore");
        AssertBadInput(Cli.Run("security", "create-enclave", Ks, "swarm_coverage"), "enclave name 'swarm_coverage' is not valid");
        Assert.Equal(0, Cli.Run("security", "create-enclave", Ks, "/swarm_coverage", "--domain", "5").Code);
        AssertBadInput(Cli.Run("security", "create-permissions", Ks, "/swarm_coverage"), "needs --policy FILE or at least one of --publish");
        AssertBadInput(Cli.Run("security", "create-permissions", Ks, "/swarm_coverage", "--policy", dir["absent.xml"]), $"{dir["absent.xml"]}: policy file not found");
        AssertBadInput(Cli.Run("security", "create-permissions", Ks, "/swarm_coverage", "--publish", "bad name"), "'bad name'");
        string policy = dir.File("policy.xml", "<policy version=\"0.2.0\"><enclaves><enclave path=\"/swarm_coverage\"><profiles><profile ns=\"/\" node=\"n\"><topics publish=\"DENY\"><topic>/a</topic></topics></profile></profiles></enclave></enclaves></policy>");
        AssertBadInput(Cli.Run("security", "create-permissions", Ks, "/swarm_coverage", "--policy", policy), $"{policy}: profile / n: <topics publish=\"DENY\">");
        AssertBadInput(Cli.Run("security", "check", Ks, "/nobody"), $"{Path.Combine(Ks, "enclaves", "nobody")}: enclave directory not found");
        AssertBadInput(Cli.Run("security", "check", Ks, "/swarm_coverage", "--domain", "6"), $"{Path.Combine(Ks, "enclaves", "swarm_coverage", "governance.p7s")}: no <domain_rule> covers domain 6");

        string permissions = Path.Combine(Ks, "enclaves", "swarm_coverage", "permissions.p7s");
        File.WriteAllText(permissions, File.ReadAllText(permissions).Replace("DENY", "ALLOW", StringComparison.Ordinal));
        AssertBadInput(Cli.Run("security", "check", Ks, "/swarm_coverage", "--domain", "5"), $"{permissions}: the signature does not verify");
    }
}
