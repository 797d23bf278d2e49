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
        AssertBadInput(Cli.Run("security", "create-permissions", Ks, "/swarm_coverage"), "needs --controller PARAMS, --sim PARAMS, --policy FILE or at least one of --publish");
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

    [Fact]
    public void Permissions_from_a_params_file_allow_what_each_node_uses_and_nothing_else()
    {
        string file = dir.File("two.yaml", Nodes.NodeProcessTests.Params("""
                  names: [alpha, bravo]
                  model: turtlebot3_burger
            """).Replace("robots: 12", "robots: 2", StringComparison.Ordinal));
        Assert.Equal(0, Cli.Run("security", "create-keystore", Ks).Code);
        foreach (string e in new[] { "/swarm_coverage", "/swarm_coverage/bravo", "/swarm_coverage_sim" })
        {
            Assert.Equal(0, Cli.Run("security", "create-enclave", Ks, e).Code);
        }

        var r = Cli.Run("security", "create-permissions", Ks, "/swarm_coverage", "--controller", file);
        static string Services(string kind, string node, string suffix) => string.Concat(
            new[] { "describe_parameters", "emergency_stop", "get_parameter_types", "get_parameters", "list_parameters", "reload_target", "set_parameters", "set_parameters_atomically" }
                .Select(s => $" {kind}/{node}/{s}{suffix}"));
        Assert.Equal("wrote permissions of /swarm_coverage: publish" + Services("rr", "swarm_coverage", "Reply") + " rt/alpha/cmd_vel rt/bravo/cmd_vel rt/diagnostics rt/parameter_events rt/rosout rt/swarm_coverage/status rt/swarm_coverage/target_map; " +
            "subscribe" + Services("rq", "swarm_coverage", "Request") + " rt/alpha/odom rt/bravo/odom rt/clock rt/swarm_coverage/emergency_stop rt/swarm_coverage/target rt/swarm_coverage/target_grid; and ros_discovery_info\n", r.Out);
        r = Cli.Run("security", "create-permissions", Ks, "/swarm_coverage/bravo", "--controller", file, "--robot", "bravo", "--no-ros-discovery-info");
        Assert.Equal("wrote permissions of /swarm_coverage/bravo: publish" + Services("rr", "swarm_coverage_bravo", "Reply") + " rt/bravo/cmd_vel rt/diagnostics rt/parameter_events rt/rosout; " +
            "subscribe" + Services("rq", "swarm_coverage_bravo", "Request") + " rt/alpha/odom rt/bravo/odom rt/clock rt/swarm_coverage/emergency_stop rt/swarm_coverage/target rt/swarm_coverage/target_grid\n", r.Out);

        // The simulator of the same file: sim.robots generates robot_0 and robot_1 (its own names), the reverse directions.
        r = Cli.Run("security", "create-permissions", Ks, "/swarm_coverage_sim", "--sim", file, "--publish-pose");
        Assert.Equal(0, r.Code);
        Assert.Matches("^wrote permissions of /swarm_coverage_sim: publish rt/clock rt/diagnostics (rt/robot_\\w+/(odom|pose) )+rt/robot_\\w+/pose; subscribe (rt/robot_\\w+/cmd_vel ?)+; and ros_discovery_info\n$", r.Out);

        string verified = Openssl(Ks, "smime", "-verify", "-in", "enclaves/swarm_coverage/permissions.p7s", "-CAfile", "public/permissions_ca.cert.pem", "-text");
        Assert.Contains("<topic>rt/bravo/cmd_vel</topic>", verified, StringComparison.Ordinal);

        AssertBadInput(Cli.Run("security", "create-permissions", Ks, "/swarm_coverage", "--controller", file, "--publish", "/x"), "exclude each other");
        AssertBadInput(Cli.Run("security", "create-permissions", Ks, "/swarm_coverage", "--controller", file, "--robot", "charlie"), "--robot charlie: not one of the 2 robots");
        AssertBadInput(Cli.Run("security", "create-permissions", Ks, "/swarm_coverage", "--sim", file, "--robot", "alpha"), "--robot goes with --controller");
    }

    [Theory]
    [InlineData(new[] { "sim", "--params", "f" }, null, new[] { "sim", "--params", "f" })]
    [InlineData(new[] { "controller", "--ros-args", "--enclave", "/a", "--", "--params", "f" }, "/a", new[] { "controller", "--params", "f" })]
    [InlineData(new[] { "controller", "--params", "f", "--ros-args", "-e", "/a", "--ros-args", "--enclave=/b" }, "/b", new[] { "controller", "--params", "f" })]
    public void Ros_arguments_are_split_off_as_rcl_does(string[] args, string? enclave, string[] program)
    {
        (string[] rest, App.Cli.RosArguments ros) = App.Cli.RosArguments.Split(args);
        Assert.Equal(program, rest);
        Assert.Equal(enclave, ros.Enclave);
    }

    [Fact]
    public void An_unsupported_or_incomplete_ros_argument_is_bad_input()
    {
        AssertBadInput(Cli.Run("controller", "--params", "f", "--ros-args", "-r", "foo"), "Couldn't parse remap rule: '-r foo'");
        AssertBadInput(Cli.Run("controller", "--params", "f", "--ros-args", "--no-such-flag"), "unknown ROS argument");
        AssertBadInput(Cli.Run("sim", "--ros-args", "--enclave"), "--ros-args --enclave: give the enclave name");
    }
}
