using System.Globalization;

namespace SwarmCoverage.Sim;

/// <summary>
/// The rectangle robots must stay in: the inner faces of the arena's walls. <see cref="HeightM"/> is
/// the wall height, which bounds aerial robots from above (they are bounded below by the ground, z = 0).
/// </summary>
/// <param name="MinXM">Smallest x in metres.</param>
/// <param name="MinYM">Smallest y in metres.</param>
/// <param name="MaxXM">Largest x in metres.</param>
/// <param name="MaxYM">Largest y in metres.</param>
/// <param name="HeightM">Wall height in metres.</param>
public sealed record Arena(double MinXM, double MinYM, double MaxXM, double MaxYM, double HeightM = 0.3)
{
    /// <summary>Width along x in metres.</summary>
    public double WidthM => MaxXM - MinXM;

    /// <summary>Depth along y in metres.</summary>
    public double DepthM => MaxYM - MinYM;

    /// <summary>True when (x, y) is inside or on the boundary.</summary>
    public bool Contains(double xM, double yM) => xM >= MinXM && xM <= MaxXM && yM >= MinYM && yM <= MaxYM;

    /// <summary>Checks the bounds.</summary>
    /// <exception cref="ArgumentException">When a bound is not finite or the rectangle is empty.</exception>
    public void Validate()
    {
        if (!double.IsFinite(MinXM) || !double.IsFinite(MinYM) || !double.IsFinite(MaxXM) || !double.IsFinite(MaxYM) || !(MaxXM > MinXM) || !(MaxYM > MinYM))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"arena [{MinXM}, {MaxXM}] x [{MinYM}, {MaxYM}] m must have finite bounds with min < max."));
        }

        if (!(HeightM > 0) || !double.IsFinite(HeightM))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"arena wall height {HeightM} m must be a finite number > 0."));
        }
    }
}

/// <summary>A world: robots in an arena, as read from or written to an SDF file.</summary>
public sealed record World
{
    /// <summary>The SDF <c>&lt;world name&gt;</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The arena, or null when the world has none.</summary>
    public Arena? Arena { get; init; }

    /// <summary>The robots, in file order (this order is the robot index in <see cref="Simulator"/>).</summary>
    public required IReadOnlyList<RobotSpec> Robots { get; init; }

    /// <summary>What the reader met and ignored (for example passive models); empty for a world built in code.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Checks every robot, unique names and the arena.</summary>
    /// <exception cref="ArgumentException">When anything is invalid.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new ArgumentException("world name must not be empty.");
        }

        Arena?.Validate();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (RobotSpec robot in Robots)
        {
            robot.Validate();
            if (!names.Add(robot.Name))
            {
                throw new ArgumentException($"robot name '{robot.Name}' appears more than once in world '{Name}'.");
            }
        }
    }
}
