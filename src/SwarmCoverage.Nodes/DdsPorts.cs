using System.Diagnostics;
using SwarmCoverage.Control;
using SwarmCoverage.Control.Session;
using SwarmCoverage.Core;
using SwarmCoverage.Core.Parallel;
using SwarmCoverage.Ros2;
using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using Pose = SwarmCoverage.Control.Pose;
using RosPose = SwarmCoverage.Ros2.Messages.GeometryMsgs.Pose;

namespace SwarmCoverage.Nodes;

/// <summary>
/// The controller node's pose source: one DDS reader per robot (<c>/&lt;robot&gt;/odom</c> or <c>/&lt;robot&gt;/pose</c>,
/// sensor-data QoS); each tick takes every robot's newest sample. The yaw comes from <see cref="DetMath.Atan2"/>, libm-free,
/// so controllers on different machines agree bit for bit (docs/ros2-wire.md).
/// </summary>
internal sealed class DdsPoseSource : IPoseSource
{
    private readonly RosSubscription<Odometry>[]? _odometry;
    private readonly RosSubscription<PoseStamped>[]? _poses;

    public DdsPoseSource(RosParticipant participant, ControllerNodeSettings s)
    {
        var names = s.Robots.Names;
        if (s.PoseSource == PoseSource.Odometry)
            _odometry = [.. names.Select(r => participant.CreateSubscription<Odometry>(ControllerNodeSettings.Topic(s.OdometryTopic, r), RosQos.SensorData))];
        else
            _poses = [.. names.Select(r => participant.CreateSubscription<PoseStamped>(ControllerNodeSettings.Topic(s.PoseTopic, r), RosQos.SensorData))];
    }

    public void TakePoses(PoseIntake intake)
    {
        for (int i = 0; i < intake.RobotCount; i++)
        {
            if (_odometry is not null)
            {
                var o = default(Odometry);
                if (_odometry[i].TryTakeLatest(ref o)) intake.Offer(i, ToPose(o.Pose.Pose));
            }
            else
            {
                var p = default(PoseStamped);
                if (_poses![i].TryTakeLatest(ref p)) intake.Offer(i, ToPose(p.Pose));
            }
        }
    }

    /// <summary>The pose with its yaw from the quaternion (libm-free).</summary>
    public static Pose ToPose(in RosPose p)
    {
        var q = p.Orientation;
        double yaw = DetMath.Atan2(2.0 * ((q.W * q.Z) + (q.X * q.Y)), (q.W * q.W) + (q.X * q.X) - (q.Y * q.Y) - (q.Z * q.Z));
        return new(p.Position.X, p.Position.Y, p.Position.Z, yaw);
    }
}

/// <summary>
/// The controller node's command sink: one DDS writer per commanded robot (Twist or TwistStamped, reliable), published
/// from the control loop's thread or, for large swarms, from a few threads at once: every command is final before the
/// first is sent, so the order in which they go out changes nothing they say.
/// </summary>
internal sealed class DdsCommandSink : ICommandSink, IDisposable
{
    private readonly RosPublisher<Twist>?[]? _twist;
    private readonly RosPublisher<TwistStamped>?[]? _stamped;
    private readonly string[] _frames;
    private readonly RobotCommand[] _wire;
    private readonly bool[] _commands;
    private readonly Publishing _publishing;
    private WorkerPool? _pool;
    private Time _stamp;

    public DdsCommandSink(RosParticipant participant, ControllerNodeSettings s, int ownRobot, int threads)
    {
        var names = s.Robots.Names;
        int n = names.Count;
        _commands = [.. Enumerable.Range(0, n).Select(i => ownRobot < 0 || i == ownRobot)];
        if (s.CommandType == CommandMessageType.Twist)
            _twist = [.. names.Select((r, i) => _commands[i] ? participant.CreatePublisher<Twist>(ControllerNodeSettings.Topic(s.CommandTopic, r), RosQos.Default) : null)];
        else
            _stamped = [.. names.Select((r, i) => _commands[i] ? participant.CreatePublisher<TwistStamped>(ControllerNodeSettings.Topic(s.CommandTopic, r), RosQos.Default) : null)];
        _frames = [.. names.Select(name => name + "/base_link")];
        _wire = new RobotCommand[n];
        Threads = ownRobot >= 0 || n < 2 ? 1 : threads;
        _publishing = new Publishing(this);
    }

    /// <summary>Threads that publish a tick's commands.</summary>
    public int Threads { get; }

    public void Send(in CommandBatch batch)
    {
        batch.Wire.CopyTo(_wire);
        _stamp = Time.FromNanoseconds(batch.TimeUnixNs);
        int n = _wire.Length;
        if (Threads == 1)
        {
            PublishRange(0, n);
            return;
        }

        // The pool is made here, on the control loop's thread, so its threads inherit the loop's scheduling (SCHED_FIFO under realtime_priority).
        _pool ??= new WorkerPool(Threads, "publish");
        _pool.Run(_publishing, Publishing.Blocks(Threads, n));
    }

    private void PublishRange(int from, int to)
    {
        for (int i = from; i < to; i++)
        {
            if (!_commands[i]) continue;
            var c = _wire[i];
            var twist = new Twist(new Vector3(c.Vx, c.Vy, c.Vz), new Vector3(0, 0, c.OmegaZ));
            if (_twist is not null) _twist[i]!.Publish(twist);
            else _stamped![i]!.Publish(new TwistStamped(new Header(_stamp, _frames[i]), twist));
        }
    }

    /// <summary>Waits (up to <paramref name="timeout"/> in all) until every matched subscription acknowledged what was published; returns the robots acknowledged.</summary>
    public int WaitForAcknowledgments(TimeSpan timeout, out int unmatched)
    {
        long start = Stopwatch.GetTimestamp();
        int acked = 0;
        unmatched = 0;
        for (int i = 0; i < _wire.Length; i++)
        {
            if (!_commands[i]) continue;
            RosPublisher pub = (RosPublisher?)_twist?[i] ?? _stamped![i]!;
            if (pub.MatchedSubscriptionCount == 0)
            {
                unmatched++;
                continue;
            }

            var left = timeout - Stopwatch.GetElapsedTime(start);
            if (left > TimeSpan.Zero && pub.WaitForAcknowledgments(left)) acked++;
        }

        return acked;
    }

    public void Dispose() => _pool?.Dispose();

    /// <summary>The commands of one tick as blocks of robots for the publishing threads.</summary>
    private sealed class Publishing(DdsCommandSink sink) : IParallelWork
    {
        public static int Blocks(int threads, int robots) => Math.Min(robots, 4 * threads);

        public void Execute(int item, int worker)
        {
            int n = sink._wire.Length, blocks = Blocks(sink.Threads, n);
            sink.PublishRange((int)((long)item * n / blocks), (int)((long)(item + 1) * n / blocks));
        }
    }
}
