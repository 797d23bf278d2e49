using SharpFuzz;
using SwarmCoverage.Fuzz;

// The AFL++ harness (docs/fuzzing.md): `SwarmCoverage.Fuzz <target>` under afl-fuzz, the input on stdin, run by
// tests/SwarmCoverage.Fuzz/run.sh. `SwarmCoverage.Fuzz <target> <file>...` runs files once, outside AFL++.
if (args is ["--write-seeds", var corpus])
{
    foreach (var (name, file, bytes) in Seeds.Messages())
    {
        Directory.CreateDirectory(Path.Combine(corpus, name));
        File.WriteAllBytes(Path.Combine(corpus, name, file), bytes);
    }

    return 0;
}

if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: SwarmCoverage.Fuzz <target> [file...]; targets: {string.Join(", ", FuzzTargets.All.Keys)}");
    return 2;
}

if (args.Length > 1)
{
    foreach (string file in args.Skip(1))
    {
        Console.WriteLine($"{file}: {(target(File.ReadAllBytes(file)) ? "taken" : "refused: " + FuzzTargets.LastRefusal)}");
    }

    return 0;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    _ = target(buffer.ToArray());
});
return 0;
