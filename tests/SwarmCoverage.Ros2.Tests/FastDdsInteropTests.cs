using System.Globalization;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Tests.Infrastructure;

namespace SwarmCoverage.Ros2.Tests;

/// <summary>
/// Interoperation with a foreign DDS stack: Fast DDS, the default middleware of ROS 2, receives a Twist this library
/// publishes on rt/robot_0/cmd_vel with type geometry_msgs::msg::dds_::Twist_, and publishes one this library receives.
/// </summary>
public sealed class FastDdsInteropTests(FastDdsPeer peer) : IClassFixture<FastDdsPeer>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [RequiresFastDdsFact]
    public void Fast_DDS_receives_a_Twist_published_by_this_library()
    {
        uint domain = Dds.NewDomainId();
        using PeerProcess listener = Dds.StartProgram(peer.Executable, ["listen", domain.ToString(CultureInfo.InvariantCulture), "rt/robot_0/cmd_vel", "45"]);
        Assert.Equal("TYPE geometry_msgs::msg::dds_::Twist_", listener.WaitForLine("TYPE", Timeout));

        using RosParticipant participant = Dds.Participant(domain, "controller");
        using RosPublisher<Twist> cmd = participant.CreatePublisher<Twist>("/robot_0/cmd_vel");
        Assert.True(cmd.WaitForSubscriptions(1, Timeout), $"Fast DDS reader never matched\n{string.Join('\n', listener.Lines)}\n{listener.Errors}");

        // Our writer may discover the reader before the reader discovers it, and a volatile reader does not ask for
        // what was written before it matched: publish until the listener has one (as a control loop would anyway).
        var stop = new CancellationTokenSource();
        Task publishing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                cmd.Publish(Twist.Planar(0.1, -0.25));
                await Task.Delay(50).ConfigureAwait(false);
            }
        });
        try
        {
            Assert.Equal("TWIST 0.10000000000000001 0 0 0 0 -0.25", listener.WaitForLine("TWIST", Timeout));
        }
        finally
        {
            stop.Cancel();
            publishing.Wait();
        }

        Assert.Equal(0, listener.WaitForExit(Timeout));
    }

    [RequiresFastDdsFact]
    public void This_library_receives_a_Twist_published_by_Fast_DDS()
    {
        uint domain = Dds.NewDomainId();
        using RosParticipant participant = Dds.Participant(domain, "robot_driver");
        using RosSubscription<Twist> cmd = participant.CreateSubscription<Twist>("/robot_3/cmd_vel");
        using PeerProcess talker = Dds.StartProgram(peer.Executable,
            ["talk", domain.ToString(CultureInfo.InvariantCulture), "rt/robot_3/cmd_vel", "45", "0.2", "0", "0", "0", "0", "1.5"]);

        Assert.True(cmd.WaitForData(Timeout), $"nothing from Fast DDS\n{string.Join('\n', talker.Lines)}\n{talker.Errors}");
        Twist got = default;
        Assert.True(cmd.TryTake(ref got));
        Assert.Equal(Twist.Planar(0.2, 1.5), got);
        Assert.Equal(0, talker.WaitForExit(Timeout));
    }
}
