using System.Globalization;
using System.Text;

namespace SwarmCoverage.Core.Targets;

/// <summary>
/// Raster readers for <c>grid</c> targets: PGM (P2 text, P5 binary, 8 or 16 bit) and CSV. Both return
/// values in the <see cref="RasterDensity"/> layout (first axis fastest, second axis from min to max),
/// flipping the image convention where the first row is the top (largest y).
/// </summary>
public static class RasterFiles
{
    public static (int[] Size, double[] Values) Read(string path, int dimension, bool invert)
    {
        ArgumentNullException.ThrowIfNull(path);
        string ext = Path.GetExtension(path).ToLowerInvariant();
        var (size, values) = ext switch
        {
            ".pgm" => ReadPgm(path, dimension),
            ".csv" or ".txt" => ReadCsv(path, dimension),
            _ => throw new InputException($"{path}: raster files must be .pgm or .csv"),
        };
        if (invert)
        {
            double max = 0;
            foreach (var v in values) max = Math.Max(max, v);
            for (int i = 0; i < values.Length; i++) values[i] = max - values[i];
        }
        return (size, values);
    }

    /// <summary>The most cells a raster file may hold (BlobGrid's own limit): checked before anything is allocated.</summary>
    public const long MaxCells = Blob.BlobGrid.MaxCells;

