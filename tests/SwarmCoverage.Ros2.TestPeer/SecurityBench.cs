using System.Diagnostics;
using System.Globalization;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Security;

namespace SwarmCoverage.Ros2.TestPeer;

/// <summary>
/// What DDS Security costs (docs/security.md, "Cost"): participant start-up (create and delete, domain included, as a
/// node's start), and the round trip of a Twist to a pong process and back, for three set-ups: no security;
/// authentication and access control with the traffic in clear (<see cref="GovernanceOptions.AccessControlOnly"/>);
/// sros2's governance (discovery, liveliness and data encrypted, RTPS signed). Keystores are made fresh with
/// <see cref="RosKeystore"/>. A timed loop, not a test: run it in a quiet private network namespace.
/// </summary>
internal static class SecurityBench
{
    private const int StartupRuns = 15;

    public static int Run(uint domain, int roundTrips)
    {
        string dir = Directory.CreateTempSubdirectory("sc-secbench-").FullName;
        try
        {
            var modes = new List<(string Name, string? Keystore)> { ("no security", null) };
            foreach ((string name, GovernanceOptions governance) in new[] { ("auth + access control, clear", GovernanceOptions.AccessControlOnly), ("sros2 governance, encrypted", new GovernanceOptions()) })
            {
                string ks = Path.Combine(dir, modes.Count.ToString(CultureInfo.InvariantCulture));
                var options = new KeystoreOptions { DomainId = domain, Governance = governance };
                RosKeystore.CreateKeystore(ks, options);
                var ping = new EnclavePolicy { Nodes = [new NodePolicy { Node = "ping", Publish = ["/bench_ping"], Subscribe = ["/bench_pong"] }], AllowRosDiscoveryInfo = false };
                var pong = new EnclavePolicy { Nodes = [new NodePolicy { Node = "pong", Publish = ["/bench_pong"], Subscribe = ["/bench_ping"] }], AllowRosDiscoveryInfo = false };
                RosKeystore.CreateEnclave(ks, "/ping", ping, options);
                RosKeystore.CreateEnclave(ks, "/pong", pong, options);
                modes.Add((name, ks));
            }

            LibddscResolver.EnsureLoaded();
            Console.WriteLine($"security bench: domain {domain}, {Environment.ProcessorCount} processors, {roundTrips} round trips per mode, Cyclone {LibddscResolver.LoadedFrom ?? "(not loaded yet)"}");
            foreach ((string name, string? ks) in modes)
            {
                Startup(name, domain, ks);
            }

            foreach ((string name, string? ks) in modes)
            {
                RoundTrip(name, domain, ks, roundTrips);
            }

            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static RosParticipantOptions Options(uint domain, string node, string? keystore, string enclave) =>
        new()
        {
            DomainId = domain,
            NodeName = node,
            Security = keystore is null ? null : DdsSecurityFiles.FromEnclave(RosKeystore.EnclaveDirectory(keystore, enclave)),
            Enclave = keystore is null ? null : enclave,
        };

    private static void Startup(string name, uint domain, string? keystore)
    {
        var ms = new List<double>();
        var checkMs = new List<double>();
        for (int i = 0; i < StartupRuns + 2; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            if (keystore is not null)
            {
                // What RosSecurity.Resolve adds before the participant: checking every file.
                _ = EnclaveValidator.Validate(DdsSecurityFiles.FromEnclave(RosKeystore.EnclaveDirectory(keystore, "/ping")), domain, TimeProvider.System);
            }

            long t1 = Stopwatch.GetTimestamp();
            using (new RosParticipant(Options(domain, "ping", keystore, "/ping")))
            {
            }

            if (i >= 2)
            {
                checkMs.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
                ms.Add(Stopwatch.GetElapsedTime(t1).TotalMilliseconds);
            }
        }

        Console.WriteLine($"start-up, {name}: participant create+delete {Summary(ms)}" + (keystore is null ? string.Empty : $"; enclave check before it {Summary(checkMs)}"));
    }

    private static void RoundTrip(string name, uint domain, string? keystore, int count)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(psi.FileName) == "dotnet")
        {
            psi.ArgumentList.Add(typeof(SecurityBench).Assembly.Location);
        }

        foreach (string a in new[] { "pong", domain.ToString(CultureInfo.InvariantCulture), "/bench_ping", "/bench_pong", "--ros-args", "--enclave", "/pong" })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["ROS_SECURITY_ENABLE"] = keystore is null ? "false" : "true";
        psi.Environment["ROS_SECURITY_STRATEGY"] = "Enforce";
        psi.Environment["ROS_SECURITY_KEYSTORE"] = keystore ?? string.Empty;
        using Process pong = Process.Start(psi) ?? throw new InvalidOperationException("cannot start the pong peer");
        try
        {
            while (pong.StandardOutput.ReadLine() is { } line && line != "READY")
            {
            }

            using var participant = new RosParticipant(Options(domain, "ping", keystore, "/ping"));
            using RosPublisher<Twist> pub = participant.CreatePublisher<Twist>("/bench_ping");
            using RosSubscription<Twist> sub = participant.CreateSubscription<Twist>("/bench_pong");
            long discovery = Stopwatch.GetTimestamp();
            if (!pub.WaitForSubscriptions(1, TimeSpan.FromSeconds(60)) || !sub.WaitForPublishers(1, TimeSpan.FromSeconds(60)))
            {
                throw new TimeoutException($"{name}: pong not matched");
            }

            double matchMs = Stopwatch.GetElapsedTime(discovery).TotalMilliseconds;
            var rtt = new List<double>();
            var reply = default(Twist);
            for (int i = 0; i < count + 50; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                pub.Publish(Twist.Planar(i, 0));
                bool got = false;
                while (!got && Stopwatch.GetElapsedTime(t0) < TimeSpan.FromSeconds(5))
                {
                    if (sub.WaitForData(TimeSpan.FromSeconds(1)))
                    {
                        while (sub.TryTake(ref reply))
                        {
                            got |= reply.Linear.X == i;
                        }
                    }
                }

                if (!got)
                {
                    throw new TimeoutException($"{name}: no echo of {i}");
                }

                if (i >= 50)
                {
                    rtt.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                }

                Thread.Sleep(2);
            }

            Console.WriteLine($"round trip, {name}: {Summary(rtt)}; matched in {matchMs:F0} ms");
        }
        finally
        {
            pong.StandardInput.Close();
            if (!pong.WaitForExit(10_000))
            {
                pong.Kill();
            }
        }
    }

    private static string Summary(List<double> ms)
    {
        double[] s = [.. ms.Order()];
        double P(double q) => s[Math.Min(s.Length - 1, (int)Math.Ceiling(q * s.Length) - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"p50 {P(0.5):F3} ms, p90 {P(0.9):F3} ms, p99 {P(0.99):F3} ms, max {s[^1]:F3} ms (n={s.Length})");
    }
}
