using System.Text.RegularExpressions;

namespace SwarmCoverage.Sim.Sdf;

/// <summary>Which Gazebo naming the SDF writer uses for system plugins.</summary>
public enum GazeboGeneration
{
    /// <summary>Gazebo Fortress (gz-sim 6, Debian's ignition packages): <c>ignition-gazebo-*-system</c>, <c>ignition::gazebo::systems::*</c>.</summary>
    Fortress,

    /// <summary>Gazebo Garden and later (gz-sim 7+): <c>gz-sim-*-system</c>, <c>gz::sim::systems::*</c>.</summary>
    Garden,
}

/// <summary>A gz-sim system plugin under both of its names.</summary>
internal sealed partial record GazeboSystem(string LibraryStem, string ClassName)
{
    public static readonly GazeboSystem DiffDrive = new("diff-drive", "DiffDrive");
    public static readonly GazeboSystem VelocityControl = new("velocity-control", "VelocityControl");
    public static readonly GazeboSystem OdometryPublisher = new("odometry-publisher", "OdometryPublisher");
    public static readonly GazeboSystem Physics = new("physics", "Physics");
    public static readonly GazeboSystem UserCommands = new("user-commands", "UserCommands");
    public static readonly GazeboSystem SceneBroadcaster = new("scene-broadcaster", "SceneBroadcaster");

    public string FileName(GazeboGeneration generation) =>
        generation == GazeboGeneration.Fortress ? $"ignition-gazebo-{LibraryStem}-system" : $"gz-sim-{LibraryStem}-system";

    public string FullClassName(GazeboGeneration generation) =>
        generation == GazeboGeneration.Fortress ? $"ignition::gazebo::systems::{ClassName}" : $"gz::sim::systems::{ClassName}";

    /// <summary>True when the plugin's <c>name</c> attribute names this system in either generation.</summary>
    public bool MatchesClass(string name) =>
        name == FullClassName(GazeboGeneration.Fortress) || name == FullClassName(GazeboGeneration.Garden);

    /// <summary>
    /// True when the <c>filename</c> attribute is this system's library in either generation, with or
    /// without <c>lib</c>, a version number (<c>gz-sim7</c>, <c>ignition-gazebo6</c>) and <c>.so</c>.
    /// </summary>
    public bool MatchesFile(string fileName)
    {
        Match m = LibraryPattern().Match(fileName);
        return m.Success && m.Groups["stem"].Value == LibraryStem;
    }

    [GeneratedRegex(@"^(lib)?(ignition-gazebo|gz-sim)[0-9]*-(?<stem>[a-z0-9-]+)-system(\.so)?$")]
    private static partial Regex LibraryPattern();
}
