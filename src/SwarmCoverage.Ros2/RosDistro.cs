namespace SwarmCoverage.Ros2;

/// <summary>
/// The ROS 2 distribution whose graph layout a node announces itself in (docs/ros2-wire.md, "The graph"): Humble's
/// <c>rmw_dds_common/msg/Gid</c> is <c>char[24]</c>, Iron's and later ones' <c>char[16]</c>.
/// </summary>
public enum RosDistro
{
    /// <summary>Humble Hawksbill (2022): 24-byte gids.</summary>
    Humble,

    /// <summary>Jazzy Jalisco (2024), the default: 16-byte gids.</summary>
    Jazzy,

    /// <summary>Kilted Kaiju (2025): 16-byte gids.</summary>
    Kilted,
}

/// <summary>What differs on the wire between <see cref="RosDistro"/>s.</summary>
public static class RosDistros
{
    /// <summary>The names <see cref="Parse"/> takes, lower case as ROS_DISTRO spells them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["humble", "jazzy", "kilted"];

    /// <summary>Bytes of an <c>rmw_dds_common/msg/Gid</c> in this distribution.</summary>
    public static int GidSize(this RosDistro distro) => distro == RosDistro.Humble ? 24 : 16;

    /// <summary>The lower-case name, as ROS_DISTRO spells it.</summary>
    public static string Name(this RosDistro distro) => Names[(int)distro];

    /// <summary>The distribution named <paramref name="name"/> (<c>humble</c>, <c>jazzy</c>, <c>kilted</c>); false for any other.</summary>
    public static bool TryParse(string? name, out RosDistro distro)
    {
        for (int i = 0; i < Names.Count; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.Ordinal))
            {
                distro = (RosDistro)i;
                return true;
            }
        }

        distro = RosDistro.Jazzy;
        return false;
    }
}
