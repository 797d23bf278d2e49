using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace SwarmCoverage.Core.IO;

/// <summary>Positions (and optional masses) read from a CSV file.</summary>
public sealed record PositionSet(double[] Positions, double[] Masses, int Dimension)
{
    public int Count => Positions.Length / Dimension;
}

/// <summary>
/// Positions CSV: header <c>x</c> / <c>x,y</c> / <c>x,y,z</c> (the dimension of the target's box), optionally followed
/// by <c>mass</c> (positive; normalized to sum one; equal masses when absent). Values are written so that they
/// round-trip exactly. Files are written to a temporary name and renamed, so a failed run leaves nothing half-written.
/// </summary>
public static class PositionsFile
{
    private static readonly string[][] Headers = [["x"], ["x", "y"], ["x", "y", "z"]];

    public static PositionSet Read(string path, Box box)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(box);
        try
        {
            using var reader = new StreamReader(path);
            return Read(reader, path, box);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot read positions: {e.Message}", e);
        }
    }

    public static PositionSet Read(TextReader reader, string source, Box box)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(box);
        int d = box.Dimension;
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            TrimOptions = TrimOptions.Trim,
            IgnoreBlankLines = true,
            DetectColumnCountChanges = false,
            BadDataFound = null,
        };
        using var parser = new CsvParser(reader, config);
        if (!parser.Read())
            throw new InputException($"{source}: empty file; expected the header {string.Join(",", Headers[d - 1])}[,mass]");
        var header = parser.Record ?? [];
        string expected = string.Join(",", Headers[d - 1]);
        bool hasMass;
        if (header.SequenceEqual(Headers[d - 1], StringComparer.Ordinal)) hasMass = false;
        else if (header.Length == d + 1 && header.Take(d).SequenceEqual(Headers[d - 1], StringComparer.Ordinal) && header[d] == "mass") hasMass = true;
        else
            throw new InputException($"{source}:{parser.RawRow}: header is '{string.Join(",", header)}'; the target's box is {d}-D, so the header must be '{expected}' or '{expected},mass'");
        int columns = hasMass ? d + 1 : d;
        var pos = new List<double>();
        var mass = new List<double>();
        while (parser.Read())
        {
            var rec = parser.Record ?? [];
            long line = parser.RawRow;
            if (rec.Length != columns)
                throw new InputException($"{source}:{line}: {rec.Length} columns, expected {columns} ({(hasMass ? expected + ",mass" : expected)})");
            for (int k = 0; k < d; k++)
            {
                double v = Number(rec[k], source, line, Headers[2][k]);
                if (v < box.Min[k] || v > box.Max[k])
                    throw new InputException($"{source}:{line}: {Headers[2][k]} = {rec[k]} is outside the box [{box.Min[k].ToString("R", CultureInfo.InvariantCulture)}, {box.Max[k].ToString("R", CultureInfo.InvariantCulture)}]");
                pos.Add(v);
            }
            if (hasMass)
            {
                double m = Number(rec[d], source, line, "mass");
                if (!(m > 0)) throw new InputException($"{source}:{line}: mass = {rec[d]} must be > 0");
                mass.Add(m);
            }
        }
        if (pos.Count == 0) throw new InputException($"{source}: no positions after the header");
        double total = 0;
        foreach (var m in mass) total += m;
        var masses = mass.Select(m => m / total).ToArray();
        return new PositionSet(pos.ToArray(), masses, d);
    }

    private static double Number(string s, string source, long line, string column)
    {
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)) return v;
        throw new InputException($"{source}:{line}: {column} = '{s}' is not a finite number");
    }

    /// <summary>Writes a CSV with the given column names and N x columns values, each printed to round-trip exactly.</summary>
    public static void Write(TextWriter writer, IReadOnlyList<string> header, ReadOnlySpan<double> values)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(header);
        int c = header.Count;
        writer.Write(string.Join(",", header));
        writer.Write('\n');
        Span<char> buf = stackalloc char[32];
        for (int i = 0; i < values.Length; i += c)
        {
            for (int k = 0; k < c; k++)
            {
                if (k > 0) writer.Write(',');
                values[i + k].TryFormat(buf, out int len, "R", CultureInfo.InvariantCulture);
                writer.Write(buf[..len]);
            }
            writer.Write('\n');
        }
    }

    public static string[] PositionHeader(int d, bool withMass = false) =>
        withMass ? [.. Headers[d - 1], "mass"] : Headers[d - 1];

    public static string[] VelocityHeader(int d) => Headers[d - 1].Select(h => "v" + h).ToArray();

    /// <summary>Writes a file atomically: to a temporary file beside it, then renamed over the target.</summary>
    public static void WriteAtomically(string path, Action<TextWriter> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new InputException($"{path}: directory {dir} does not exist");
        string tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var w = new StreamWriter(tmp))
                write(w);
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { }
            throw;
        }
    }
}
