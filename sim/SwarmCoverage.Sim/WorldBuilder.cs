using System.Globalization;

namespace SwarmCoverage.Sim;

/// <summary>Where <see cref="WorldBuilder.Cluster"/> puts the block of robots.</summary>
public enum ClusterAnchor
{
    /// <summary>In the corner at (MinX, MinY).</summary>
    MinCorner,

    /// <summary>In the middle of the arena.</summary>
    Center,
}

/// <summary>Builds worlds of N robots in an arena, deterministically.</summary>
public static class WorldBuilder
{
    /// <summary>The golden angle in radians, used to give robots distinct, reproducible headings.</summary>
    public const double GoldenAngleRad = 2.399963229728653;

    /// <summary>
    /// Places <paramref name="count"/> robots of <paramref name="preset"/> on a square lattice with
    /// <paramref name="spacingM"/> between neighbours, in a block of ceil(sqrt(count)) columns
    /// anchored at <paramref name="anchor"/>, at least spacing/2 from every wall. Robot k is called
    /// <paramref name="namePrefix"/> followed by k with two or more digits (tb3_00, tb3_01, ...), and
    /// heads at <paramref name="headingRad"/>, or when that is null at k times the golden angle, wrapped to
    /// [-pi, pi). Aerial robots start at <paramref name="altitudeM"/>; ground robots at z = 0.
    /// </summary>
    /// <exception cref="ArgumentException">When the block does not fit or an argument is out of range.</exception>
    public static World Cluster(
        string worldName,
        Arena arena,
        RobotPreset preset,
        int count,
        double spacingM,
        ClusterAnchor anchor,
        string namePrefix,
        double altitudeM = 0,
        double? headingRad = null)
    {
        ArgumentNullException.ThrowIfNull(arena);
        ArgumentNullException.ThrowIfNull(preset);
        arena.Validate();
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "count must be at least 1.");
        }

        if (!(spacingM > 0) || !double.IsFinite(spacingM))
        {
            throw new ArgumentOutOfRangeException(nameof(spacingM), spacingM, "spacingM must be a finite number > 0.");
        }

        int columns = (int)Math.Ceiling(Math.Sqrt(count));
        int rows = (count + columns - 1) / columns;
        double blockWidth = (columns - 1) * spacingM;
        double blockDepth = (rows - 1) * spacingM;
        double margin = 0.5 * spacingM;
        if (blockWidth + (2 * margin) > arena.WidthM || blockDepth + (2 * margin) > arena.DepthM)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{count} robots at spacing {spacingM} m need a {columns} x {rows} block of {blockWidth + (2 * margin)} x {blockDepth + (2 * margin)} m; the arena is {arena.WidthM} x {arena.DepthM} m."));
        }

        double x0 = anchor == ClusterAnchor.MinCorner ? arena.MinXM + margin : 0.5 * (arena.MinXM + arena.MaxXM - blockWidth);
        double y0 = anchor == ClusterAnchor.MinCorner ? arena.MinYM + margin : 0.5 * (arena.MinYM + arena.MaxYM - blockDepth);
        double z = preset.Kind == DriveKind.Holonomic3D ? altitudeM : 0;
        int digits = Math.Max(2, (count - 1).ToString(CultureInfo.InvariantCulture).Length);
        var robots = new RobotSpec[count];
        for (int k = 0; k < count; k++)
        {
            int row = k / columns;
            int column = k % columns;
            double yaw = headingRad ?? Kinematics.WrapAngle(k * GoldenAngleRad);
            string name = namePrefix + k.ToString("D" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            robots[k] = preset.CreateRobot(name, new RobotPose(x0 + (column * spacingM), y0 + (row * spacingM), z, yaw));
        }

        var world = new World { Name = worldName, Arena = arena, Robots = robots };
        world.Validate();
        return world;
    }
}
