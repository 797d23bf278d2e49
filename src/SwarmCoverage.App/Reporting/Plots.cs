using ScottPlot;
using SkiaSharp;
using Box = SwarmCoverage.Core.Box;

namespace SwarmCoverage.App.Reporting;

/// <summary>A time series for the metrics figure.</summary>
public sealed record Series(string Title, string Unit, double[] Values, bool LogScale = false, double? Limit = null);

/// <summary>The figures of a run, as PNG files.</summary>
public static class Plots
{
    public const int RunWidth = 1200;
    public const int RunHeight = 900;
    public const int MetricsWidth = 1400;
    public const int MetricsPanelHeight = 300;

    /// <summary>
    /// The target density as a heat map (box cells, last axis fastest), every robot's trajectory, start positions
    /// (open circles) and final positions (filled), in the arena's coordinates.
    /// </summary>
    public static void Run(string path, Box arena, ReadOnlySpan<double> rhobar, int nx, int ny,
        IReadOnlyList<double[]> trajectoryX, IReadOnlyList<double[]> trajectoryY, string title, double? safetyRadius = null)
    {
        ArgumentNullException.ThrowIfNull(arena);
        ArgumentNullException.ThrowIfNull(trajectoryX);
        ArgumentNullException.ThrowIfNull(trajectoryY);
        using var plot = new Plot();
        var cells = new double[ny, nx];
        for (int i = 0; i < nx; i++)
            for (int j = 0; j < ny; j++)
                cells[ny - 1 - j, i] = rhobar[i * ny + j];
        var heat = plot.Add.Heatmap(cells);
        heat.Colormap = new ScottPlot.Colormaps.Viridis();
        heat.Rectangle = new CoordinateRect(arena.Min[0], arena.Max[0], arena.Min[1], arena.Max[1]);
        var bar = plot.Add.ColorBar(heat);
        bar.Label = "target density rhobar (1/m^2)";
        var trail = Colors.White.WithAlpha(0.55);
        for (int r = 0; r < trajectoryX.Count; r++)
        {
            var line = plot.Add.ScatterLine(trajectoryX[r], trajectoryY[r], trail);
            line.LineWidth = 1.2f;
        }
        var sx = trajectoryX.Select(t => t[0]).ToArray();
        var sy = trajectoryY.Select(t => t[0]).ToArray();
        var fx = trajectoryX.Select(t => t[^1]).ToArray();
        var fy = trajectoryY.Select(t => t[^1]).ToArray();
        var start = plot.Add.Markers(sx, sy, MarkerShape.OpenCircle, 9, Colors.LightGray);
        start.LegendText = "start";
        var end = plot.Add.Markers(fx, fy, MarkerShape.FilledCircle, 9, Colors.OrangeRed);
        end.LegendText = "final";
        if (safetyRadius is { } r0)
            foreach (var (x, y) in fx.Zip(fy))
            {
                var c = plot.Add.Circle(x, y, r0 / 2);
                c.FillColor = Colors.Transparent;
                c.LineColor = Colors.OrangeRed.WithAlpha(0.6);
                c.LineWidth = 1;
            }
        var border = plot.Add.Rectangle(arena.Min[0], arena.Max[0], arena.Min[1], arena.Max[1]);
        border.FillColor = Colors.Transparent;
        border.LineColor = Colors.Black;
        border.LineWidth = 2;
        plot.Axes.SetLimits(arena.Min[0] - 0.05 * arena.Length(0), arena.Max[0] + 0.05 * arena.Length(0),
            arena.Min[1] - 0.05 * arena.Length(1), arena.Max[1] + 0.05 * arena.Length(1));
        plot.Axes.SquareUnits();
        plot.Title(title);
        plot.XLabel("x (m)");
        plot.YLabel("y (m)");
        plot.ShowLegend(Alignment.UpperLeft);
        Save(plot, path, RunWidth, RunHeight);
    }

    /// <summary>One panel per series against time, stacked in two columns.</summary>
    public static void Metrics(string path, double[] time, IReadOnlyList<Series> series, string title)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(series);
        int columns = 2, rows = (series.Count + 1) / 2;
        int width = MetricsWidth, height = rows * MetricsPanelHeight + 50;
        var info = new SKImageInfo(width, height);
        using var surface = SKSurface.Create(info);
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using (var font = new SKFont(SKTypeface.Default, 22))
        using (var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true })
            canvas.DrawText(title, 20, 32, font, paint);
        for (int s = 0; s < series.Count; s++)
        {
            var item = series[s];
            using var plot = new Plot();
            double[] ys = item.LogScale ? item.Values.Select(v => v > 0 ? Math.Log10(v) : double.NaN).ToArray() : item.Values;
            var line = plot.Add.ScatterLine(time, ys, Colors.C0);
            line.LineWidth = 2;
            if (item.Limit is { } limit)
            {
                var h = plot.Add.HorizontalLine(item.LogScale ? Math.Log10(limit) : limit);
                h.LineColor = Colors.Red.WithAlpha(0.7);
                h.LinePattern = LinePattern.Dashed;
            }
            plot.Title(item.Title, size: 16);
            plot.XLabel("time (s)", size: 13);
            plot.YLabel(item.LogScale ? $"log10 {item.Unit}" : item.Unit, size: 13);
            int col = s % columns, row = s / columns;
            int pw = width / columns;
            using var bitmap = SKBitmap.Decode(plot.GetImageBytes(pw, MetricsPanelHeight, ImageFormat.Png));
            canvas.DrawBitmap(bitmap, col * pw, 50 + row * MetricsPanelHeight);
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        WriteAtomically(path, data.ToArray());
    }

    private static void Save(Plot plot, string path, int width, int height) =>
        WriteAtomically(path, plot.GetImageBytes(width, height, ImageFormat.Png));

    private static void WriteAtomically(string path, byte[] bytes)
    {
        string tmp = path + ".tmp";
        File.WriteAllBytes(tmp, bytes);
        File.Move(tmp, path, overwrite: true);
    }
}
