using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SwarmCoverage.Sim;

/// <summary>
/// The bundled simulator: N robots (differential drive as gz-sim's DiffDrive drives them, or
/// holonomic ground/aerial robots) stepped on a simulation clock, with command latency, a command
/// timeout, wheel-speed and acceleration saturation, Gaussian pose noise and a seed.
/// </summary>
/// <remarks>
/// <para>
/// Time: <see cref="Now"/> starts at zero and moves only by <see cref="Step(double)"/>,
/// <see cref="StepNanoseconds"/> or <see cref="StepTo"/>. A robot moving with constant (v, omega)
/// advances by the exact arc however long the step, so a host may step once per control period.
/// While a robot's limiter is ramping (acceleration or jerk limit binding), it advances in
/// sub-steps of <see cref="SimulationOptions.LimiterStepSeconds"/>, velocity constant in each, as
/// gz-sim applies DiffDrive's limiter once per physics step.
/// </para>
/// <para>
/// Determinism: no wall clock, no threads, no unseeded randomness. The same robots, options and
/// sequence of calls give bit-identical poses and noise on every run. The noise at an instant is
/// a pure function of (seed, robot index, instant), independent of how often poses are read.
/// </para>
/// <para>
/// Cost: after construction nothing is allocated per call, except that a robot's queue of
/// delayed commands doubles its capacity (for every robot) when it overflows, which with a fixed
/// latency and command rate happens at most a few times at start.
/// </para>
/// <para>Not thread-safe: one host thread calls it (the ROS 2 node marshals DDS callbacks onto its loop).</para>
/// </remarks>
public sealed class Simulator
{
    private readonly RobotSpec[] _specs;
    private readonly RobotState[] _robots;
    private readonly Dictionary<string, int> _indexByName;
    private readonly long _limiterStepNs;
    private readonly double _limiterStepSeconds;
    private readonly long _latencyNs;
    private readonly long _timeoutNs;
    private readonly double _positionNoiseStdM;
    private readonly double _yawNoiseStdRad;
    private readonly ulong _seed;
    private readonly bool _enforceArena;
    private readonly Arena? _arena;

    // Delayed-command queues: one ring of _queueCapacity slots per robot, flattened.
    private int _queueCapacity;
    private long[] _queueTimeNs;
    private VelocityCommand[] _queueCommand;

    private long _nowNs;

    private long _commandsReceived;
    private long _commandsRejectedNonFinite;
    private long _commandsSuperseded;
    private long _commandTimeouts;
    private long _limiterActiveTimeNs;
    private long _wheelSaturatedTimeNs;
    private long _robotTimeNs;
    private long _arenaContacts;
    private long _odometrySamplesPublished;

    /// <summary>Creates a simulator for <paramref name="robots"/> (indexed in list order).</summary>
    /// <param name="robots">The robots; names must be unique.</param>
    /// <param name="options">Latency, timeout, noise, seed, limiter step; null for the defaults.</param>
    /// <param name="arena">The arena (used when <see cref="SimulationOptions.EnforceArena"/> is set), or null.</param>
    /// <exception cref="ArgumentException">When a robot, the arena or an option is invalid; the message names it.</exception>
    public Simulator(IReadOnlyList<RobotSpec> robots, SimulationOptions? options = null, Arena? arena = null)
    {
        ArgumentNullException.ThrowIfNull(robots);
        options ??= new SimulationOptions();
        options.Validate();
        arena?.Validate();
        if (options.EnforceArena && arena is null)
        {
            throw new ArgumentException("SimulationOptions.EnforceArena is set but the world has no arena.", nameof(arena));
        }

        _specs = [.. robots];
        _robots = new RobotState[_specs.Length];
        _indexByName = new Dictionary<string, int>(_specs.Length, StringComparer.Ordinal);
        for (int i = 0; i < _specs.Length; i++)
        {
            RobotSpec spec = _specs[i] ?? throw new ArgumentException($"robot {i} is null.", nameof(robots));
            spec.Validate();
            if (!_indexByName.TryAdd(spec.Name, i))
            {
                throw new ArgumentException($"robot name '{spec.Name}' appears more than once.", nameof(robots));
            }

            _robots[i] = RobotState.Create(spec);
        }

        _limiterStepNs = Math.Max(1, SimTime.SecondsToNanoseconds(options.LimiterStepSeconds, nameof(options.LimiterStepSeconds)));
        _limiterStepSeconds = _limiterStepNs * 1e-9;
        _latencyNs = SimTime.SecondsToNanoseconds(options.CommandLatencySeconds, nameof(options.CommandLatencySeconds));
        _timeoutNs = double.IsPositiveInfinity(options.CommandTimeoutSeconds) || options.CommandTimeoutSeconds > 9e9
            ? long.MaxValue
            : Math.Max(1, SimTime.SecondsToNanoseconds(options.CommandTimeoutSeconds, nameof(options.CommandTimeoutSeconds)));
        _positionNoiseStdM = options.PositionNoiseStdM;
        _yawNoiseStdRad = options.YawNoiseStdRad;
        _seed = options.Seed;
        _enforceArena = options.EnforceArena;
        _arena = arena;
        Options = options;

        _queueCapacity = 4;
        _queueTimeNs = new long[_specs.Length * _queueCapacity];
        _queueCommand = new VelocityCommand[_specs.Length * _queueCapacity];
    }

