using System.Text;
using SwarmCoverage.Core.Targets;
using SwarmCoverage.Nodes;
using SwarmCoverage.Ros2;
using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.RosgraphMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;

namespace SwarmCoverage.Fuzz;

/// <summary>
/// The message seeds of the corpus, serialized by the project's CDR encoder (a seed is a starting point for mutation,
/// not an expected output). `SwarmCoverage.Fuzz --write-seeds corpus` writes them; the file seeds are written by hand.
/// </summary>
public static class Seeds
{
    public static IEnumerable<(string Target, string Name, byte[] Bytes)> Messages()
    {
        var arena = FuzzTargets.Arena;
        var stamp = new Time(12, 5);
        yield return ("target-message", "uniform.cdr", Cdr(TargetMessages.ToTarget(new UniformDensity(arena), stamp, "map")));
        yield return ("target-message", "mixture.cdr", Cdr(TargetMessages.ToTarget(new GaussianMixtureDensity(arena,
            [new GaussianComponent(0.6, [1.0, 1.2], [0.4, 0.5]), new GaussianComponent(0.4, [3.0, 2.5], [0.6, 0.3])]), stamp, "map")));
        yield return ("target-message", "grid.cdr", Cdr(TargetMessages.ToTarget(new RasterDensity(arena, [3, 2], [0, 1, 2, 3, 4, 5]), stamp, "map")));

        var grid = new OccupancyGrid
        {
            Header = new Header { Stamp = stamp, FrameId = "map" },
            Info = new MapMetaData { Resolution = 1.0f, Width = 4, Height = 4, Origin = new Pose(new Point(0, 0, 0), new Quaternion(0, 0, 0, 1)) },
            Data = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, -1, 0, 0, 100, 5],
        };
        yield return ("grid-message", "painted.cdr", Cdr(grid));

        yield return ("clock-message", "clock.cdr", Cdr(new Clock(new Time(1_700_000_000, 999_999_999))));

        // Foxglove client frames: the first byte 0 for text, 1 for binary (FuzzTargets.FoxgloveClient).
        string[] text =
        [
            """{"op":"subscribe","subscriptions":[{"id":1,"channelId":0}]}""",
            """{"op":"unsubscribe","subscriptionIds":[1]}""",
            """{"op":"advertise","channels":[{"id":7,"topic":"/swarm_coverage/target","encoding":"cdr","schemaName":"swarm_coverage_msgs/msg/Target"}]}""",
            """{"op":"unadvertise","channelIds":[7]}""",
            """{"op":"getParameters","parameterNames":["velocity_gain"],"id":"g"}""",
            """{"op":"setParameters","parameters":[{"name":"velocity_gain","value":0.3},{"name":"target.means","value":[1,2,3,4]}],"id":"s"}""",
            """{"op":"subscribeParameterUpdates","parameterNames":["velocity_gain"]}""",
            """{"op":"unsubscribeParameterUpdates","parameterNames":["velocity_gain"]}""",
        ];
        for (int i = 0; i < text.Length; i++)
            yield return ("foxglove-client", $"text{i}.frame", [0, .. Encoding.UTF8.GetBytes(text[i])]);
        byte[] publish = [1, 0x01, 7, 0, 0, 0, .. Cdr(new Clock(new Time(1, 2)))];
        yield return ("foxglove-client", "publish.frame", publish);
    }

    private static byte[] Cdr<T>(in T value)
        where T : IRosMessage<T> => T.MessageType.Serialize(value);
}
