using SwarmCoverage.Nodes;
using System.CommandLine;
using SwarmCoverage.App.Simulation;
using SwarmCoverage.Control.Session;
using SwarmCoverage.Core;
using SwarmCoverage.Nodes.Live;
using SwarmCoverage.Nodes.Recording;

namespace SwarmCoverage.App.Cli;

internal static class SimulateCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        var paramsFile = new Option<FileInfo?>("--params") { Description = "Scenario in the ROS 2 params format (see launch/). Default: the embedded scenario, 40 TurtleBot3 Burgers from a corner of a 4 x 3 m arena to the two-blob target for 2 minutes." };
        var output = new Option<string?>("--out", "-o") { Description = "Output folder (default: runs/simulate-<UTC time>)." };
        var live = new Option<bool>("--live") { Description = "Run in real time with the Foxglove WebSocket server on (foxglove.* parameters; default ws://127.0.0.1:8765) and the operator console on http://127.0.0.1:8765/: watch, tune and stop the swarm from a browser or Foxglove." };
        var speed = new Option<double>("--speed") { Description = "With --live: times real time (2: twice as fast; 0: as fast as possible).", DefaultValueFactory = _ => 1.0 };
        var cmd = new Command("simulate", "Run the controller against the bundled simulator in-process and write the figures, metrics, trajectories and summary of the run.");
        cmd.Options.Add(paramsFile);
        cmd.Options.Add(output);
        cmd.Options.Add(live);
        cmd.Options.Add(speed);
        cmd.SetAction((p, ct) =>
        {
            // The loop's code compiles on the second core while this one reads the scenario and builds the world.
            _ = Control.JitWarmUp.StartInBackground(typeof(Sim.Simulator).Assembly.GetTypes()
                .Where(t => t == typeof(Sim.Simulator) || t.DeclaringType == typeof(Sim.Simulator) || t.Name is "Kinematics" or "CounterNoise")
                .Append(typeof(SimulatorPorts)).Append(typeof(SimulationRun)));
            var file = p.GetValue(paramsFile);
            if (file is not null && !file.Exists) throw new InputException($"{file}: params file not found");
            var scenario = file is null ? Scenario.Default() : Scenario.LoadFile(file.FullName);
            string folder = p.GetValue(output) ?? Path.Combine("runs", "simulate-" + time.GetUtcNow().ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture));
            stderr.WriteLine($"simulate: {scenario.Source}; {scenario.Controller.Describe(scenario.Simulation.Robots)}");
            RunOutput.CheckFolder(folder);
            LiveOptions? liveOptions = null;
            if (p.GetValue(live))
            {
                double x = p.GetValue(speed);
                if (!(x >= 0) || !double.IsFinite(x)) throw new InputException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"--speed {x}: must be a finite factor >= 0"));
                var fox = scenario.Foxglove;
                if (fox.Port == 0) throw new InputException($"{scenario.Source}: foxglove.port is 0; --live needs the Foxglove server");
                liveOptions = new LiveOptions { Speed = x, Foxglove = fox, OnServing = url => stderr.WriteLine($"simulate --live: operator console on {Nodes.Live.LiveFoxglove.ConsoleUrlOf(url)} (open it in a browser{(fox.Token is null ? "" : "; it asks for the token")}); Foxglove server on {url} (Foxglove: Open connection > Foxglove WebSocket); Ctrl+C stops") };
            }

            // The recording is a lossless observer offline (the run waits for it: the file holds every tick); live it has a queue of its own.
            var recorder = scenario.Simulation.Record ? new RunRecorder(RunOutput.PendingRecording(folder), new RecordingTopics()) : null;
            var observers = recorder is null ? null : new[] { ((IControlObserver)recorder, (ObserverOptions?)new ObserverOptions { Name = "recorder", Lossless = liveOptions is null, Capacity = 1024 }) };
            // Ctrl+C / SIGTERM end a live run cleanly (the recording is finished, the figures written).
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var sigint = liveOptions is null ? null : System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
            using var sigterm = liveOptions is null ? null : System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
            RunRecord run;
            try
            {
                run = Progress.Run(stderr, $"simulating {scenario.Simulation.DurationS:G4} s", prog => SimulationRun.Execute(scenario, prog, ct, observers, liveOptions is null ? null : liveOptions with { Stop = stop.Token }));
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
