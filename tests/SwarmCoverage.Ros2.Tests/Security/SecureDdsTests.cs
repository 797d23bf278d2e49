using System.Diagnostics;
using System.Globalization;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Security;
using SwarmCoverage.Ros2.Tests.Infrastructure;

namespace SwarmCoverage.Ros2.Tests.Security;

/// <summary>
/// SROS2 over the real libddsc between real processes in the private network namespace: TestPeer processes started
/// as ROS 2 nodes are (ROS_SECURITY_* in the environment, <c>--ros-args --enclave</c>), with keystores made by the
/// project and by openssl. docs/security.md.
/// </summary>
public sealed class SecureDdsTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string root = Directory.CreateTempSubdirectory("sc-securedds-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static string D(uint domain) => domain.ToString(CultureInfo.InvariantCulture);

    /// <summary>A keystore with /talker (may publish /secure_chat) and /listener (may only subscribe to it), least privilege.</summary>
    private string ChatKeystore(string maker, uint domain)
    {
        string ks = Path.Combine(root, maker);
        if (maker == "openssl")
        {
            OpensslKeystore o = OpensslKeystore.Create(ks, domain);
            o.AddEnclave("/talker", domain, ["rt/secure_chat"], []);
            o.AddEnclave("/listener", domain, [], ["rt/secure_chat"]);
            return ks;
        }

        var options = new KeystoreOptions { DomainId = domain };
        RosKeystore.CreateKeystore(ks, options);
        RosKeystore.CreateEnclave(ks, "/talker", new EnclavePolicy { Nodes = [new NodePolicy { Node = "talker", Publish = ["/secure_chat"] }], AllowRosDiscoveryInfo = false }, options);
        RosKeystore.CreateEnclave(ks, "/listener", new EnclavePolicy { Nodes = [new NodePolicy { Node = "listener", Subscribe = ["/secure_chat"] }], AllowRosDiscoveryInfo = false }, options);
        return ks;
    }

    private static PeerProcess SecurePeer(string keystore, string enclave, string? strategy, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "SwarmCoverage.Ros2.TestPeer.dll");
        var env = new Dictionary<string, string> { ["ROS_SECURITY_ENABLE"] = "true", ["ROS_SECURITY_KEYSTORE"] = keystore };
        if (strategy is not null)
        {
            env["ROS_SECURITY_STRATEGY"] = strategy;
        }

        return Dds.StartProgram(Dds.DotnetHost(), [dll, .. args, "--ros-args", "--enclave", enclave], env);
    }

    private static List<(double Seq, double Tag)> Received(PeerProcess peer) =>
        [.. peer.Lines.Where(l => l.StartsWith("RECV ", StringComparison.Ordinal))
            .Select(l => l.Split(' '))
            .Select(p => (double.Parse(p[1], CultureInfo.InvariantCulture), double.Parse(p[2], CultureInfo.InvariantCulture)))];

    [Theory]
    [InlineData("project")]
    [InlineData("openssl")]
    public void Two_secured_processes_exchange_messages(string maker)
    {
        uint domain = Dds.NewDomainId();
        string ks = ChatKeystore(maker, domain);
        using PeerProcess listener = SecurePeer(ks, "/listener", "Enforce", "listen", D(domain), "/secure_chat", "40", "20");
        listener.WaitForLine("READY", Timeout);
        Assert.StartsWith("SECURITY on security on: enclave '/listener'", listener.Lines[0], StringComparison.Ordinal);
        using PeerProcess talker = SecurePeer(ks, "/talker", "Enforce", "talk", D(domain), "/secure_chat", "3", "1");

        Assert.Equal("RECEIVED 20", listener.WaitForLine("RECEIVED", Timeout));
        Assert.Equal(0, talker.WaitForExit(Timeout));
        Assert.Contains("MATCHED", talker.Lines);
        Assert.All(Received(listener), m => Assert.Equal(1.0, m.Tag));
    }

    [Fact]
    public void A_participant_without_identity_sees_no_data_and_its_writes_change_nothing()
    {
        uint domain = Dds.NewDomainId();
        string ks = ChatKeystore("project", domain);
        // Until 50 secured messages arrived (at most 60 s): a fixed window was too short on a loaded machine, where the
        // talker's start and handshake took most of it.
        using PeerProcess listener = SecurePeer(ks, "/listener", "Enforce", "listen", D(domain), "/secure_chat", "60", "50");
        listener.WaitForLine("READY", Timeout);

        // Plain Cyclone in this process, on the same domain and topic: a subscriber and a publisher tagged 2.
        using RosParticipant plain = Dds.Participant(domain, "plain");
        using RosSubscription<Twist> spy = plain.CreateSubscription<Twist>("/secure_chat");
        using RosPublisher<Twist> forger = plain.CreatePublisher<Twist>("/secure_chat");
        using PeerProcess talker = SecurePeer(ks, "/talker", "Enforce", "talk", D(domain), "/secure_chat", "4", "1");
        talker.WaitForLine("MATCHED", Timeout);

        int secureSeen = 0, ownSeen = 0;
        var msg = default(Twist);
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; Stopwatch.GetElapsedTime(start) < TimeSpan.FromSeconds(4); i++)
        {
            forger.Publish(Twist.Planar(i, 2));
            while (spy.TryTake(ref msg))
            {
                secureSeen += msg.Angular.Z == 1.0 ? 1 : 0;
                ownSeen += msg.Angular.Z == 2.0 ? 1 : 0;
            }

            Thread.Sleep(20);
        }

        Assert.Equal(0, talker.WaitForExit(Timeout));
        listener.WaitForLine("RECEIVED", Timeout);
        List<(double Seq, double Tag)> got = Received(listener);
        Assert.NotEmpty(got);
        Assert.DoesNotContain(got, m => m.Tag == 2.0);
        Assert.Equal(0, secureSeen);

        // The plain endpoints work (they match each other, inside this participant) but nothing secured.
        Assert.True(ownSeen > 0);
        Assert.Equal(1, spy.MatchedPublisherCount);
        Assert.Equal(1, forger.MatchedSubscriptionCount);
    }

    [Fact]
    public void A_participant_allowed_only_to_subscribe_cannot_publish()
    {
        uint domain = Dds.NewDomainId();
        string ks = ChatKeystore("project", domain);
        foreach (string topic in new[] { "/secure_other", "/secure_chat" })
        {
            using PeerProcess intruder = SecurePeer(ks, "/listener", "Enforce", "try-publish", D(domain), topic, "1", "3");
            Assert.Equal(0, intruder.WaitForExit(Timeout));
            string line = intruder.WaitForLine("DENIED", Timeout);
            Assert.Contains($"rt{topic}", line, StringComparison.Ordinal);
        }

        // The talker may publish where the listener may not.
        using PeerProcess talker = SecurePeer(ks, "/talker", "Enforce", "try-publish", D(domain), "/secure_chat", "0.2", "1");
        Assert.Equal(0, talker.WaitForExit(Timeout));
        Assert.Contains("CREATED", talker.Lines);
    }

    [Fact]
    public void Expired_permissions_and_a_foreign_certificate_are_refused_at_start_naming_the_file()
    {
        uint domain = Dds.NewDomainId();
        string ksDir = Path.Combine(root, "refused");
        OpensslKeystore ks = OpensslKeystore.Create(ksDir, domain);
        DateTime now = TimeProvider.System.GetUtcNow().UtcDateTime;
        string expired = ks.AddEnclave("/expired", domain, ["rt/secure_chat"], [], now.AddDays(-30), now.AddDays(-1));
        string foreign = ks.AddEnclave("/foreign", domain, ["rt/secure_chat"], [], issuer: OpensslKeystore.MakeCa(Path.Combine(root, "other"), "otherCA"));

        foreach ((string enclave, string file, string why) in new[] { ("/expired", Path.Combine(expired, "permissions.p7s"), "expired"), ("/foreign", Path.Combine(foreign, "cert.pem"), "identity CA") })
        {
            using PeerProcess peer = SecurePeer(ksDir, enclave, "Enforce", "talk", D(domain), "/secure_chat", "1", "1");
            Assert.Equal(6, peer.WaitForExit(Timeout));
            Assert.StartsWith($"SECURITY-REFUSED {file}: ", peer.Errors, StringComparison.Ordinal);
            Assert.Contains(why, peer.Errors, StringComparison.Ordinal);
        }

        // Cyclone itself refuses the same files when they reach it unchecked, and the error names them too.
        foreach ((string dir, string file, string cyclone) in new[] { (expired, "permissions.p7s", "Permissions validity period expired"), (foreign, "cert.pem", "Certificate not valid") })
        {
            var options = new RosParticipantOptions { DomainId = domain, NodeName = "unchecked", CycloneDdsConfig = Dds.CycloneConfig, Security = DdsSecurityFiles.FromEnclave(dir) };
            var e = Assert.Throws<RosSecurityException>(() => Dds.Sandbox.Run(() => new RosParticipant(options)));
            Assert.Equal(Path.Combine(dir, file), e.FilePath);
            Assert.Contains(cyclone, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Permissive_without_an_enclave_runs_unsecured_and_says_so()
    {
        uint domain = Dds.NewDomainId();
        string ks = ChatKeystore("project", domain);
        using PeerProcess listener = SecurePeer(ks, "/not_in_keystore", null, "listen", D(domain), "/open_chat", "40", "10");
        listener.WaitForLine("READY", Timeout);
        Assert.StartsWith("SECURITY off WARNING: running WITHOUT security (ROS_SECURITY_STRATEGY is not 'Enforce', so Permissive): ", listener.Lines[0], StringComparison.Ordinal);
        Assert.Contains(Path.Combine(ks, "enclaves", "not_in_keystore"), listener.Lines[0], StringComparison.Ordinal);

        // It does run: a plain publisher here reaches it.
        using RosParticipant plain = Dds.Participant(domain, "plain_talker");
        using RosPublisher<Twist> pub = plain.CreatePublisher<Twist>("/open_chat");
        Assert.True(pub.WaitForSubscriptions(1, Timeout));
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; !listener.Lines.Contains("RECEIVED 10") && Stopwatch.GetElapsedTime(start) < Timeout; i++)
        {
            pub.Publish(Twist.Planar(i, 5));
            Thread.Sleep(20);
        }

        Assert.Equal("RECEIVED 10", listener.WaitForLine("RECEIVED", Timeout));
    }

    [Fact]
    public void Enforce_with_a_missing_file_refuses_to_start_and_names_it()
    {
        uint domain = Dds.NewDomainId();
        string ks = ChatKeystore("project", domain);
        string governance = Path.Combine(ks, "enclaves", "talker", "governance.p7s");
        File.Delete(governance);
        using PeerProcess peer = SecurePeer(ks, "/talker", "Enforce", "talk", D(domain), "/secure_chat", "1", "1");
        Assert.Equal(6, peer.WaitForExit(Timeout));
        Assert.Equal($"SECURITY-REFUSED {governance}: missing", peer.Errors.Trim());
    }
}