    /// <summary>Creates a simulator for the robots and arena of <paramref name="world"/>.</summary>
    public static Simulator FromWorld(World world, SimulationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(world);
        return new Simulator(world.Robots, options, world.Arena);
    }

    /// <summary>The options in effect.</summary>
    public SimulationOptions Options { get; }

    /// <summary>The arena, or null.</summary>
    public Arena? Arena => _arena;

    /// <summary>Number of robots.</summary>
    public int RobotCount => _specs.Length;

    /// <summary>The robots, in index order.</summary>
    public IReadOnlyList<RobotSpec> Robots => _specs;

    /// <summary>The simulation clock (publish it as <c>/clock</c>).</summary>
    public SimTime Now => new(_nowNs);

    /// <summary>Counts of limited, rejected and stopped commands so far.</summary>
    public SimulatorCounters Counters => new()
    {
        CommandsReceived = _commandsReceived,
        CommandsRejectedNonFinite = _commandsRejectedNonFinite,
        CommandsSuperseded = _commandsSuperseded,
        CommandTimeouts = _commandTimeouts,
        LimiterActiveTimeNs = _limiterActiveTimeNs,
        WheelSaturatedTimeNs = _wheelSaturatedTimeNs,
        RobotTimeNs = _robotTimeNs,
        ArenaContacts = _arenaContacts,
        OdometrySamplesPublished = _odometrySamplesPublished,
    };

    /// <summary>The index of the robot called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">When there is no such robot.</exception>
    public int IndexOf(string name) =>
        _indexByName.TryGetValue(name, out int index)
            ? index
            : throw new KeyNotFoundException($"no robot named '{name}' in the simulation ({_specs.Length} robots).");

    /// <summary>Looks up a robot's index by name.</summary>
    public bool TryGetIndex(string name, out int index) => _indexByName.TryGetValue(name, out index);

    // ---------------------------------------------------------------- commands

    /// <summary>Hands robot <paramref name="robot"/> a command that arrives now.</summary>
    public void SetCommand(int robot, in VelocityCommand command)
    {
        CheckRobot(robot);
        Enqueue(robot, command, _nowNs);
    }

    /// <summary>
    /// Hands robot <paramref name="robot"/> a command that arrived at <paramref name="receivedAt"/>.
    /// It takes effect at receivedAt + latency, or now if that has passed. A host that steps in chunks
    /// passes the instant its transport delivered the message, which may lie before <see cref="Now"/>
    /// or, when the host learns of commands before stepping to their instants, after it: the command is
    /// queued and the next <see cref="StepTo"/> applies it at that instant, so the host need not step
    /// all robots to each arrival. A robot's commands are expected in arrival order: one whose activation
    /// is not after the last queued one's replaces that one (the newest command wins), as for
    /// out-of-order receive stamps.
    /// </summary>
    public void SetCommand(int robot, in VelocityCommand command, SimTime receivedAt)
    {
        CheckRobot(robot);
        Enqueue(robot, command, receivedAt.Nanoseconds);
    }

    /// <summary>Hands the robot called <paramref name="name"/> a command that arrives now.</summary>
    public void SetCommand(string name, in VelocityCommand command) => SetCommand(IndexOf(name), command);

    /// <summary>Hands the robot called <paramref name="name"/> a command received at <paramref name="receivedAt"/>.</summary>
    public void SetCommand(string name, in VelocityCommand command, SimTime receivedAt) => SetCommand(IndexOf(name), command, receivedAt);

    /// <summary>
    /// Hands every robot a unicycle command (linear x, angular z) arriving now; holonomic robots get
    /// (vx = linear, vy = vz = 0). Both spans must have <see cref="RobotCount"/> elements.
    /// </summary>
    public void SetCommands(ReadOnlySpan<double> linearXMps, ReadOnlySpan<double> angularZRadps)
    {
        CheckLength(linearXMps.Length, nameof(linearXMps));
        CheckLength(angularZRadps.Length, nameof(angularZRadps));
        for (int i = 0; i < _specs.Length; i++)
        {
            Enqueue(i, new VelocityCommand(linearXMps[i], 0, 0, angularZRadps[i]), _nowNs);
        }
    }

