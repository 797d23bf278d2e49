using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using SwarmCoverage.Core;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.Targets;

namespace SwarmCoverage.App.Cli;

internal static class BenchCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var n = new Option<int>("--n") { Description = "Number of particles.", DefaultValueFactory = _ => 100_000 };
        var dim = new Option<int>("--dim") { Description = "Dimension (1, 2 or 3).", DefaultValueFactory = _ => 2 };
        var eps = new Option<double>("--epsilon", "-e") { Description = "Mollifier width eps.", DefaultValueFactory = _ => 0.01 };
        var repeats = new Option<int>("--repeats") { Description = "Timed evaluations.", DefaultValueFactory = _ => 21 };
        var threads = new Option<int?>("--threads") { Description = "Threads (default: all processors)." };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1, Description = "Seed of the random positions." };
        var cmd = new Command("bench", "Time full velocity evaluations of N uniformly random positions on the unit box with a uniform target (after warm-up). The last line is median_ms=<number>.");
        cmd.Options.Add(n);
        cmd.Options.Add(dim);
        cmd.Options.Add(eps);
        cmd.Options.Add(repeats);
        cmd.Options.Add(threads);
        cmd.Options.Add(seed);
        cmd.Subcommands.Add(RosBenchCommand.Create(stdout, stderr));
        cmd.Subcommands.Add(CpuBenchCommand.Create(stdout));
        cmd.SetAction(p =>
        {
            int count = p.GetValue(n), d = p.GetValue(dim), reps = p.GetValue(repeats);
            if (count < 1) throw new InputException($"--n must be >= 1 (got {count})");
            if (d is < 1 or > 3) throw new InputException($"--dim must be 1, 2 or 3 (got {d})");
            if (reps < 1) throw new InputException($"--repeats must be >= 1 (got {reps})");
            var box = Box.Unit(d);
            var options = new BlobOptions { Epsilon = p.GetValue(eps), MaxDegreeOfParallelism = p.GetValue(threads) };
            options.Validate();
            var rng = new Random(p.GetValue(seed));
            var x = new double[count * d];
            for (int i = 0; i < x.Length; i++) x[i] = rng.NextDouble();
            var v = new double[x.Length];
            long before = GC.GetTotalMemory(forceFullCollection: true);
            using var field = new BlobField(new UniformDensity(box), options);
            for (int i = 0; i < 5; i++) field.Evaluate(x, [], v);
            long after = GC.GetTotalMemory(forceFullCollection: true);
            var times = new double[reps];
            long alloc0 = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < reps; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                field.Evaluate(x, [], v);
                times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }
            long allocPerEval = (GC.GetAllocatedBytesForCurrentThread() - alloc0) / reps;
            Array.Sort(times);
            double median = times[reps / 2];
            var inv = CultureInfo.InvariantCulture;
            var grid = field.Grid;
            string cells = string.Join(" x ", Enumerable.Range(0, d).Select(k => grid.CellsAlong(k).ToString(inv)));
            stdout.WriteLine($"bench: N={count} d={d} eps={Format.G(options.Epsilon)} grid {cells} box cells (spacing {Format.G(grid.SpacingAlong(0))}, cut-off {Format.G(options.Cutoff)} eps), path {field.Path}, threads {options.MaxDegreeOfParallelism ?? Environment.ProcessorCount}");
            stdout.WriteLine(string.Create(inv, $"evaluations: {reps}, min {times[0]:F3} ms, median {median:F3} ms, max {times[^1]:F3} ms"));
            stdout.WriteLine(string.Create(inv, $"throughput: {count / (median / 1000) / 1e6:F2} M particles/s"));
            stdout.WriteLine(string.Create(inv, $"memory: field buffers {(after - before) / 1048576.0:F1} MiB ({(double)(after - before) / count:F1} bytes per particle, positions and velocities excluded), allocated per evaluation {allocPerEval} bytes"));
            stdout.WriteLine(string.Create(inv, $"median_ms={median:F3}"));
            return CommandLine.Ok;
        });
        return cmd;
    }
}
