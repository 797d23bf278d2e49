using System.Globalization;

namespace SwarmCoverage.Control;

/// <summary>Watchdog and plausibility parameters of the <see cref="RobotRegistry"/>.</summary>
public sealed record RobotRegistryOptions
{
    /// <summary>A robot whose newest accepted pose is older than this (s) is stale: commanded zero, left out of the active set. Default 0.5 s.</summary>
    public double PoseTimeoutS { get; init; } = 0.5;

    /// <summary>A pose whose position lies outside the arena by more than this (m) is rejected.</summary>
    public double ArenaToleranceM { get; init; } = 0.25;

    /// <summary>A pose that moved faster than this (m/s) since the last accepted one is rejected as an implausible jump.</summary>
    public double MaxPlausibleSpeedMps { get; init; } = 2.0;

    /// <summary>Position noise allowance (m) added to the jump bound (MaxPlausibleSpeedMps * elapsed + this).</summary>
    public double PoseJumpToleranceM { get; init; } = 0.05;

    /// <summary>Every problem as a message naming the parameter, its value and the allowed range; empty when valid.</summary>
    public IReadOnlyList<string> ValidationErrors()
    {
        var e = new List<string>();
        const string section = nameof(RobotRegistryOptions);
        SafetyFilterOptions.Check(e, nameof(PoseTimeoutS), PoseTimeoutS, double.IsFinite(PoseTimeoutS) && PoseTimeoutS > 0, "finite and > 0", section);
        SafetyFilterOptions.Check(e, nameof(ArenaToleranceM), ArenaToleranceM, double.IsFinite(ArenaToleranceM) && ArenaToleranceM >= 0, "finite and >= 0", section);
        SafetyFilterOptions.Check(e, nameof(MaxPlausibleSpeedMps), MaxPlausibleSpeedMps, MaxPlausibleSpeedMps > 0 && !double.IsNaN(MaxPlausibleSpeedMps), "> 0 (infinity disables the jump check)", section);
        SafetyFilterOptions.Check(e, nameof(PoseJumpToleranceM), PoseJumpToleranceM, double.IsFinite(PoseJumpToleranceM) && PoseJumpToleranceM >= 0, "finite and >= 0", section);
        return e;
    }
}

/// <summary>Why a pose was not accepted.</summary>
public enum PoseRejection
{
    /// <summary>Accepted.</summary>
    None,

    /// <summary>No robot of that name has joined.</summary>
    UnknownRobot,

    /// <summary>A coordinate or the yaw is NaN or infinite.</summary>
    NonFinite,

    /// <summary>The position is outside the arena by more than <see cref="RobotRegistryOptions.ArenaToleranceM"/>.</summary>
    OutsideArena,

    /// <summary>The position moved faster than <see cref="RobotRegistryOptions.MaxPlausibleSpeedMps"/> since the last accepted pose.</summary>
    ImplausibleJump,
}

/// <summary>The outcome of <see cref="RobotRegistry.UpdatePose"/>; <see cref="Describe"/> gives a log line (allocates; call only when logging).</summary>
public readonly record struct PoseUpdateResult(PoseRejection Rejection, double Value, double Limit)
{
    /// <summary>True when the pose was stored.</summary>
    public bool Accepted => Rejection == PoseRejection.None;

    /// <summary>A one-line reason naming the robot, the measured value and the limit.</summary>
    public string Describe(string robot) => Rejection switch
    {
        PoseRejection.None => $"pose of {robot} accepted",
        PoseRejection.UnknownRobot => $"pose of {robot} rejected: no robot of that name has joined",
        PoseRejection.NonFinite => $"pose of {robot} rejected: a coordinate or the yaw is NaN or infinite",
        PoseRejection.OutsideArena => string.Create(CultureInfo.InvariantCulture,
            $"pose of {robot} rejected: {Value:G6} m outside the arena, allowed at most {Limit:G6} m (ArenaToleranceM)"),
        PoseRejection.ImplausibleJump => string.Create(CultureInfo.InvariantCulture,
            $"pose of {robot} rejected: jumped {Value:G6} m since the last accepted pose, allowed at most {Limit:G6} m (MaxPlausibleSpeedMps * elapsed + PoseJumpToleranceM)"),
        _ => $"pose of {robot} rejected: {Rejection}",
    };
}