    /// <summary>
    /// Hands every robot a full body-frame command arriving now (differential-drive robots use only
    /// x and the yaw rate). Every span must have <see cref="RobotCount"/> elements.
    /// </summary>
    public void SetCommands(ReadOnlySpan<double> linearXMps, ReadOnlySpan<double> linearYMps, ReadOnlySpan<double> linearZMps, ReadOnlySpan<double> angularZRadps)
    {
        CheckLength(linearXMps.Length, nameof(linearXMps));
        CheckLength(linearYMps.Length, nameof(linearYMps));
        CheckLength(linearZMps.Length, nameof(linearZMps));
        CheckLength(angularZRadps.Length, nameof(angularZRadps));
        for (int i = 0; i < _specs.Length; i++)
        {
            Enqueue(i, new VelocityCommand(linearXMps[i], linearYMps[i], linearZMps[i], angularZRadps[i]), _nowNs);
        }
    }

    private void Enqueue(int robot, in VelocityCommand command, long receivedNs)
    {
        _commandsReceived++;
        if (!command.IsFinite)
        {
            _commandsRejectedNonFinite++;
            return;
        }

        long activation = receivedNs > long.MaxValue - _latencyNs ? long.MaxValue : receivedNs + _latencyNs;
        if (activation < _nowNs)
        {
            activation = _nowNs;
        }

        ref RobotState r = ref _robots[robot];
        if (r.QueueCount > 0)
        {
            int last = (robot * _queueCapacity) + ((r.QueueHead + r.QueueCount - 1) % _queueCapacity);
            if (_queueTimeNs[last] >= activation)
            {
                // Same (or, for out-of-order receive stamps, earlier) activation: the newest command wins.
                _queueCommand[last] = command;
                _commandsSuperseded++;
                return;
            }
        }

        if (r.QueueCount == _queueCapacity)
        {
            GrowQueues();
        }

        int slot = (robot * _queueCapacity) + ((r.QueueHead + r.QueueCount) % _queueCapacity);
        _queueTimeNs[slot] = activation;
        _queueCommand[slot] = command;
        r.QueueCount++;
    }

    private void GrowQueues()
    {
        int oldCapacity = _queueCapacity;
        int newCapacity = oldCapacity * 2;
        var times = new long[_specs.Length * newCapacity];
        var commands = new VelocityCommand[_specs.Length * newCapacity];
        for (int i = 0; i < _specs.Length; i++)
        {
            ref RobotState r = ref _robots[i];
            for (int k = 0; k < r.QueueCount; k++)
            {
                int from = (i * oldCapacity) + ((r.QueueHead + k) % oldCapacity);
                times[(i * newCapacity) + k] = _queueTimeNs[from];
                commands[(i * newCapacity) + k] = _queueCommand[from];
            }

            r.QueueHead = 0;
        }

        _queueCapacity = newCapacity;
        _queueTimeNs = times;
        _queueCommand = commands;
    }

    // ---------------------------------------------------------------- time

    /// <summary>Advances the simulation by <paramref name="seconds"/> (rounded to the nanosecond).</summary>
    public void Step(double seconds) => StepNanoseconds(SimTime.SecondsToNanoseconds(seconds, nameof(seconds)));

    /// <summary>Advances the simulation by <paramref name="durationNs"/> nanoseconds.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When the duration is negative.</exception>
    public void StepNanoseconds(long durationNs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(durationNs);
        StepTo(new SimTime(checked(_nowNs + durationNs)));
    }

    /// <summary>Advances the simulation to <paramref name="time"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="time"/> is before <see cref="Now"/>.</exception>
    public void StepTo(SimTime time)
    {
        long t1 = time.Nanoseconds;
        if (t1 < _nowNs)
        {
            throw new ArgumentOutOfRangeException(nameof(time), time, $"cannot step back in time from {Now} to {time}.");
        }

        long t0 = _nowNs;
        if (t1 == t0)
        {
            return;
        }

        Span<RobotState> robots = _robots;
        for (int i = 0; i < robots.Length; i++)
        {
            ref RobotState r = ref robots[i];
            if (r.Kind == DriveKind.DifferentialDrive)
            {
                AdvanceDiffDrive(ref r, i, t0, t1);
            }
            else
            {
                AdvanceHolonomic(ref r, i, t0, t1);
            }
        }

        _robotTimeNs += (t1 - t0) * robots.Length;
        _nowNs = t1;
    }

