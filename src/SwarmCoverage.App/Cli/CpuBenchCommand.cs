using SwarmCoverage.Control;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SwarmCoverage.Nodes;
using SwarmCoverage.Core;

namespace SwarmCoverage.App.Cli;

/// <summary>
/// <c>bench cpu</c>: how steady this machine's processors are, the floor under any control-loop latency figure. One
/// thread per processor (pinned to it on Linux) repeats an identical chunk of arithmetic, calibrated to
/// <c>--chunk-ms</c>, for <c>--duration</c> seconds, all the processors this process may use at once; it prints the wall time of the chunks.
/// The work is the same every time, so any spread is the machine's: on a virtual machine whose host takes its processors
/// away now and then, some chunks take far longer, and a control tick of that length will too.
/// </summary>
internal static partial class CpuBenchCommand
{
    public static Command Create(TextWriter stdout)
    {
        var chunk = new Option<double>("--chunk-ms") { Description = "Length of one chunk of arithmetic (calibrated on this machine), e.g. a control tick's compute time.", DefaultValueFactory = _ => 6.5 };
        var duration = new Option<double>("--duration") { Description = "Seconds to run.", DefaultValueFactory = _ => 30.0 };
        var threads = new Option<int>("--threads") { Description = "Threads, one per processor this process may use, in order (0: all of them)." };
        var cmd = new Command("cpu",
            "Steadiness of this machine's processors: identical chunks of arithmetic on every processor it may use at once, their wall times " +
            "(normal scheduling: SCHED_FIFO would meet the kernel's real-time throttling). The last line is p99_over_p50=<ratio>.");
        foreach (var o in new Option[] { chunk, duration, threads }) cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            double chunkMs = p.GetValue(chunk), seconds = p.GetValue(duration);
            int n = p.GetValue(threads);
            if (!(chunkMs >= 0.01) || chunkMs > 1000) throw new InputException(string.Create(CultureInfo.InvariantCulture, $"--chunk-ms {chunkMs}: allowed 0.01..1000"));
            if (!(seconds > 0) || seconds > 86_400) throw new InputException(string.Create(CultureInfo.InvariantCulture, $"--duration {seconds}: allowed (0, 86400] seconds"));
            int[] cpus = AllowedProcessors();
            if (n < 0 || n > cpus.Length) throw new InputException($"--threads {n}: allowed 0..{cpus.Length} (the processors this process may use)");
            return Run(chunkMs, seconds, cpus[..(n == 0 ? cpus.Length : n)], stdout);
        });
        return cmd;
    }

    private static int Run(double chunkMs, double seconds, int[] cpus, TextWriter stdout)
    {
        int threads = cpus.Length;
        long iterations = Calibrate(chunkMs);
        var inv = CultureInfo.InvariantCulture;
        stdout.WriteLine(string.Create(inv,
            $"bench cpu: {threads} thread(s), chunks of {iterations} iterations (~{chunkMs:G4} ms each), {seconds:G4} s"));
        var results = new double[threads][];
        var pinned = new bool[threads];
        var ready = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            pinned[t] = Pin(cpus[t]);
            ready.SignalAndWait();
            results[t] = Chunks(iterations, seconds);
        })
        { IsBackground = true, Name = $"cpu-{t}" }).ToList();
        workers.ForEach(w => w.Start());
        double nextProgress = 10;
        var clock = Stopwatch.StartNew();
        foreach (var w in workers)
        {
            while (!w.Join(TimeSpan.FromSeconds(1)))
            {
                if (clock.Elapsed.TotalSeconds >= nextProgress && seconds > 20)
                {
                    stdout.WriteLine(string.Create(inv, $"  {nextProgress:F0} of {seconds:G4} s"));
                    nextProgress += 10;
                }
            }
        }

        double worst = 0;
        for (int t = 0; t < threads; t++)
        {
            double[] ms = results[t];
            Array.Sort(ms);
            double p50 = LatencyRecorder.NearestRank(ms, 0.5), p99 = LatencyRecorder.NearestRank(ms, 0.99);
            worst = Math.Max(worst, p99 / p50);
            string where = pinned[t] ? $"processor {cpus[t]}" : $"thread {t} (not pinned)";
            stdout.WriteLine(string.Create(inv,
                $"  {where}: {ms.Length} chunks, min {ms[0]:F3} ms, p50 {p50:F3} ms, p90 {LatencyRecorder.NearestRank(ms, 0.9):F3} ms, p99 {p99:F3} ms, p99.9 {LatencyRecorder.NearestRank(ms, 0.999):F3} ms, max {ms[^1]:F3} ms; {Share(ms, 1.5 * ms[0]):P2} took over 1.5x the fastest"));
        }

        stdout.WriteLine(string.Create(inv, $"p99_over_p50={worst:F3}"));
        return CommandLine.Ok;
    }

    private static double Share(double[] values, double above) => values.Count(v => v > above) / (double)values.Length;

    /// <summary>Iterations that take about <paramref name="chunkMs"/>: the fastest of a few trial chunks, scaled.</summary>
    private static long Calibrate(double chunkMs)
    {
        const long trial = 200_000;
        double fastest = double.PositiveInfinity;
        for (int i = 0; i < 20; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            Work(trial);
            fastest = Math.Min(fastest, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }

        return Math.Max(1, (long)(trial * chunkMs / fastest));
    }

    private static double[] Chunks(long iterations, double seconds)
    {
        var ms = new List<double>(capacity: 1 << 16);
        long end = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        long now;
        do
        {
            long t0 = Stopwatch.GetTimestamp();
            Work(iterations);
            now = Stopwatch.GetTimestamp();
            ms.Add((now - t0) * 1000.0 / Stopwatch.Frequency);
        }
        while (now < end);
        return [.. ms];
    }

    /// <summary>A dependent chain of multiply-adds: the same instructions every time, no memory traffic.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double Work(long iterations)
    {
        double x = 1;
        for (long i = 0; i < iterations; i++) x = (x * 1.0000001) + 1e-9;
        return x;
    }

    // Affinity masks of up to 4,096 processors (the kernel takes any multiple of the word size at least its nr_cpus).
    private const int MaskWords = 64;

    /// <summary>The processors this process may run on (its affinity, as taskset or a container's cpuset leave it); elsewhere 0..n-1.</summary>
    private static int[] AllowedProcessors()
    {
        if (OperatingSystem.IsLinux())
        {
            var mask = new ulong[MaskWords];
            if (sched_getaffinity(0, MaskWords * sizeof(ulong), mask) == 0)
            {
                var cpus = new List<int>();
                for (int cpu = 0; cpu < MaskWords * 64; cpu++)
                {
                    if ((mask[cpu / 64] & (1UL << (cpu % 64))) != 0) cpus.Add(cpu);
                }

                if (cpus.Count > 0) return [.. cpus];
            }
        }

        return [.. Enumerable.Range(0, Environment.ProcessorCount)];
    }

    /// <summary>Pins the calling thread to <paramref name="cpu"/>; false where that is not possible (it then measures unpinned).</summary>
    private static bool Pin(int cpu)
    {
        if (!OperatingSystem.IsLinux() || cpu >= MaskWords * 64) return false;
        var mask = new ulong[MaskWords];
        mask[cpu / 64] = 1UL << (cpu % 64);
        return sched_setaffinity(0, MaskWords * sizeof(ulong), mask) == 0; // pid 0: the calling thread
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sched_setaffinity(int pid, nuint size, [In] ulong[] mask);

    // glibc's wrapper returns 0 on success and clears the mask beyond the kernel's size.
    [LibraryImport("libc", SetLastError = true)]
    private static partial int sched_getaffinity(int pid, nuint size, [Out] ulong[] mask);
}