    public static (int[] Size, double[] Values) ReadPgm(string path, int dimension)
    {
        if (dimension != 2)
            throw new InputException($"{path}: a PGM image is a 2-D raster but the domain is {dimension}-D; use a CSV raster");
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot read raster: {e.Message}", e);
        }
        return ReadPgm(bytes, path);
    }

    /// <summary>
    /// A PGM image already in memory; <paramref name="path"/> names it in errors. The header's size is checked against
    /// the bytes present (and <see cref="MaxCells"/>) before the pixels are allocated, so a lying header costs nothing.
    /// </summary>
    public static (int[] Size, double[] Values) ReadPgm(ReadOnlySpan<byte> bytes, string path)
    {
        int pos = 0;
        string magic = Token(bytes, ref pos, path, "magic number");
        if (magic is not ("P2" or "P5"))
            throw new InputException($"{path}: not a PGM file (magic '{magic}', expected P2 or P5)");
        int width = PositiveInt(Token(bytes, ref pos, path, "width"), path, "width");
        int height = PositiveInt(Token(bytes, ref pos, path, "height"), path, "height");
        int maxval = PositiveInt(Token(bytes, ref pos, path, "maxval"), path, "maxval");
        if (maxval > 65535) throw new InputException($"{path}: maxval {maxval} exceeds 65535");
        long cells = (long)width * height;
        if (cells > MaxCells)
            throw new InputException($"{path}: {width}x{height} pixels exceed the limit of {MaxCells} cells");
        long left = Math.Max(0, bytes.Length - pos - 1);
        if (magic == "P5")
        {
            pos++; // the single whitespace after maxval
            int bps = maxval < 256 ? 1 : 2;
            long need = cells * bps;
            if (left < need)
                throw new InputException($"{path}: truncated P5 data: {width}x{height} pixels need {need} bytes, {left} present");
            var values = new double[cells];
            for (int row = 0; row < height; row++)
                for (int col = 0; col < width; col++)
                {
                    int i = pos + (row * width + col) * bps;
                    int v = bps == 1 ? bytes[i] : (bytes[i] << 8) | bytes[i + 1];
                    values[(height - 1 - row) * width + col] = (double)Math.Min(v, maxval) / maxval;
                }
            return ([width, height], values);
        }
        else
        {
            // Each pixel is at least one digit and one separator (the last may end the file).
            if (left < 2 * cells - 1)
                throw new InputException($"{path}: truncated P2 data: {width}x{height} pixels need at least {2 * cells - 1} bytes, {left} present");
            var values = new double[cells];
            for (int row = 0; row < height; row++)
                for (int col = 0; col < width; col++)
                {
                    string t = Token(bytes, ref pos, path, $"pixel (row {row}, column {col})");
                    if (!int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v > maxval)
                        throw new InputException($"{path}: pixel (row {row}, column {col}) is '{t}', expected an integer 0..{maxval}");
                    values[(height - 1 - row) * width + col] = (double)v / maxval;
                }
            return ([width, height], values);
        }
    }

    private static string Token(ReadOnlySpan<byte> b, ref int pos, string path, string what)
    {
        while (pos < b.Length)
        {
            if (b[pos] == (byte)'#') { while (pos < b.Length && b[pos] != (byte)'\n') pos++; }
            else if (b[pos] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') pos++;
            else break;
        }
        int start = pos;
        while (pos < b.Length && b[pos] is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'#')) pos++;
        if (start == pos) throw new InputException($"{path}: unexpected end of file while reading the {what}");
        return Encoding.ASCII.GetString(b[start..pos]);
    }

    private static int PositiveInt(string t, string path, string what) =>
        int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0
            ? v
            : throw new InputException($"{path}: PGM {what} '{t}' is not a positive integer");

    /// <summary>
    /// CSV raster: rows of comma-separated non-negative numbers. 1-D: one row (or one column). 2-D: the first
    /// row is the largest y. 3-D: blocks of rows separated by a blank line, the first block the smallest z.
    /// </summary>
    public static (int[] Size, double[] Values) ReadCsv(string path, int dimension)
    {
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot read raster: {e.Message}", e);
        }
        return ReadCsv(lines, path, dimension);
    }

    /// <summary>A CSV raster already read into lines; <paramref name="path"/> names it in errors.</summary>
    public static (int[] Size, double[] Values) ReadCsv(IReadOnlyList<string> lines, string path, int dimension)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var blocks = new List<List<(int Line, double[] Row)>> { new() };
        for (int i = 0; i < lines.Count; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0)
            {
                if (blocks[^1].Count > 0) blocks.Add(new());
                continue;
            }
            if (line.StartsWith('#')) continue;
            var cells = line.Split(',');
            var row = new double[cells.Length];
            for (int j = 0; j < cells.Length; j++)
            {
                string c = cells[j].Trim();
                if (!double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out row[j]) || !double.IsFinite(row[j]) || row[j] < 0)
                    throw new InputException($"{path}:{i + 1}: column {j + 1} is '{c}'; raster values must be finite numbers >= 0");
            }
            blocks[^1].Add((i + 1, row));
        }
        if (blocks[^1].Count == 0) blocks.RemoveAt(blocks.Count - 1);
        if (blocks.Count == 0) throw new InputException($"{path}: the raster is empty");
        int nx = blocks[0][0].Row.Length;
        foreach (var block in blocks)
            foreach (var (line, row) in block)
                if (row.Length != nx)
                    throw new InputException($"{path}:{line}: row has {row.Length} values, the first row has {nx}");
        switch (dimension)
        {
            case 1:
            {
                if (blocks.Count != 1) throw new InputException($"{path}: a 1-D raster is one row or one column, found {blocks.Count} blocks");
                var b = blocks[0];
                if (b.Count == 1) return ([nx], b[0].Row);
                if (nx == 1) return ([b.Count], b.Select(r => r.Row[0]).ToArray());
                throw new InputException($"{path}: a 1-D raster is one row or one column, found {b.Count} rows of {nx}");
            }
            case 2:
            {
                if (blocks.Count != 1) throw new InputException($"{path}: a 2-D raster has no blank lines between rows (found {blocks.Count} blocks)");
                var b = blocks[0];
                int ny = b.Count;
                var v = new double[nx * ny];
                for (int r = 0; r < ny; r++) b[r].Row.CopyTo(v, (ny - 1 - r) * nx);
                return ([nx, ny], v);
            }
            default:
            {
                int ny = blocks[0].Count, nz = blocks.Count;
                for (int z = 0; z < nz; z++)
                    if (blocks[z].Count != ny)
                        throw new InputException($"{path}:{blocks[z][0].Line}: block {z + 1} has {blocks[z].Count} rows, the first block has {ny}");
                var v = new double[nx * ny * nz];
                for (int z = 0; z < nz; z++)
                    for (int r = 0; r < ny; r++) blocks[z][r].Row.CopyTo(v, (z * ny + (ny - 1 - r)) * nx);
                return ([nx, ny, nz], v);
            }
        }
    }
}
