using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Logging;
using SwarmCoverage.Control.Configuration;
using SwarmCoverage.Core;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.IO;
using SwarmCoverage.Core.Targets;
using SwarmCoverage.Foxglove;
using SwarmCoverage.Mcap;
using SwarmCoverage.Nodes;
using SwarmCoverage.Nodes.Recording;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.RosgraphMsgs;
using SwarmCoverage.Sim.Sdf;
using RosTarget = SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs.Target;

namespace SwarmCoverage.Fuzz;

/// <summary>
/// Every entry point where bytes from outside become a value (docs/fuzzing.md): the decoders of the messages the nodes
/// take and the readers of the files the program reads. Each target feeds its bytes to the real code and returns
/// normally when the input was taken or refused; any other exception is a finding. A refusal is the entry point's own
/// rejection (<see cref="InputException"/>, <see cref="SdfFormatException"/>, a CDR rejection); a value that was taken is
/// also used as the program would use it (a target is prepared and its velocity field evaluated), and a non-finite
/// result is a finding too. The same table serves AFL++ (Program) and the xunit suite (corpus replay, FsCheck).
/// </summary>
public static class FuzzTargets
{
    /// <summary>An input that got past a door and produced something the program must never produce.</summary>
    public sealed class FindingException(string message) : Exception(message);

    /// <summary>Why the last input on this thread was refused (for the harness' one-off runs and the tests' messages).</summary>
    [ThreadStatic]
    private static string? t_lastRefusal;

    public static string? LastRefusal { get => t_lastRefusal; private set => t_lastRefusal = value; }

    /// <summary>The targets by name: the name is the corpus directory (tests/SwarmCoverage.Fuzz/corpus/&lt;name&gt;).</summary>
    public static IReadOnlyDictionary<string, Func<byte[], bool>> All { get; } = new Dictionary<string, Func<byte[], bool>>(StringComparer.Ordinal)
    {
        ["target-message"] = TargetMessage,
        ["grid-message"] = GridMessage,
        ["clock-message"] = ClockMessage,
        ["params-yaml"] = ParamsYaml,
        ["target-file"] = TargetFileText,
        ["raster-pgm"] = RasterPgm,
        ["raster-csv"] = RasterCsv,
        ["positions-csv"] = PositionsCsv,
        ["sdf-world"] = SdfWorld,
        ["mcap"] = McapFile,
        ["foxglove-client"] = FoxgloveClient,
    };

    /// <summary>The arena and limits of the message targets: small, so that a taken target is prepared quickly.</summary>
    /// <remarks>Lazy, as is every static here: instrumented code must not run before SharpFuzz has set up its map.</remarks>
    public static Box Arena => ArenaBox.Value;

    private static readonly Lazy<Box> ArenaBox = new(() => new Box([0.0, 0.0], [4.0, 4.0]));

    private const string ParamsForMessages = """
        swarm_coverage:
          ros__parameters:
            target:
              domain_min: [0.0, 0.0]
              domain_max: [4.0, 4.0]
              type: uniform
            epsilon: 0.4
            grid_spacing: 0.2
            inputs:
              max_grid_cells: 4096
              max_components: 16
        """;

    private static readonly Lazy<ControllerSettings> Settings =
        new(() => ControllerSettings.Read(RosParamsFile.Parse(ParamsForMessages, "fuzz.yaml", "swarm_coverage")));

    /// <summary>
    /// Where the file targets that name other files look: a directory of its own holding the two files the seeds name
    /// (a target file two_blobs.yaml and a raster r.pgm), so that a reference can be followed and mutated.
    /// </summary>
    private static readonly Lazy<string> FilesDirectory = new(() =>
    {
        string dir = Directory.CreateTempSubdirectory("swarm-coverage-fuzz-").FullName;
        File.WriteAllText(Path.Combine(dir, "two_blobs.yaml"), "domain: {min: [0, 0], max: [4, 3]}\ndensity: {type: uniform}\n");
        File.WriteAllBytes(Path.Combine(dir, "r.pgm"), [.. "P5\n2 2\n255\n"u8, 0, 64, 128, 255]);
        return dir;
    });

