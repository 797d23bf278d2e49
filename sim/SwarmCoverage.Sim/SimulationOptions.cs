using System.Globalization;

namespace SwarmCoverage.Sim;

/// <summary>
/// What makes the simulated robots differ from ideal ones, and the simulator's internal step.
/// One instance per simulation; <see cref="Validate"/> names any bad value.
/// </summary>
public sealed record SimulationOptions
{
    /// <summary>
    /// Internal step in seconds over which the speed limiter (acceleration and jerk limits) acts,
    /// the role of gz-sim's physics step (<c>max_step_size</c>, 1 ms by default) for DiffDrive.
    /// Only robots whose limiter is active (ramping towards a new command) are sub-stepped; a robot
    /// moving at its commanded velocity advances in one exact arc however long the step.
    /// </summary>
    public double LimiterStepSeconds { get; init; } = 0.001;

    /// <summary>Delay in seconds between a command's arrival and its effect on the wheels.</summary>
    public double CommandLatencySeconds { get; init; }

    /// <summary>
    /// A robot that has received no command for this long (counted from when its last command took
    /// effect) is commanded zero, like ros2_control's diff_drive_controller <c>cmd_vel_timeout</c>
    /// (0.5 s). Positive infinity disables the timeout.
    /// </summary>
    public double CommandTimeoutSeconds { get; init; } = 0.5;

    /// <summary>Standard deviation in metres of the Gaussian noise on each published position coordinate (x, y, and z for aerial robots).</summary>
    public double PositionNoiseStdM { get; init; }

    /// <summary>Standard deviation in radians of the Gaussian noise on the published heading.</summary>
    public double YawNoiseStdRad { get; init; }

    /// <summary>Seed of the noise; the same seed and the same calls give the same bits.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// When true, a robot that leaves the arena is put back on its boundary (a wall contact, counted
    /// in <see cref="SimulatorCounters.ArenaContacts"/>). When false the walls are not simulated.
    /// </summary>
    public bool EnforceArena { get; init; }

    /// <summary>Checks every option; the message names the option, its value and the allowed range.</summary>
    /// <exception cref="ArgumentException">When an option is out of range.</exception>
    public void Validate()
    {
        if (!(LimiterStepSeconds >= 1e-6 && LimiterStepSeconds <= 1.0))
        {
            throw new ArgumentException($"LimiterStepSeconds is {F(LimiterStepSeconds)}; it must be in [1e-6, 1] s.");
        }

        if (!(CommandLatencySeconds >= 0 && CommandLatencySeconds <= 60))
        {
            throw new ArgumentException($"CommandLatencySeconds is {F(CommandLatencySeconds)}; it must be in [0, 60] s.");
        }

        if (!(CommandTimeoutSeconds > 0))
        {
            throw new ArgumentException($"CommandTimeoutSeconds is {F(CommandTimeoutSeconds)}; it must be > 0 (infinity disables it).");
        }

        if (!(PositionNoiseStdM >= 0) || !double.IsFinite(PositionNoiseStdM))
        {
            throw new ArgumentException($"PositionNoiseStdM is {F(PositionNoiseStdM)}; it must be a finite number >= 0.");
        }

        if (!(YawNoiseStdRad >= 0) || !double.IsFinite(YawNoiseStdRad))
        {
            throw new ArgumentException($"YawNoiseStdRad is {F(YawNoiseStdRad)}; it must be a finite number >= 0.");
        }
    }

    private static string F(double value) => value.ToString(CultureInfo.InvariantCulture);
}
