using SwarmCoverage.Nodes;
using SwarmCoverage.App.Simulation;
using ControlPresets = SwarmCoverage.Control.RobotPresets;

namespace SwarmCoverage.App.Tests;

/// <summary>
/// The robot figures live twice: as the controller's models (SwarmCoverage.Control, no dependency on the simulator) and as
/// the simulator's presets (sim/, no dependency on the controller). The program drives robots from the simulator's
/// presets; a library user of Control gets its presets. Both must be the same robot.
/// </summary>
public sealed class PresetAgreementTests
{
    public static TheoryData<string> Presets() => new() { "turtlebot3_burger", "turtlebot3_waffle", "robotarium_gritsbot" };

    [Theory]
    [MemberData(nameof(Presets))]
    public void The_controller_and_the_simulator_give_a_preset_the_same_limits(string name)
    {
        var control = new[] { ControlPresets.TurtleBot3Burger, ControlPresets.TurtleBot3Waffle, ControlPresets.RobotariumGritsbot }
            .Single(m => m.Name == name);
        var fromSim = RobotModels.FromSpec(RobotSet.SpecFor(name, name), control.ProjectionDistanceM);
        Assert.Equal(control, fromSim);
    }
}
