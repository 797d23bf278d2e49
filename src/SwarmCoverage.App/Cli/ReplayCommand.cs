using System.CommandLine;
using System.Globalization;
using System.Text;
using SwarmCoverage.Control.Configuration;
using SwarmCoverage.Control.Parameters;
using SwarmCoverage.Core;
using SwarmCoverage.Nodes;
using SwarmCoverage.Nodes.Recording;

namespace SwarmCoverage.App.Cli;

/// <summary><c>swarm-coverage replay FILE.mcap</c>: a recorded run through the same control session, command by command.</summary>
internal static class ReplayCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A recording (run.mcap of simulate, or controller --record)." };
        var set = new Option<string[]>("--set") { Description = "NAME=VALUE: run with another parameter value (YAML syntax, e.g. velocity_gain=0.3 or target.means=[1.0, 2.0]); repeatable.", AllowMultipleArgumentsPerToken = false };
        var output = new Option<FileInfo?>("--out", "-o") { Description = "Record the replayed run (what the controller commands in the replay) as MCAP." };
        var cmd = new Command("replay", "Replay a recording through the control session and compare every recomputed command with the recorded one, bit for bit. Exit 0: identical; 1: mismatches (the first are listed); 2: not a readable recording.");
        cmd.Arguments.Add(file);
        cmd.Options.Add(set);
        cmd.Options.Add(output);
        cmd.SetAction((p, ct) =>
        {
            var f = p.GetValue(file)!;
            if (!f.Exists) throw new InputException($"{f}: recording not found");
            var overrides = (p.GetValue(set) ?? []).Select(ParseSet).ToList();
            var options = new ReplayOptions { Overrides = overrides, OutPath = p.GetValue(output)?.FullName };
            var result = Progress.Run(stderr, $"replaying {f.Name}", prog => Replay.Run(f.FullName, options, prog, ct));
            var inv = CultureInfo.InvariantCulture;
            stdout.WriteLine(string.Create(inv, $"replay {f.Name}: {result.Ticks} ticks, {result.Compared} commands compared, {result.Mismatches} mismatches"));
            foreach (var note in result.Notes) stdout.WriteLine("note: " + note);
            foreach (var m in result.First)
                stdout.WriteLine(string.Create(inv, $"mismatch: tick {m.Tick}, {m.Robot}: recorded ({m.Recorded.Vx:R}, {m.Recorded.Vy:R}, {m.Recorded.Vz:R}, {m.Recorded.OmegaZ:R}), recomputed ({m.Recomputed.Vx:R}, {m.Recomputed.Vy:R}, {m.Recomputed.Vz:R}, {m.Recomputed.OmegaZ:R})"));
            if (options.OutPath is not null) stdout.WriteLine($"wrote {options.OutPath}");
            return Task.FromResult(result.Mismatches == 0 ? CommandLine.Ok : CommandLine.CheckFailed);
        });
        return cmd;
    }

    /// <summary>NAME=VALUE through the params-file reader, so a value is checked exactly as the file's would be.</summary>
    private static (string Name, ParameterValue Value) ParseSet(string text)
    {
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0) throw new InputException($"--set {text}: expected NAME=VALUE");
        string name = text[..eq].Trim(), value = text[(eq + 1)..].Trim();
        var d = NodeParameters.Table.Find(name) ?? throw new InputException($"--set {name}: unknown parameter");
        var yaml = new StringBuilder("swarm_coverage:\n  ros__parameters:\n");
        var parts = name.Split('.');
        for (int k = 0; k < parts.Length; k++)
            yaml.Append(' ', 4 + 2 * k).Append(parts[k]).Append(':').Append(k == parts.Length - 1 ? " " + value : "").Append('\n');
        var file = RosParamsFile.Parse(yaml.ToString(), $"--set {name}", Scenario.NodeName);
        return (name, file.Value(d) ?? throw new InputException($"--set {name}: no value"));
    }
}
