using System.Globalization;
using Microsoft.Extensions.Hosting;
using SwarmCoverage.Control.Configuration;
using SwarmCoverage.Core;
using SwarmCoverage.Sim;
using SwarmCoverage.Sim.Sdf;

namespace SwarmCoverage.Nodes;

/// <summary>Runs the <see cref="SimulatorNode"/> loop on its own thread; stops the host when the requested duration is simulated.</summary>
public sealed class SimulatorService(SimulatorNode node, IHostApplicationLifetime lifetime, NodeRun run) : BackgroundService
{
    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() =>
        {
            try
            {
                node.Run(stoppingToken);
            }
            catch (Exception e)
            {
                run.Fail(e);
                throw;
            }
            finally
            {
                if (!stoppingToken.IsCancellationRequested) lifetime.StopApplication();
            }
        }, stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}

/// <summary>What the <c>sim</c> verb runs: the world and the simulator's options, from an SDF world or a params file.</summary>
public sealed record SimulatorSetup(World World, SimulationOptions Simulation, string Source)
{
    /// <summary>
    /// Reads <paramref name="paramsFile"/> (node section <c>swarm_coverage</c>): <c>sim.*</c> gives the world (<c>sim.world</c>,
    /// or a generated one exactly as <c>simulate</c> builds it over the target's box) and the simulator's options. A file
    /// with <c>robots.*</c> (the controller's) is checked as the controller would check it, so one file drives both nodes.
    /// </summary>
    public static SimulatorSetup FromParams(string paramsFile)
    {
        if (!File.Exists(paramsFile)) throw new InputException($"{paramsFile}: params file not found");
        var p = RosParamsFile.Load(paramsFile, ControllerNodeSettings.NodeName);
        ControllerSettings controller;
        if (p.Names.Any(ControllerNodeSettings.IsNodeParameter))
            controller = ControllerNodeSettings.Read(p, null).Controller;
        else
            controller = ControllerSettings.Read(p);
        var sim = SimulationSettings.Read(p);
        p.ThrowOnUnknown();
        var scenario = new Scenario(p.Source, controller, sim);
        return new SimulatorSetup(ScenarioWorld.BuildWorld(scenario), sim.SimulatorOptions(), paramsFile);
    }

    /// <summary>Reads an SDF world with the simulator's default options.</summary>
    public static SimulatorSetup FromWorld(string sdfFile)
    {
        if (!File.Exists(sdfFile)) throw new InputException($"{sdfFile}: world file not found");
        try
        {
            return new SimulatorSetup(SdfWorldReader.Load(sdfFile), new SimulationOptions(), sdfFile);
        }
        catch (SdfFormatException e)
        {
            throw new InputException(e.Message, e);
        }
    }

    /// <summary>Parses <c>--speed</c>: a real-time factor &gt; 0, or 0 / <c>max</c> for as fast as possible.</summary>
    public static double ParseSpeed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text is "max" or "inf") return 0;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v >= 0) || !double.IsFinite(v))
            throw new InputException($"--speed '{text}': give a real-time factor > 0 (2 = twice real time), or 0 / max for as fast as possible");
        return v;
    }
}