/// <summary>A registered robot's state in a snapshot.</summary>
public enum RobotStatus
{
    /// <summary>Joined, no pose accepted yet: commanded zero, unknown position.</summary>
    AwaitingPose,

    /// <summary>Fresh pose: controlled.</summary>
    Active,

    /// <summary>Pose older than the timeout: commanded zero, out of the active set, avoided by the others as a fixed obstacle at its last pose.</summary>
    Stale,
}

/// <summary>
/// The robots of a swarm by name, with their latest accepted poses stamped by the injected <see cref="TimeProvider"/>, and a
/// watchdog. Robots are kept in ordinal order of their names, so every snapshot lists them in a deterministic order. Thread-safe:
/// poses may arrive on any thread while the control loop takes snapshots.
/// </summary>
public sealed class RobotRegistry
{
    private readonly object _gate = new();
    private readonly List<Entry> _entries = [];
    private readonly ArenaBox _arena;
    private readonly TimeProvider _time;
    private readonly long[] _rejections = new long[Enum.GetValues<PoseRejection>().Length];
    private RobotRegistryOptions _options;
    private long _timeoutTicks;

    /// <summary>Creates an empty registry; throws naming every invalid option.</summary>
    public RobotRegistry(ArenaBox arena, RobotRegistryOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(arena);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var errors = options.ValidationErrors();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors), nameof(options));
        }

        _arena = arena;
        _options = options;
        _time = timeProvider;
        _timeoutTicks = (long)Math.Ceiling(options.PoseTimeoutS * timeProvider.TimestampFrequency);
    }

    /// <summary>The arena poses are checked against.</summary>
    public ArenaBox Arena => _arena;

    /// <summary>The watchdog and plausibility parameters in force.</summary>
    public RobotRegistryOptions Options
    {
        get
        {
            lock (_gate)
            {
                return _options;
            }
        }
    }

    /// <summary>Replaces the watchdog and plausibility parameters (a run-time parameter change); throws naming every invalid one.</summary>
    public void Reconfigure(RobotRegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.ValidationErrors();
        if (errors.Count > 0) throw new ArgumentException(string.Join(Environment.NewLine, errors), nameof(options));
        lock (_gate)
        {
            _options = options;
            _timeoutTicks = (long)Math.Ceiling(options.PoseTimeoutS * _time.TimestampFrequency);
        }
    }

    /// <summary>Every pose rejected so far, whatever the reason.</summary>
    public long RejectedPosesTotal
    {
        get
        {
            lock (_gate)
            {
                long n = 0;
                for (int r = 1; r < _rejections.Length; r++) n += _rejections[r];
                return n;
            }
        }
    }

    /// <summary>Registered robots.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Poses rejected so far for <paramref name="reason"/>.</summary>
    public long RejectedPoses(PoseRejection reason)
    {
        lock (_gate)
        {
            return _rejections[(int)reason];
        }
    }

    /// <summary>
    /// Adds a robot (it starts <see cref="RobotStatus.AwaitingPose"/>, previous command zero). Returns false when a robot of that
    /// name is already registered (nothing changes). Throws when the name is empty or the model invalid or of the wrong dimension.
    /// </summary>
    public bool Join(string name, RobotModel model)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("RobotRegistry.Join: the robot name is empty; allowed: a non-empty name.", nameof(name));
        }

        ArgumentNullException.ThrowIfNull(model);
        model.Validate();
        if (model.Dimension != _arena.Dimension)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"RobotRegistry.Join: robot '{name}' has a {model.Dimension}-D model ({model.Kind}) but the arena is {_arena.Dimension}-D."), nameof(model));
        }

        lock (_gate)
        {
            int at = Find(name);
            if (at >= 0)
            {
                return false;
            }

            _entries.Insert(~at, new Entry(name, model));
            return true;
        }
    }

    /// <summary>Removes a robot; false when it was not registered.</summary>
    public bool Leave(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
        {
            int at = Find(name);
            if (at < 0)
            {
                return false;
            }

            _entries.RemoveAt(at);
            return true;
        }
    }

    /// <summary>
    /// Offers a new pose of <paramref name="name"/>, stamped now. Rejected (and counted) when the robot is unknown, the pose
    /// is not finite, lies outside the arena by more than the tolerance, or jumped implausibly far since the last accepted pose.
    /// </summary>
    public PoseUpdateResult UpdatePose(string name, Pose pose) => UpdatePose(name, pose, _time.GetTimestamp());

    /// <summary>
    /// As <see cref="UpdatePose(string, Pose)"/>, stamped <paramref name="timestamp"/> (of the registry's clock): a control
    /// tick stamps every pose it takes with its own time, so the tick is a function of the poses it took.
    /// </summary>
    public PoseUpdateResult UpdatePose(string name, Pose pose, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(name);
        long now = timestamp;
        lock (_gate)
        {
            var result = Check(name, pose, now, out var entry);
            _rejections[(int)result.Rejection]++;
            if (result.Accepted)
            {
                entry!.Pose = pose;
                entry.PoseTimestamp = now;
                entry.HasPose = true;
            }

            return result;
        }
    }

    /// <summary>The status of one robot now (null when unknown).</summary>
    public RobotStatus? StatusOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        long now = _time.GetTimestamp();
        lock (_gate)
        {
            int at = Find(name);
            return at < 0 ? null : StatusAt(_entries[at], now);
        }
    }

    /// <summary>Fills <paramref name="snapshot"/> with the state of every robot now (reusing its buffers).</summary>
    public void TakeSnapshot(SwarmSnapshot snapshot) => TakeSnapshot(snapshot, _time.GetTimestamp());

    /// <summary>As <see cref="TakeSnapshot(SwarmSnapshot)"/>, at <paramref name="timestamp"/> of the registry's clock.</summary>
    public void TakeSnapshot(SwarmSnapshot snapshot, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Dimension != _arena.Dimension)
        {
            throw new ArgumentException($"RobotRegistry.TakeSnapshot: snapshot is {snapshot.Dimension}-D, the arena {_arena.Dimension}-D.", nameof(snapshot));
        }

        long now = timestamp;
        lock (_gate)
        {
            snapshot.Begin(_entries.Count, now);
            Span<double> point = stackalloc double[3];
            for (int r = 0; r < _entries.Count; r++)
            {
                var e = _entries[r];
                var status = StatusAt(e, now);
                if (status != RobotStatus.AwaitingPose)
                {
                    e.Model.ControlledPoint(e.Pose, point);
                }

                double age = e.HasPose ? _time.GetElapsedTime(e.PoseTimestamp, now).TotalSeconds : double.PositiveInfinity;
                snapshot.Add(e, status, point[.._arena.Dimension], age);
            }
        }
    }

    /// <summary>
    /// Stores the commands sent this tick (one per robot of <paramref name="snapshot"/>, as from
    /// <see cref="SwarmSnapshot.ExpandCommands"/>) as each robot's previous command for the acceleration limits.
    /// Robots that left since the snapshot are ignored.
    /// </summary>
    public void RecordCommands(SwarmSnapshot snapshot, ReadOnlySpan<RobotCommand> commands)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (commands.Length != snapshot.RobotCount)
        {
            throw new ArgumentException($"RobotRegistry.RecordCommands: {commands.Length} commands for {snapshot.RobotCount} robots.", nameof(commands));
        }

        lock (_gate)
        {
            var entries = snapshot.Entries;
            for (int r = 0; r < commands.Length; r++)
            {
                entries[r].PreviousCommand = commands[r].IsFinite ? commands[r] : RobotCommand.Zero;
            }
        }
    }

    private PoseUpdateResult Check(string name, in Pose pose, long now, out Entry? entry)
    {
        int at = Find(name);
        entry = at >= 0 ? _entries[at] : null;
        if (entry is null)
        {
            return new PoseUpdateResult(PoseRejection.UnknownRobot, double.NaN, double.NaN);
        }

        if (!pose.IsFinite)
        {
            return new PoseUpdateResult(PoseRejection.NonFinite, double.NaN, double.NaN);
        }

        Span<double> p = [pose.X, pose.Y, pose.Z];
        int d = _arena.Dimension;
        double outside = _arena.DistanceOutsideM(p[..d]);
        if (outside > _options.ArenaToleranceM)
        {
            return new PoseUpdateResult(PoseRejection.OutsideArena, outside, _options.ArenaToleranceM);
        }

        if (entry.HasPose && double.IsFinite(_options.MaxPlausibleSpeedMps))
        {
            double dx = pose.X - entry.Pose.X, dy = pose.Y - entry.Pose.Y, dz = d == 3 ? pose.Z - entry.Pose.Z : 0;
            double jump = Math.Sqrt(dx * dx + dy * dy + dz * dz);
            double elapsed = _time.GetElapsedTime(entry.PoseTimestamp, now).TotalSeconds;
            double limit = _options.MaxPlausibleSpeedMps * Math.Max(elapsed, 0) + _options.PoseJumpToleranceM;
            if (jump > limit)
            {
                return new PoseUpdateResult(PoseRejection.ImplausibleJump, jump, limit);
            }
        }

        return new PoseUpdateResult(PoseRejection.None, 0, 0);
    }

    private RobotStatus StatusAt(Entry e, long now) =>
        !e.HasPose ? RobotStatus.AwaitingPose : now - e.PoseTimestamp > _timeoutTicks ? RobotStatus.Stale : RobotStatus.Active;

    // Callers hold _gate. Poses arrive robot after robot in the same order every tick, so the entry after the last one
    // found is tried first: one comparison instead of a binary search of string comparisons per pose.
    private int Find(string name)
    {
        int hint = _findHint;
        if ((uint)hint < (uint)_entries.Count && string.Equals(_entries[hint].Name, name, StringComparison.Ordinal))
        {
            _findHint = hint + 1;
            return hint;
        }

        int lo = 0, hi = _entries.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = string.CompareOrdinal(_entries[mid].Name, name);
            if (c == 0)
            {
                _findHint = mid + 1;
                return mid;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }

    private int _findHint;

    internal sealed class Entry(string name, RobotModel model)
    {
        public string Name { get; } = name;

        public RobotModel Model { get; } = model;

        public Pose Pose { get; set; }

        public long PoseTimestamp { get; set; }

        public bool HasPose { get; set; }

        public RobotCommand PreviousCommand { get; set; }
    }
}

