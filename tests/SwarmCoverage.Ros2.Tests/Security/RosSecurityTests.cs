using SwarmCoverage.Ros2.Security;

namespace SwarmCoverage.Ros2.Tests.Security;

/// <summary>ROS 2's security switches as rcl reads them (docs/security.md, "Switches").</summary>
public sealed class RosSecurityTests : IDisposable
{
    private const uint Domain = 4;
    private readonly string keystore = Directory.CreateTempSubdirectory("sc-rossec-").FullName;

    public RosSecurityTests()
    {
        var options = new KeystoreOptions { DomainId = Domain };
        RosKeystore.CreateKeystore(keystore, options);
        RosKeystore.CreateEnclave(keystore, "/swarm_coverage", null, options);
        RosKeystore.CreateEnclave(keystore, "/override", null, options);
    }

    public void Dispose() => Directory.Delete(keystore, recursive: true);

    private static Func<string, string?> Env(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    private RosSecurityOutcome Resolve(string? enclave, params (string, string)[] env) => RosSecurity.Resolve(enclave, Domain, TimeProvider.System, Env(env));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("True")]
    [InlineData("1")]
    public void Only_exactly_true_enables_security(string? value)
    {
        RosSecurityOutcome o = Resolve("/swarm_coverage", ("ROS_SECURITY_ENABLE", value!), ("ROS_SECURITY_STRATEGY", "Enforce"), ("ROS_SECURITY_KEYSTORE", keystore));
        Assert.Null(o.Files);
        Assert.False(o.Enabled);
        Assert.Contains("security off", o.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Enforce_with_a_valid_enclave_gives_its_files()
    {
        RosSecurityOutcome o = Resolve("/swarm_coverage", ("ROS_SECURITY_ENABLE", "true"), ("ROS_SECURITY_STRATEGY", "Enforce"), ("ROS_SECURITY_KEYSTORE", keystore));
        string dir = Path.Combine(keystore, "enclaves", "swarm_coverage");
        Assert.Equal(RosSecurityStrategy.Enforce, o.Strategy);
        Assert.Equal(dir, o.EnclaveDirectory);
        Assert.Equal(Path.Combine(dir, "permissions.p7s"), o.Files!.Permissions);
        Assert.Equal("CN=/swarm_coverage", o.Check!.Subject);
        RosParticipantOptions p = o.Apply(new RosParticipantOptions { NodeName = "n" });
        Assert.Same(o.Files, p.Security);
        Assert.Equal("/swarm_coverage", p.Enclave);
    }

    [Fact]
    public void The_override_variable_wins_over_the_enclave_argument()
    {
        RosSecurityOutcome o = Resolve("/swarm_coverage", ("ROS_SECURITY_ENABLE", "true"), ("ROS_SECURITY_KEYSTORE", keystore), ("ROS_SECURITY_ENCLAVE_OVERRIDE", "/override"));
        Assert.Equal("/override", o.Enclave);
        Assert.Equal(Path.Combine(keystore, "enclaves", "override"), o.EnclaveDirectory);
        Assert.Equal("CN=/override", o.Check!.Subject);
    }

    [Fact]
    public void Enforce_refuses_a_missing_file_naming_it()
    {
        string key = Path.Combine(keystore, "enclaves", "swarm_coverage", "key.pem");
        File.Delete(key);
        var e = Assert.Throws<RosSecurityException>(() =>
            Resolve("/swarm_coverage", ("ROS_SECURITY_ENABLE", "true"), ("ROS_SECURITY_STRATEGY", "Enforce"), ("ROS_SECURITY_KEYSTORE", keystore)));
        Assert.Equal(key, e.FilePath);
        Assert.Equal($"{key}: missing", e.Message);
    }

    [Fact]
    public void Enforce_refuses_an_unknown_enclave_or_no_keystore()
    {
        var e = Assert.Throws<RosSecurityException>(() =>
            Resolve("/nobody", ("ROS_SECURITY_ENABLE", "true"), ("ROS_SECURITY_STRATEGY", "Enforce"), ("ROS_SECURITY_KEYSTORE", keystore)));
        Assert.Equal(Path.Combine(keystore, "enclaves", "nobody"), e.FilePath);
        e = Assert.Throws<RosSecurityException>(() => Resolve("/swarm_coverage", ("ROS_SECURITY_ENABLE", "true"), ("ROS_SECURITY_STRATEGY", "Enforce")));
        Assert.Contains("ROS_SECURITY_KEYSTORE is not set", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<RosSecurityException>(() =>
            Resolve("swarm_coverage", ("ROS_SECURITY_ENABLE", "true"), ("ROS_SECURITY_STRATEGY", "Enforce"), ("ROS_SECURITY_KEYSTORE", keystore)));
        Assert.Contains("--enclave: enclave name 'swarm_coverage' is not valid", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Permissive")]
    [InlineData("enforce")]
    public void Permissive_runs_without_security_and_says_why(string? strategy)
    {
        RosSecurityOutcome o = Resolve("/nobody", ("ROS_SECURITY_ENABLE", "true"), ("ROS_SECURITY_STRATEGY", strategy!), ("ROS_SECURITY_KEYSTORE", keystore));
        Assert.Null(o.Files);
        Assert.True(o.IsDowngraded);
        Assert.Equal(RosSecurityStrategy.Permissive, o.Strategy);
        Assert.StartsWith("WARNING: running WITHOUT security", o.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(keystore, "enclaves", "nobody"), o.Message, StringComparison.Ordinal);
        Assert.Null(o.Apply(new RosParticipantOptions()).Security);
    }

    [Fact]
    public void The_root_enclave_is_the_enclaves_directory()
    {
        Assert.Equal(Path.Combine(keystore, "enclaves"), RosKeystore.EnclaveDirectory(keystore, "/"));
        Assert.Equal(Path.Combine(keystore, "enclaves", "a", "b"), RosKeystore.EnclaveDirectory(keystore, "/a/b"));
    }
}
