using System.CommandLine;
using SwarmCoverage.Core;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.IO;
using SwarmCoverage.Core.Sampling;

namespace SwarmCoverage.App.Cli;

internal static class SampleCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var field = new FieldOptions(epsilonRequired: false);
        var count = new Option<int>("-n", "--count") { Description = "Number of samples N.", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed of the start (iid draws of the target) and of the baseline.", DefaultValueFactory = _ => 1 };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write the samples here (default: stdout). Written atomically." };
        var cmd = new Command("sample", "N deterministic samples of the target: the blob flow run to its steady state from a seeded start. Reports the energy distance of the result and the median over iid draws of N samples (the baseline to beat).");
        field.AddTo(cmd);
        cmd.Options.Add(count);
        cmd.Options.Add(seed);
        cmd.Options.Add(output);
        cmd.SetAction((p, ct) =>
        {
            var target = field.LoadTarget(p);
            int n = p.GetValue(count);
            if (n < 1) throw new InputException($"-n must be >= 1 (got {n})");
            double eps = p.GetValue(field.Epsilon) ?? Sampler.AutomaticEpsilon(target.Domain, n);
            var blobOptions = field.Blob(p, eps);
            using (var probe = new BlobField(target, blobOptions)) FieldOptions.WarnIfUnresolved(probe, stderr);
            var settings = new SampleSettings
            {
                Count = n,
                Epsilon = eps,
                Seed = p.GetValue(seed),
                GridSpacing = blobOptions.GridSpacing,
                Cutoff = blobOptions.Cutoff,
                MaxDegreeOfParallelism = blobOptions.MaxDegreeOfParallelism,
            };
            var result = Progress.Run(stderr, $"sampling {n} points", prog =>
                Sampler.Sample(target, settings, prog is null ? null : new StepProgress(prog, settings.MaxSteps), ct));
            stderr.WriteLine($"sample: N={n} eps={Format.G(eps)} steps={result.Steps}{(result.Converged ? "" : " (step limit reached before the steady state)")} chi2_eps={Format.G(result.FinalChi2)}");
            stderr.WriteLine($"energy distance: blob samples {Format.G(result.EnergyDistance)}, iid samples (median of {settings.BaselineDraws}) {Format.G(result.IidMedianEnergyDistance)}, ratio {Format.G(result.EnergyDistance / result.IidMedianEnergyDistance, 3)}");
            FlowCommand.WriteResult(stdout, p.GetValue(output), PositionsFile.PositionHeader(target.Dimension), result.Positions);
            return Task.FromResult(CommandLine.Ok);
        });
        return cmd;
    }

    private sealed class StepProgress(IProgress<double> inner, int maxSteps) : IProgress<(int Step, double Energy)>
    {
        public void Report((int Step, double Energy) value) => inner.Report((double)value.Step / maxSteps);
    }
}