    /// <summary>
    /// Takes the commands that are due at <paramref name="t"/>, applies the command timeout, and
    /// returns the end of the segment over which the target is constant (at most <paramref name="t1"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long UpdateTarget(ref RobotState r, int robot, long t, long t1)
    {
        int baseSlot = robot * _queueCapacity;
        while (r.QueueCount > 0)
        {
            int slot = baseSlot + r.QueueHead;
            long activation = _queueTimeNs[slot];
            if (activation > t)
            {
                if (activation < t1)
                {
                    t1 = activation;
                }

                break;
            }

            ref readonly VelocityCommand c = ref _queueCommand[slot];
            r.TargetX = c.LinearXMps;
            r.TargetY = c.LinearYMps;
            r.TargetZ = c.LinearZMps;
            r.TargetW = c.AngularZRadps;
            r.LastActivationNs = activation;
            r.HasCommand = true;
            r.TimedOut = false;
            r.QueueHead = r.QueueHead + 1 == _queueCapacity ? 0 : r.QueueHead + 1;
            r.QueueCount--;
        }

        if (!r.TimedOut)
        {
            long deadline = r.LastActivationNs > long.MaxValue - _timeoutNs ? long.MaxValue : r.LastActivationNs + _timeoutNs;
            if (t >= deadline)
            {
                r.TargetX = r.TargetY = r.TargetZ = r.TargetW = 0;
                r.TimedOut = true;
                _commandTimeouts++;
            }
            else if (deadline < t1)
            {
                t1 = deadline;
            }
        }

        return t1;
    }

    private void AdvanceDiffDrive(ref RobotState r, int robot, long t0, long t1)
    {
        long t = t0;
        long limiterActiveNs = 0;
        long wheelSaturatedNs = 0;
        (double sinYaw, double cosYaw) = Math.SinCos(r.Yaw);
        while (t < t1)
        {
            // The target is constant on [t, segmentEnd): no command activation or timeout inside.
            long segmentEnd = UpdateTarget(ref r, robot, t, t1);
            while (t < segmentEnd)
            {
                long remaining = segmentEnd - t;
                long segmentNs;
                if (r.Instantaneous)
                {
                    // No acceleration or jerk limit: the (velocity-clamped) target takes effect at once.
                    r.V0 = r.V1 = Kinematics.Limit(r.TargetX, r.V0, r.V1, _limiterStepSeconds, r.Linear);
                    r.W0 = r.W1 = Kinematics.Limit(r.TargetW, r.W0, r.W1, _limiterStepSeconds, r.Angular);
                    segmentNs = remaining;
                }
                else
                {
                    long stepNs = remaining < _limiterStepNs ? remaining : _limiterStepNs;
                    double dt = stepNs == _limiterStepNs ? _limiterStepSeconds : stepNs * 1e-9;
                    double v = Kinematics.Limit(r.TargetX, r.V0, r.V1, dt, r.Linear);
                    double w = Kinematics.Limit(r.TargetW, r.W0, r.W1, dt, r.Angular);
                    bool steady = v == r.V0 && w == r.W0 && (!r.HasJerk || (r.V0 == r.V1 && r.W0 == r.W1));
                    r.V1 = r.V0;
                    r.W1 = r.W0;
                    if (steady)
                    {
                        // The limiter would return the same velocities at every sub-step: one exact arc.
                        segmentNs = remaining;
                    }
                    else
                    {
                        r.V0 = v;
                        r.W0 = w;
                        segmentNs = stepNs;
                        limiterActiveNs += stepNs;
                    }
                }

                // Wheel speeds (gz DiffDrive), each clipped to the joint velocity limit (DART servo).
                double v1 = r.V0;
                double w1 = r.W0;
                if (r.HasWheelLimit)
                {
                    double right = (v1 + (w1 * r.HalfSeparationM)) * r.InverseWheelRadius;
                    double left = (v1 - (w1 * r.HalfSeparationM)) * r.InverseWheelRadius;
                    double max = r.MaxWheelSpeedRadps;
                    if (right > max || right < -max || left > max || left < -max)
                    {
                        right = Math.Clamp(right, -max, max);
                        left = Math.Clamp(left, -max, max);
                        v1 = 0.5 * (right + left) * r.WheelRadiusM;
                        w1 = (right - left) * r.WheelRadiusM / r.SeparationM;
                        wheelSaturatedNs += segmentNs;
                    }
                }

                r.AppliedX = v1;
                r.AppliedW = w1;
                Kinematics.ArcIncremental(ref r.X, ref r.Y, ref r.Yaw, ref cosYaw, ref sinYaw, v1, 0, w1, segmentNs * 1e-9);
                if (_enforceArena)
                {
                    KeepInArena(ref r);
                }

                t += segmentNs;
            }
        }

        _limiterActiveTimeNs += limiterActiveNs;
        _wheelSaturatedTimeNs += wheelSaturatedNs;
    }