/// <summary>
/// A reusable picture of the swarm at one instant, filled by <see cref="RobotRegistry.TakeSnapshot"/>: every robot (ordinal
/// name order) with its status, and the active robots' data laid out as <see cref="ControlStepInput"/> wants it. Buffers grow
/// to the largest swarm seen and are reused.
/// </summary>
public sealed class SwarmSnapshot
{
    private RobotRegistry.Entry[] _entries = [];
    private string[] _names = [];
    private RobotStatus[] _status = [];
    private double[] _ages = [];
    private int[] _active = [];
    private double[] _points = [];
    private double[] _headings = [];
    private RobotModel[] _models = [];
    private RobotCommand[] _previous = [];
    private Pose[] _poses = [];
    private Pose[] _allPoses = [];
    private double[] _obstacles = [];

    /// <summary>Creates an empty snapshot for a 2-D or 3-D arena.</summary>
    public SwarmSnapshot(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimension, 3);
        Dimension = dimension;
    }

    /// <summary>2 or 3.</summary>
    public int Dimension { get; }

    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> at which the snapshot was taken.</summary>
    public long Timestamp { get; private set; }

    /// <summary>All registered robots.</summary>
    public int RobotCount { get; private set; }

    /// <summary>Robots with a fresh pose.</summary>
    public int ActiveCount { get; private set; }

    /// <summary>Stale robots with a known last pose (held as obstacles).</summary>
    public int ObstacleCount { get; private set; }

    /// <summary>Names of all robots, ordinal order.</summary>
    public ReadOnlySpan<string> Names => _names.AsSpan(0, RobotCount);

    /// <summary>Status of each robot (same order as <see cref="Names"/>).</summary>
    public ReadOnlySpan<RobotStatus> Statuses => _status.AsSpan(0, RobotCount);

    /// <summary>Age (s) of each robot's newest accepted pose; +infinity when it has none.</summary>
    public ReadOnlySpan<double> PoseAgesS => _ages.AsSpan(0, RobotCount);

    /// <summary>For each active robot, its index in <see cref="Names"/>.</summary>
    public ReadOnlySpan<int> ActiveIndices => _active.AsSpan(0, ActiveCount);

    /// <summary>Controlled points of the active robots (m), ActiveCount * Dimension values: these go to the blob field.</summary>
    public ReadOnlySpan<double> ControlledPoints => _points.AsSpan(0, ActiveCount * Dimension);

    /// <summary>Headings of the active robots (rad).</summary>
    public ReadOnlySpan<double> HeadingsRad => _headings.AsSpan(0, ActiveCount);

    /// <summary>Models of the active robots.</summary>
    public ReadOnlySpan<RobotModel> Models => _models.AsSpan(0, ActiveCount);

    /// <summary>Previous commands of the active robots.</summary>
    public ReadOnlySpan<RobotCommand> PreviousCommands => _previous.AsSpan(0, ActiveCount);

    /// <summary>Poses of the active robots as measured.</summary>
    public ReadOnlySpan<Pose> Poses => _poses.AsSpan(0, ActiveCount);

    /// <summary>Every robot's newest accepted pose (same order as <see cref="Names"/>; default while it awaits a first one).</summary>
    public ReadOnlySpan<Pose> AllPoses => _allPoses.AsSpan(0, RobotCount);

    /// <summary>Last controlled points of stale robots (m), ObstacleCount * Dimension values.</summary>
    public ReadOnlySpan<double> ObstaclePoints => _obstacles.AsSpan(0, ObstacleCount * Dimension);

    internal RobotRegistry.Entry[] Entries => _entries;

    /// <summary>The pipeline input for this snapshot with the blob field's velocities (ActiveCount * Dimension values).</summary>
    public ControlStepInput ToInput(ReadOnlySpan<double> desiredVelocities, double controlPeriodS) => new()
    {
        ControlledPoints = ControlledPoints,
        HeadingsRad = HeadingsRad,
        Models = Models,
        DesiredVelocities = desiredVelocities,
        PreviousCommands = PreviousCommands,
        ObstaclePoints = ObstaclePoints,
        ControlPeriodS = controlPeriodS,
    };

    /// <summary>Spreads the active robots' commands over all robots: zero for stale robots and those awaiting a pose.</summary>
    public void ExpandCommands(ReadOnlySpan<RobotCommand> activeCommands, Span<RobotCommand> allCommands)
    {
        if (activeCommands.Length != ActiveCount || allCommands.Length != RobotCount)
        {
            throw new ArgumentException($"SwarmSnapshot.ExpandCommands: expected {ActiveCount} active and {RobotCount} output commands, got {activeCommands.Length} and {allCommands.Length}.");
        }

        allCommands.Clear();
        for (int k = 0; k < ActiveCount; k++)
        {
            var c = activeCommands[k];
            allCommands[_active[k]] = c.IsFinite ? c : RobotCommand.Zero;
        }
    }

    internal void Begin(int robots, long timestamp)
    {
        if (_names.Length < robots)
        {
            int cap = Math.Max(robots, 2 * _names.Length);
            _entries = new RobotRegistry.Entry[cap];
            _names = new string[cap];
            _status = new RobotStatus[cap];
            _ages = new double[cap];
            _active = new int[cap];
            _headings = new double[cap];
            _models = new RobotModel[cap];
            _previous = new RobotCommand[cap];
            _poses = new Pose[cap];
            _allPoses = new Pose[cap];
            _points = new double[cap * Dimension];
            _obstacles = new double[cap * Dimension];
        }

        Array.Clear(_entries, robots, _entries.Length - robots);
        Array.Clear(_models, robots, _models.Length - robots);
        Timestamp = timestamp;
        RobotCount = 0;
        ActiveCount = 0;
        ObstacleCount = 0;
    }

    internal void Add(RobotRegistry.Entry entry, RobotStatus status, ReadOnlySpan<double> point, double ageS)
    {
        int r = RobotCount++;
        _entries[r] = entry;
        _names[r] = entry.Name;
        _status[r] = status;
        _ages[r] = ageS;
        _allPoses[r] = status == RobotStatus.AwaitingPose ? default : entry.Pose;
        if (status == RobotStatus.Active)
        {
            int k = ActiveCount++;
            _active[k] = r;
            point.CopyTo(_points.AsSpan(k * Dimension, Dimension));
            _headings[k] = entry.Pose.YawRad;
            _models[k] = entry.Model;
            _previous[k] = entry.PreviousCommand;
            _poses[k] = entry.Pose;
        }
        else if (status == RobotStatus.Stale)
        {
            point.CopyTo(_obstacles.AsSpan(ObstacleCount++ * Dimension, Dimension));
        }
    }
}
