using System.CommandLine;
using SwarmCoverage.Core;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.Integration;
using SwarmCoverage.Core.IO;

namespace SwarmCoverage.App.Cli;

internal static class FlowCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var field = new FieldOptions(epsilonRequired: true);
        var positions = new Option<FileInfo>("--positions", "-p") { Description = "Start positions CSV (x / x,y / x,y,z, optional mass).", Required = true };
        var duration = new Option<double>("--duration", "-t") { Description = "Flow time T.", Required = true };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write the final positions here (default: stdout). Written atomically." };
        var tolerance = new Option<double>("--tolerance") { Description = "Dormand-Prince local error per step in units of eps (time error negligible against the spatial error).", DefaultValueFactory = _ => 1e-6 };
        var scheme = new Option<FlowScheme>("--scheme") { Description = "DormandPrince (adaptive, default) or Euler (stability-bounded steps).", DefaultValueFactory = _ => FlowScheme.DormandPrince };
        var cmd = new Command("flow", "Evolve the particles by the blob flow for time T and write the final positions as CSV.");
        field.AddTo(cmd);
        cmd.Options.Add(positions);
        cmd.Options.Add(duration);
        cmd.Options.Add(output);
        cmd.Options.Add(tolerance);
        cmd.Options.Add(scheme);
        cmd.SetAction((p, ct) =>
        {
            var target = field.LoadTarget(p);
            var set = VelocitiesCommand.ReadPositions(p.GetValue(positions)!, target.Domain);
            double t = p.GetValue(duration);
            if (!(t >= 0) || !double.IsFinite(t)) throw new InputException($"--duration must be a finite number >= 0 (got {Format.F(t)})");
            var outFile = p.GetValue(output);
            using var blob = new BlobField(target, field.Blob(p, p.GetValue(field.Epsilon)!.Value));
            FieldOptions.WarnIfUnresolved(blob, stderr);
            var settings = new FlowSettings { Scheme = p.GetValue(scheme), Tolerance = p.GetValue(tolerance) };
            settings.Validate();
            var integrator = new FlowIntegrator(blob, set.Count, set.Masses, settings);
            var x = (double[])set.Positions.Clone();
            var stats = Progress.Run(stderr, "flow", prog => integrator.Integrate(x, t, prog, ct));
            stderr.WriteLine($"flow: {stats.Steps} steps ({stats.Rejected} rejected), {stats.Evaluations} evaluations, E_eps {Format.G(stats.FinalEnergy, 6)}, chi2_eps {Format.G(stats.FinalChi2, 6)}");
            var header = PositionsFile.PositionHeader(set.Dimension, withMass: false);
            WriteResult(stdout, outFile, header, x);
            return Task.FromResult(CommandLine.Ok);
        });
        return cmd;
    }

    public static void WriteResult(TextWriter stdout, FileInfo? outFile, string[] header, double[] values)
    {
        if (outFile is null)
        {
            var text = new StringWriter();
            PositionsFile.Write(text, header, values);
            stdout.Write(text.ToString());
        }
        else
        {
            PositionsFile.WriteAtomically(outFile.FullName, w => PositionsFile.Write(w, header, values));
        }
    }
}