    private void AdvanceHolonomic(ref RobotState r, int robot, long t0, long t1)
    {
        long t = t0;
        bool aerial = r.Kind == DriveKind.Holonomic3D;
        (double sinYaw, double cosYaw) = Math.SinCos(r.Yaw);
        while (t < t1)
        {
            long segmentEnd = UpdateTarget(ref r, robot, t, t1);
            long remaining = segmentEnd - t;
            double tx = r.TargetX;
            double ty = r.TargetY;
            double tz = aerial ? r.TargetZ : 0;

            // Speed limit on the norm of the target (direction-preserving).
            double norm2 = (tx * tx) + (ty * ty) + (tz * tz);
            if (norm2 > r.MaxSpeed2)
            {
                double scale = r.MaxSpeedMps / Math.Sqrt(norm2);
                tx *= scale;
                ty *= scale;
                tz *= scale;
            }

            long stepNs = Math.Min(_limiterStepNs, remaining);
            double dt = stepNs == _limiterStepNs ? _limiterStepSeconds : stepNs * 1e-9;
            double vx = tx;
            double vy = ty;
            double vz = tz;
            bool linearSteady = true;
            if (r.HasLinearAcceleration)
            {
                double dx = tx - r.V0;
                double dy = ty - r.Vy0;
                double dz = tz - r.Vz0;
                double d2 = (dx * dx) + (dy * dy) + (dz * dz);
                double maxChange = r.MaxLinearAccelerationMps2 * dt;
                if (d2 > maxChange * maxChange)
                {
                    double scale = maxChange / Math.Sqrt(d2);
                    vx = r.V0 + (dx * scale);
                    vy = r.Vy0 + (dy * scale);
                    vz = r.Vz0 + (dz * scale);
                }

                linearSteady = vx == r.V0 && vy == r.Vy0 && vz == r.Vz0;
            }

            double w = Kinematics.Limit(r.TargetW, r.W0, r.W1, dt, r.Angular);
            bool steady = (linearSteady && w == r.W0) || r.Instantaneous;
            long segmentNs = steady ? remaining : stepNs;
            if (!steady)
            {
                _limiterActiveTimeNs += stepNs;
            }

            r.V0 = vx;
            r.Vy0 = vy;
            r.Vz0 = vz;
            r.W1 = r.W0;
            r.W0 = w;
            r.AppliedX = vx;
            r.AppliedY = vy;
            r.AppliedZ = vz;
            r.AppliedW = w;
            double seconds = segmentNs * 1e-9;
            Kinematics.ArcIncremental(ref r.X, ref r.Y, ref r.Yaw, ref cosYaw, ref sinYaw, vx, vy, w, seconds);
            r.Z += vz * seconds;
            if (_enforceArena)
            {
                KeepInArena(ref r);
            }

            t += segmentNs;
        }
    }

    private void KeepInArena(ref RobotState r)
    {
        Arena a = _arena!;
        bool contact = false;
        if (r.X < a.MinXM)
        {
            r.X = a.MinXM;
            contact = true;
        }
        else if (r.X > a.MaxXM)
        {
            r.X = a.MaxXM;
            contact = true;
        }

        if (r.Y < a.MinYM)
        {
            r.Y = a.MinYM;
            contact = true;
        }
        else if (r.Y > a.MaxYM)
        {
            r.Y = a.MaxYM;
            contact = true;
        }

        if (r.Kind == DriveKind.Holonomic3D)
        {
            if (r.Z < 0)
            {
                r.Z = 0;
                contact = true;
            }
            else if (r.Z > a.HeightM)
            {
                r.Z = a.HeightM;
                contact = true;
            }
        }

        if (contact)
        {
            _arenaContacts++;
        }
    }

    // ---------------------------------------------------------------- state out

    /// <summary>The true (noise-free) pose of robot <paramref name="robot"/> in the world.</summary>
    public RobotPose GetTruePose(int robot)
    {
        CheckRobot(robot);
        ref readonly RobotState r = ref _robots[robot];
        return new RobotPose(r.X, r.Y, r.Z, r.Yaw);
    }

    /// <summary>
    /// The pose of robot <paramref name="robot"/> as a sensor measures it now: the true world pose plus
    /// Gaussian noise (zero when the noise options are zero).
    /// </summary>
    public RobotPose GetMeasuredPose(int robot)
    {
        CheckRobot(robot);
        return Measure(robot, _nowNs);
    }

    /// <summary>The body-frame velocity robot <paramref name="robot"/> is moving with (after every limit).</summary>
    public BodyTwist GetTwist(int robot)
    {
        CheckRobot(robot);
        ref readonly RobotState r = ref _robots[robot];
        return new BodyTwist(r.AppliedX, r.AppliedY, r.AppliedZ, r.AppliedW);
    }

