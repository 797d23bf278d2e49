using System.Diagnostics;
using System.Globalization;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Security;

namespace SwarmCoverage.Ros2.TestPeer;

/// <summary>
/// Peer commands for the security tests. The participant is configured as a ROS 2 node is: ROS_SECURITY_* from the
/// environment and the enclave from <c>--ros-args --enclave NAME</c>, through <see cref="RosSecurity.Resolve"/>
/// (docs/security.md, "Switches"). Each prints <c>SECURITY &lt;outcome&gt;</c> first. A Twist carries a sequence
/// number in linear.x and the sender's tag in angular.z.
/// </summary>
internal static class Secure
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Exit code when security refuses to start (Enforce).</summary>
    public const int Refused = 6;

    /// <summary>The options of a node on <paramref name="domain"/> named <paramref name="node"/>, secured as the environment says.</summary>
    public static RosParticipantOptions Options(uint domain, string node, string? enclave)
    {
        RosSecurityOutcome outcome = RosSecurity.Resolve(enclave, domain, TimeProvider.System);
        Console.WriteLine($"SECURITY {(outcome.Files is null ? "off" : "on")} {outcome.Message}");
        Console.Out.Flush();
        return outcome.Apply(new RosParticipantOptions { DomainId = domain, NodeName = node });
    }

    // Publishes Twist(seq, tag) every 20 ms for the given seconds, after a subscription matched (or the wait timed out).
    public static int Talk(uint domain, string topic, double seconds, double tag, string? enclave)
    {
        using var participant = new RosParticipant(Options(domain, "talker", enclave));
        using RosPublisher<Twist> pub = participant.CreatePublisher<Twist>(topic);
        Console.WriteLine(pub.WaitForSubscriptions(1, MatchTimeout) ? "MATCHED" : "NO-MATCH");
        Console.Out.Flush();
        long start = Stopwatch.GetTimestamp();
        int n = 0;
        while (Stopwatch.GetElapsedTime(start).TotalSeconds < seconds)
        {
            pub.Publish(Twist.Planar(n++, tag));
            Thread.Sleep(20);
        }

        _ = pub.WaitForAcknowledgments(TimeSpan.FromSeconds(2));
        Console.WriteLine($"PUBLISHED {n}");
        return 0;
    }

    // Prints RECV <seq> <tag> for every message for the given seconds or until maxCount arrived, then RECEIVED <count>.
    public static int Listen(uint domain, string topic, double seconds, int maxCount, string? enclave)
    {
        using var participant = new RosParticipant(Options(domain, "listener", enclave));
        using RosSubscription<Twist> sub = participant.CreateSubscription<Twist>(topic);
        Console.WriteLine("READY");
        Console.Out.Flush();
        long start = Stopwatch.GetTimestamp();
        int count = 0;
        var msg = default(Twist);
        while (Stopwatch.GetElapsedTime(start).TotalSeconds < seconds && count < maxCount)
        {
            if (sub.WaitForData(TimeSpan.FromMilliseconds(100)))
            {
                while (count < maxCount && sub.TryTake(ref msg))
                {
                    count++;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RECV {msg.Linear.X} {msg.Angular.Z}"));
                }

                Console.Out.Flush();
            }
        }

        Console.WriteLine($"RECEIVED {count}");
        return 0;
    }

    // Tries to publish on a topic: DENIED <reason> when the participant refuses, else publishes for the given seconds.
    public static int TryPublish(uint domain, string topic, double seconds, double tag, string? enclave)
    {
        using var participant = new RosParticipant(Options(domain, "intruder", enclave));
        RosPublisher<Twist> pub;
        try
        {
            pub = participant.CreatePublisher<Twist>(topic);
        }
        catch (DdsException e)
        {
            Console.WriteLine($"DENIED {e.Message}");
            return 0;
        }

        using (pub)
        {
            Console.WriteLine("CREATED");
            Console.Out.Flush();
            long start = Stopwatch.GetTimestamp();
            int n = 0;
            while (Stopwatch.GetElapsedTime(start).TotalSeconds < seconds)
            {
                pub.Publish(Twist.Planar(n++, tag));
                Thread.Sleep(20);
            }

            Console.WriteLine($"PUBLISHED {n}");
        }

        return 0;
    }

    // Echoes every Twist from <in> to <out> until stdin closes (the far end of the round-trip benchmark).
    public static int Pong(uint domain, string inTopic, string outTopic, string? enclave)
    {
        using var participant = new RosParticipant(Options(domain, "pong", enclave));
        using RosSubscription<Twist> sub = participant.CreateSubscription<Twist>(inTopic);
        using RosPublisher<Twist> pub = participant.CreatePublisher<Twist>(outTopic);
        Console.WriteLine("READY");
        Console.Out.Flush();
        var stop = new ManualResetEventSlim();
        _ = Task.Run(() =>
        {
            _ = Console.In.ReadToEnd();
            stop.Set();
        });
        var msg = default(Twist);
        while (!stop.IsSet)
        {
            if (sub.WaitForData(TimeSpan.FromMilliseconds(100)))
            {
                while (sub.TryTake(ref msg))
                {
                    pub.Publish(msg);
                }
            }
        }

        return 0;
    }
}