    private static readonly double[] Probe = [0.3, 0.4, 2.0, 2.0, 3.7, 3.9, 1.0, 3.0, 3.99, 0.01];

    private static bool TargetMessage(byte[] data)
    {
        var msg = default(RosTarget);
        var decoded = RosTarget.MessageType.Decode(data, out msg);
        if (!decoded.IsSuccess)
        {
            LastRefusal = decoded.ToString();
            return false;
        }

        TargetDensity target;
        try
        {
            target = TargetMessages.FromTarget(msg, Arena, "fuzz", Settings.Value.Inputs);
        }
        catch (InputException e)
        {
            LastRefusal = e.Message;
            return false;
        }

        return Use(target);
    }

    private static bool GridMessage(byte[] data)
    {
        var msg = default(OccupancyGrid);
        var decoded = OccupancyGrid.MessageType.Decode(data, out msg);
        if (!decoded.IsSuccess)
        {
            LastRefusal = decoded.ToString();
            return false;
        }

        TargetDensity target;
        try
        {
            target = TargetMessages.FromOccupancyGrid(msg, Arena, TargetDensity.DefaultFloor, "fuzz", Settings.Value.Inputs);
        }
        catch (InputException e)
        {
            LastRefusal = e.Message;
            return false;
        }

        return Use(target);
    }

    private static bool ClockMessage(byte[] data)
    {
        var msg = default(Clock);
        var decoded = Clock.MessageType.Decode(data, out msg);
        if (!decoded.IsSuccess)
        {
            LastRefusal = decoded.ToString();
            return false;
        }

        bool taken = ClockService.ClockStampRejection(msg) is null;
        if (taken && (msg.Time.Sec < 0 || msg.Time.Nanosec >= 1_000_000_000u))
            throw new FindingException($"/clock stamp {msg.Time.Sec}.{msg.Time.Nanosec} was taken");
        return taken;
    }

    /// <summary>
    /// A taken target as the session uses it: prepared (the blob field; the session refuses a target that fails there
    /// with an <see cref="InputException"/>, such as one zero everywhere on the grid) and its velocity field evaluated.
    /// </summary>
    public static bool Use(TargetDensity target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var s = Settings.Value;
        BlobField field;
        try
        {
            field = new BlobField(target, s.FieldOptions(Probe.Length / 2));
        }
        catch (InputException e)
        {
            LastRefusal = e.Message;
            return false;
        }

        using var owned = field;
        var masses = new double[Probe.Length / 2];
        Array.Fill(masses, 1.0 / masses.Length);
        var v = new double[Probe.Length];
        var energy = field.Evaluate(Probe, masses, v);
        foreach (double x in v)
            if (!double.IsFinite(x)) throw new FindingException($"target {target.Kind} taken but its velocity field is {x}");
        if (!double.IsFinite(energy.Energy)) throw new FindingException($"target {target.Kind} taken but its energy is {energy.Energy}");
        return true;
    }

    private static string Text(byte[] data) => Encoding.UTF8.GetString(data);

    private static bool ParamsYaml(byte[] data)
    {
        try
        {
            var p = RosParamsFile.Parse(Text(data), "fuzz.yaml", "swarm_coverage", FilesDirectory.Value);
            _ = ControllerSettings.Read(p);
            return true;
        }
        catch (InputException e)
        {
            LastRefusal = e.Message;
            return false;
        }
    }

    private static bool TargetFileText(byte[] data)
    {
        TargetDensity target;
        try
        {
            target = TargetFile.Parse(Text(data), "fuzz.yaml", FilesDirectory.Value);
        }
        catch (InputException e)
        {
            LastRefusal = e.Message;
            return false;
        }

        for (int i = 0; i + target.Dimension <= Probe.Length; i += target.Dimension)
        {
            double g = target.Evaluate(Probe.AsSpan(i, target.Dimension));
            if (!double.IsFinite(g) || g < 0) throw new FindingException($"target {target.Kind} taken but it evaluates to {g}");
        }

        return true;
    }