    /// <summary>True when robot <paramref name="robot"/> is stopped by the command timeout (or has never had a command).</summary>
    public bool IsCommandTimedOut(int robot)
    {
        CheckRobot(robot);
        return _robots[robot].TimedOut;
    }

    /// <summary>
    /// Simulated time in seconds at which robot <paramref name="robot"/>'s newest command took effect (its command timeout
    /// runs from there), or NaN if it has never had one.
    /// </summary>
    public double LastCommandSeconds(int robot)
    {
        CheckRobot(robot);
        ref readonly RobotState r = ref _robots[robot];
        return r.HasCommand ? new SimTime(r.LastActivationNs).Seconds : double.NaN;
    }

    /// <summary>Writes every robot's true planar pose. Each span must have <see cref="RobotCount"/> elements.</summary>
    public void GetTruePoses(Span<double> xM, Span<double> yM, Span<double> yawRad)
    {
        CheckLength(xM.Length, nameof(xM));
        CheckLength(yM.Length, nameof(yM));
        CheckLength(yawRad.Length, nameof(yawRad));
        ReadOnlySpan<RobotState> robots = _robots;
        for (int i = 0; i < robots.Length; i++)
        {
            xM[i] = robots[i].X;
            yM[i] = robots[i].Y;
            yawRad[i] = robots[i].Yaw;
        }
    }

    /// <summary>Writes every robot's true pose including z. Each span must have <see cref="RobotCount"/> elements.</summary>
    public void GetTruePoses(Span<double> xM, Span<double> yM, Span<double> zM, Span<double> yawRad)
    {
        CheckLength(zM.Length, nameof(zM));
        GetTruePoses(xM, yM, yawRad);
        ReadOnlySpan<RobotState> robots = _robots;
        for (int i = 0; i < robots.Length; i++)
        {
            zM[i] = robots[i].Z;
        }
    }

    /// <summary>
    /// Writes every robot's measured planar pose now (world frame, with the configured noise), what a
    /// motion-capture system or world-frame odometry would report. Each span must have
    /// <see cref="RobotCount"/> elements.
    /// </summary>
    public void GetMeasuredPoses(Span<double> xM, Span<double> yM, Span<double> yawRad)
    {
        CheckLength(xM.Length, nameof(xM));
        CheckLength(yM.Length, nameof(yM));
        CheckLength(yawRad.Length, nameof(yawRad));
        for (int i = 0; i < _specs.Length; i++)
        {
            RobotPose p = Measure(i, _nowNs);
            xM[i] = p.XM;
            yM[i] = p.YM;
            yawRad[i] = p.YawRad;
        }
    }

    /// <summary>Writes every robot's measured pose including z (see the planar overload).</summary>
    public void GetMeasuredPoses(Span<double> xM, Span<double> yM, Span<double> zM, Span<double> yawRad)
    {
        CheckLength(xM.Length, nameof(xM));
        CheckLength(yM.Length, nameof(yM));
        CheckLength(zM.Length, nameof(zM));
        CheckLength(yawRad.Length, nameof(yawRad));
        for (int i = 0; i < _specs.Length; i++)
        {
            RobotPose p = Measure(i, _nowNs);
            xM[i] = p.XM;
            yM[i] = p.YM;
            zM[i] = p.ZM;
            yawRad[i] = p.YawRad;
        }
    }

    /// <summary>
    /// Writes every robot's body-frame velocity (linear x and yaw rate, after every limit). Each span
    /// must have <see cref="RobotCount"/> elements.
    /// </summary>
    public void GetTwists(Span<double> linearXMps, Span<double> angularZRadps)
    {
        CheckLength(linearXMps.Length, nameof(linearXMps));
        CheckLength(angularZRadps.Length, nameof(angularZRadps));
        ReadOnlySpan<RobotState> robots = _robots;
        for (int i = 0; i < robots.Length; i++)
        {
            linearXMps[i] = robots[i].AppliedX;
            angularZRadps[i] = robots[i].AppliedW;
        }
    }

    /// <summary>Writes every robot's full body-frame velocity (after every limit). Each span must have <see cref="RobotCount"/> elements.</summary>
    public void GetTwists(Span<double> linearXMps, Span<double> linearYMps, Span<double> linearZMps, Span<double> angularZRadps)
    {
        CheckLength(linearYMps.Length, nameof(linearYMps));
        CheckLength(linearZMps.Length, nameof(linearZMps));
        GetTwists(linearXMps, angularZRadps);
        ReadOnlySpan<RobotState> robots = _robots;
        for (int i = 0; i < robots.Length; i++)
        {
            linearYMps[i] = robots[i].AppliedY;
            linearZMps[i] = robots[i].AppliedZ;
        }
    }

