using SwarmCoverage.Nodes;
using System.CommandLine;
using SwarmCoverage.App.Simulation;
using SwarmCoverage.Control.Session;
using SwarmCoverage.Core;
using SwarmCoverage.Nodes.Recording;

namespace SwarmCoverage.App.Cli;

internal static class SimulateCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        var paramsFile = new Option<FileInfo?>("--params") { Description = "Scenario in the ROS 2 params format (see launch/). Default: the embedded scenario, 40 TurtleBot3 Burgers from a corner of a 4 x 3 m arena to the two-blob target for 2 minutes." };
        var output = new Option<string?>("--out", "-o") { Description = "Output folder (default: runs/simulate-<UTC time>)." };
        var cmd = new Command("simulate", "Run the controller against the bundled simulator in-process and write the figures, metrics, trajectories and summary of the run.");
        cmd.Options.Add(paramsFile);
        cmd.Options.Add(output);
        cmd.SetAction((p, ct) =>
        {
            var file = p.GetValue(paramsFile);
            if (file is not null && !file.Exists) throw new InputException($"{file}: params file not found");
            var scenario = file is null ? Scenario.Default() : Scenario.LoadFile(file.FullName);
            string folder = p.GetValue(output) ?? Path.Combine("runs", "simulate-" + time.GetUtcNow().ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture));
            stderr.WriteLine($"simulate: {scenario.Source}; {scenario.Controller.Describe(scenario.Simulation.Robots)}");
            RunOutput.CheckFolder(folder);
            // The recording is a lossless observer: the run waits for it, so the file holds every tick.
            var recorder = scenario.Simulation.Record ? new RunRecorder(RunOutput.PendingRecording(folder), new RecordingTopics()) : null;
            var observers = recorder is null ? null : new[] { ((IControlObserver)recorder, (ObserverOptions?)new ObserverOptions { Name = "recorder", Lossless = true, Capacity = 256 }) };
            RunRecord run;
            try
            {
                run = Progress.Run(stderr, $"simulating {scenario.Simulation.DurationS:G4} s", prog => SimulationRun.Execute(scenario, prog, ct, observers));
                RunOutput.Write(run, folder, recorder?.Path);
            }
            finally
            {
                if (recorder is not null && File.Exists(recorder.Path)) File.Delete(recorder.Path); // a failed run leaves no half recording behind
            }

            RunOutput.Table(run, stdout);
            stdout.WriteLine($"wrote {Path.GetFullPath(folder)}/ ({RunOutput.Figure}, {RunOutput.MetricsFigure}, {RunOutput.MetricsCsv}, {(run.Theta.Length > 0 ? RunOutput.Trajectories + ", " : "")}{(recorder is null ? "" : RunOutput.Recording + ", ")}{RunOutput.Summary}, {RunOutput.WorldFile})");
            return Task.FromResult(CommandLine.Ok);
        });
        return cmd;
    }
}