    private static bool RasterPgm(byte[] data)
    {
        try
        {
            var (size, values) = RasterFiles.ReadPgm(data, "fuzz.pgm");
            CheckRaster(size, values);
            return true;
        }
        catch (InputException e)
        {
            LastRefusal = e.Message;
            return false;
        }
    }

    private static bool RasterCsv(byte[] data)
    {
        string[] lines = Text(data).Split('\n');
        bool taken = false;
        for (int d = 1; d <= 3; d++)
        {
            try
            {
                var (size, values) = RasterFiles.ReadCsv(lines, "fuzz.csv", d);
                CheckRaster(size, values);
                taken = true;
            }
            catch (InputException e)
            {
                LastRefusal = e.Message;
            }
        }

        return taken;
    }

    private static void CheckRaster(int[] size, double[] values)
    {
        long cells = 1;
        foreach (int n in size) cells *= n > 0 ? n : throw new FindingException($"raster axis of {n} samples taken");
        if (cells != values.Length) throw new FindingException($"raster of {string.Join("x", size)} taken with {values.Length} values");
        foreach (double v in values)
            if (!double.IsFinite(v) || v < 0) throw new FindingException($"raster value {v} taken");
    }

    private static bool PositionsCsv(byte[] data)
    {
        bool taken = false;
        for (int d = 1; d <= 3; d++)
        {
            try
            {
                using var reader = new StringReader(Text(data));
                var set = PositionsFile.Read(reader, "fuzz.csv", Box.Unit(d));
                foreach (double x in set.Positions)
                    if (!double.IsFinite(x)) throw new FindingException($"position {x} taken");
                taken = true;
            }
            catch (InputException e)
            {
                LastRefusal = e.Message;
            }
        }

        return taken;
    }

    private static bool SdfWorld(byte[] data)
    {
        try
        {
            _ = SdfWorldReader.Parse(Text(data), "fuzz.sdf");
            return true;
        }
        catch (SdfFormatException e)
        {
            LastRefusal = e.Message;
            return false;
        }
    }

    /// <summary>A recording (MCAP) as <c>replay</c> reads it; the bytes go through a file, as replay only opens paths.</summary>
    private static bool McapFile(byte[] data)
    {
        string path = Path.Combine(FilesDirectory.Value, $"fuzz-{Environment.CurrentManagedThreadId}.mcap");
        File.WriteAllBytes(path, data);
        try
        {
            _ = Replay.Run(path, new ReplayOptions());
            return true;
        }
        catch (InputException e)
        {
            LastRefusal = e.Message;
            return false;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A logger that turns the Foxglove session's "a handler failed" (an exception it caught) into a finding.</summary>
    private sealed class FindingLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (exception is not null && logLevel >= LogLevel.Error)
                throw new FindingException($"the Foxglove session caught {exception.GetType().Name}: {exception.Message}\n{exception}");
        }
    }

    private static readonly Lazy<FoxgloveServer> Server = new(() => new FoxgloveServer(new FoxgloveServerOptions()));

    /// <summary>
    /// One Foxglove client frame: the first byte says text (even) or binary (odd), the rest is the frame. The session is
    /// new for each input and never connected: what it would answer goes to its send queue.
    /// </summary>
    private static bool FoxgloveClient(byte[] data)
    {
        if (data.Length == 0) return false;
        using var ws = WebSocket.CreateFromStream(Stream.Null, new WebSocketCreationOptions { IsServer = true });
        var session = new ClientSession(Server.Value, ws, 1, "fuzz", "foxglove.sdk.v1", new FindingLogger());
        var type = (data[0] & 1) == 0 ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
        session.Handle(type, data.AsMemory(1));
        return true; // refusals are status messages to the client; only a caught exception is a finding
    }
}