    private RobotPose Measure(int robot, long timeNs)
    {
        ref readonly RobotState r = ref _robots[robot];
        if (_positionNoiseStdM == 0 && _yawNoiseStdRad == 0)
        {
            return new RobotPose(r.X, r.Y, r.Z, r.Yaw);
        }

        (double nx, double ny) = CounterNoise.StandardNormalPair(_seed, robot, timeNs, 0);
        (double nyaw, double nz) = CounterNoise.StandardNormalPair(_seed, robot, timeNs, 1);
        double z = r.Kind == DriveKind.Holonomic3D ? r.Z + (_positionNoiseStdM * nz) : r.Z;
        return new RobotPose(
            r.X + (_positionNoiseStdM * nx),
            r.Y + (_positionNoiseStdM * ny),
            z,
            Kinematics.WrapAngle(r.Yaw + (_yawNoiseStdRad * nyaw)));
    }

    // ---------------------------------------------------------------- odometry schedule

    /// <summary>
    /// The earliest instant at which some robot's odometry is due (every robot publishes at
    /// multiples of its period 1/<c>odom_publish_frequency</c>, starting at time zero). A ROS host
    /// steps to <c>min(NextOdometryDue, its next control or clock instant)</c> and then calls
    /// <see cref="CollectDueOdometry"/>. <see cref="SimTime"/> of <see cref="long.MaxValue"/> when
    /// every robot's odometry is paused.
    /// </summary>
    public SimTime NextOdometryDue
    {
        get
        {
            long next = long.MaxValue;
            ReadOnlySpan<RobotState> robots = _robots;
            for (int i = 0; i < robots.Length; i++)
            {
                if (!robots[i].OdometryPaused && robots[i].NextOdometryNs < next)
                {
                    next = robots[i].NextOdometryNs;
                }
            }

            return new SimTime(next);
        }
    }

    /// <summary>
    /// Writes one odometry sample (stamped <see cref="Now"/>) for every robot whose odometry is due
    /// at or before now and schedules its next one a period later (gz throttling: at most one
    /// message per call, however many periods were skipped). Returns the number written.
    /// </summary>
    /// <param name="destination">At least <see cref="RobotCount"/> elements.</param>
    public int CollectDueOdometry(Span<OdometrySample> destination)
    {
        if (destination.Length < _specs.Length)
        {
            throw new ArgumentException(
                $"destination has {destination.Length} elements; it needs at least RobotCount = {_specs.Length}.", nameof(destination));
        }

        int count = 0;
        for (int i = 0; i < _specs.Length; i++)
        {
            ref RobotState r = ref _robots[i];
            if (r.OdometryPaused || r.NextOdometryNs > _nowNs)
            {
                continue;
            }

            destination[count++] = SampleOdometry(i);
            r.NextOdometryNs = _nowNs + r.OdometryPeriodNs;
        }

        _odometrySamplesPublished += count;
        return count;
    }

    /// <summary>The odometry message robot <paramref name="robot"/> would publish now, regardless of the schedule.</summary>
    public OdometrySample SampleOdometry(int robot)
    {
        CheckRobot(robot);
        ref readonly RobotState r = ref _robots[robot];
        RobotSpec spec = _specs[robot];
        RobotPose world = Measure(robot, _nowNs);
        RobotPose pose = world;
        if (spec.OdometryOrigin == OdometryOrigin.SpawnPose)
        {
            RobotPose s = spec.StartPose;
            (double sin, double cos) = Math.SinCos(s.YawRad);
            double dx = world.XM - s.XM;
            double dy = world.YM - s.YM;
            pose = new RobotPose(
                (cos * dx) + (sin * dy),
                (-sin * dx) + (cos * dy),
                world.ZM - s.ZM,
                Kinematics.WrapAngle(world.YawRad - s.YawRad));
        }

        RobotTopics topics = r.Topics;
        return new OdometrySample(robot, Now, topics.OdometryFrameId, topics.ChildFrameId, pose, world,
            new BodyTwist(r.AppliedX, r.AppliedY, r.AppliedZ, r.AppliedW));
    }

    /// <summary>
    /// Pauses or resumes robot <paramref name="robot"/>'s odometry (a dead sensor or radio link):
    /// a paused robot is skipped by <see cref="CollectDueOdometry"/>. On resume its next sample is due at once.
    /// </summary>
    public void SetOdometryPaused(int robot, bool paused)
    {
        CheckRobot(robot);
        ref RobotState r = ref _robots[robot];
        if (r.OdometryPaused && !paused)
        {
            r.NextOdometryNs = _nowNs;
        }

        r.OdometryPaused = paused;
    }

    // ---------------------------------------------------------------- helpers

    private void CheckRobot(int robot)
    {
        if ((uint)robot >= (uint)_specs.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(robot), robot, $"robot index must be in [0, {_specs.Length - 1}].");
        }
    }

    private void CheckLength(int length, string name)
    {
        if (length != _specs.Length)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{name} has {length} elements; it must have RobotCount = {_specs.Length}."), name);
        }
    }

    /// <summary>Everything about one robot the inner loop touches, contiguous in memory.</summary>
    [StructLayout(LayoutKind.Auto)]
    private struct RobotState
    {
        public DriveKind Kind;
        public bool Instantaneous;
        public bool HasJerk;
        public bool HasWheelLimit;
        public bool HasLinearAcceleration;
        public bool TimedOut;
        public bool OdometryPaused;

        // Differential drive geometry.
        public double SeparationM;
        public double HalfSeparationM;
        public double WheelRadiusM;
        public double InverseWheelRadius;
        public double MaxWheelSpeedRadps;

        // Limits (Linear: diff drive; Angular: both kinds).
        public AxisLimits Linear;
        public AxisLimits Angular;
        public double MaxSpeedMps;
        public double MaxSpeed2;
        public double MaxLinearAccelerationMps2;

        // True pose.
        public double X;
        public double Y;
        public double Z;
        public double Yaw;

        // Limiter output now (V0, Vy0, Vz0, W0) and one step before (V1, W1): gz's last0Cmd / last1Cmd.
        public double V0;
        public double V1;
        public double Vy0;
        public double Vz0;
        public double W0;
        public double W1;

        // Velocity the body moves with (after wheel saturation).
        public double AppliedX;
        public double AppliedY;
        public double AppliedZ;
        public double AppliedW;

        // Command in effect.
        public double TargetX;
        public double TargetY;
        public double TargetZ;
        public double TargetW;
        public long LastActivationNs;
        public bool HasCommand;

        public int QueueHead;
        public int QueueCount;

        public long OdometryPeriodNs;
        public long NextOdometryNs;
        public RobotTopics Topics;

        public static RobotState Create(RobotSpec spec)
        {
            var r = new RobotState
            {
                Kind = spec.Kind,
                X = spec.StartPose.XM,
                Y = spec.StartPose.YM,
                Z = spec.StartPose.ZM,
                Yaw = Kinematics.WrapAngle(spec.StartPose.YawRad),
                TimedOut = true,
                Topics = spec.EffectiveTopics,
                OdometryPeriodNs = Math.Max(1, (long)(SimTime.NanosecondsPerSecond / spec.OdomPublishFrequencyHz)),
            };
            if (spec.Kind == DriveKind.DifferentialDrive)
            {
                DiffDriveParameters p = spec.DiffDrive!;
                r.SeparationM = p.WheelSeparationM;
                r.HalfSeparationM = 0.5 * p.WheelSeparationM;
                r.WheelRadiusM = p.WheelRadiusM;
                r.InverseWheelRadius = 1.0 / p.WheelRadiusM;
                r.MaxWheelSpeedRadps = p.MaxWheelSpeedRadps;
                r.HasWheelLimit = double.IsFinite(p.MaxWheelSpeedRadps);
                r.Linear = new AxisLimits(p.MinLinearVelocityMps, p.MaxLinearVelocityMps, p.MinLinearAccelerationMps2,
                    p.MaxLinearAccelerationMps2, p.MinLinearJerkMps3, p.MaxLinearJerkMps3);
                r.Angular = new AxisLimits(p.MinAngularVelocityRadps, p.MaxAngularVelocityRadps, p.MinAngularAccelerationRadps2,
                    p.MaxAngularAccelerationRadps2, p.MinAngularJerkRadps3, p.MaxAngularJerkRadps3);
                r.HasJerk = r.Linear.HasJerk || r.Angular.HasJerk;
                r.Instantaneous = !r.Linear.HasAcceleration && !r.Angular.HasAcceleration && !r.HasJerk;
            }
            else
            {
                HolonomicParameters p = spec.Holonomic!;
                r.MaxSpeedMps = p.MaxLinearVelocityMps;
                r.MaxSpeed2 = double.IsFinite(p.MaxLinearVelocityMps) ? p.MaxLinearVelocityMps * p.MaxLinearVelocityMps : double.PositiveInfinity;
                r.MaxLinearAccelerationMps2 = p.MaxLinearAccelerationMps2;
                r.HasLinearAcceleration = double.IsFinite(p.MaxLinearAccelerationMps2);
                r.Angular = new AxisLimits(-p.MaxAngularVelocityRadps, p.MaxAngularVelocityRadps, -p.MaxAngularAccelerationRadps2,
                    p.MaxAngularAccelerationRadps2, double.NegativeInfinity, double.PositiveInfinity);
                r.Instantaneous = !r.HasLinearAcceleration && !r.Angular.HasAcceleration;
            }

            return r;
        }
    }
}
