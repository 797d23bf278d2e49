using SwarmCoverage.Control.Configuration;
using SwarmCoverage.Control.Session;
using System.Globalization;
using SwarmCoverage.Core;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.Targets;
using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using GaussianComponent = SwarmCoverage.Core.Targets.GaussianComponent;
using RosTarget = SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs.Target;

namespace SwarmCoverage.Nodes;

/// <summary>
/// Targets on the wire: a <c>swarm_coverage_msgs/Target</c> or an operator's <c>nav_msgs/OccupancyGrid</c> in,
/// the discretized target (rhobar) out as an OccupancyGrid for RViz. A target taken live must cover the arena the
/// controller was started with (the robots' registry, safety filter and walls depend on it): its box must equal the
/// arena (to 1e-6 m for a Target, to one cell for a grid). Every refusal is an <see cref="InputException"/> that names
/// the field, its value and what was expected.
/// </summary>
public static class TargetMessages
{
    /// <summary>The default of <c>inputs.max_grid_cells</c>: a 4,096 x 4,096 map.</summary>
    public const int MaxRasterCells = InputLimits.DefaultMaxGridCells;

    /// <summary>Tolerance (m) on the box of a Target message.</summary>
    public const double BoxToleranceM = 1e-6;

    /// <summary>A target density from a Target message, over exactly <paramref name="arena"/>.</summary>
    /// <param name="msg">The message.</param>
    /// <param name="arena">The arena the target must cover exactly.</param>
    /// <param name="source">Where it came from, first in every refusal.</param>
    /// <param name="limits">The largest raster and mixture accepted (default: <see cref="InputLimits"/>'s defaults).</param>
    /// <exception cref="InputException">Refused; the message names the field, its value and what was expected.</exception>
    public static TargetDensity FromTarget(in RosTarget msg, Box arena, string source, InputLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(arena);
        limits ??= InputLimits.Default;
        int maxCells = limits.MaxGridCells;
        int d = arena.Dimension;
        if (msg.Dimension != d)
            throw new InputException($"{source}: dimension is {msg.Dimension}; the arena is {d}-D");
        double[] min = [msg.BoxMin.X, msg.BoxMin.Y, msg.BoxMin.Z];
        double[] max = [msg.BoxMax.X, msg.BoxMax.Y, msg.BoxMax.Z];
        for (int k = 0; k < d; k++)
            if (!(Math.Abs(min[k] - arena.Min[k]) <= BoxToleranceM) || !(Math.Abs(max[k] - arena.Max[k]) <= BoxToleranceM))
                throw new InputException(Invariant($"{source}: box [{Join(min, d)}] .. [{Join(max, d)}] differs from the arena {arena} (tolerance {BoxToleranceM} m); restart the controller to change the arena"));
        if (!(msg.Floor >= 0) || !double.IsFinite(msg.Floor) || msg.Floor > 1)
            throw new InputException(Invariant($"{source}: floor is {msg.Floor}; allowed range [0, 1]"));
        double floor = msg.Floor > 0 ? msg.Floor : TargetDensity.DefaultFloor;
        switch (msg.Kind)
        {
            case RosTarget.KindUniform:
                return new UniformDensity(arena, floor, source);
            case RosTarget.KindGaussianMixture:
            {
                var comps = msg.Components ?? [];
                if (comps.Length == 0) throw new InputException($"{source}: kind GAUSSIAN_MIXTURE with no components");
                if (comps.Length > limits.MaxComponents)
                    throw new InputException(Invariant($"{source}: {comps.Length} components, more than inputs.max_components ({limits.MaxComponents})"));
                var list = new List<GaussianComponent>(comps.Length);
                for (int c = 0; c < comps.Length; c++)
                {
                    double[] mean = [comps[c].Mean.X, comps[c].Mean.Y, comps[c].Mean.Z];
                    double[] sigma = [comps[c].Sigma.X, comps[c].Sigma.Y, comps[c].Sigma.Z];
                    if (!(comps[c].Weight > 0) || !double.IsFinite(comps[c].Weight))
                        throw new InputException(Invariant($"{source}: components[{c}].weight is {comps[c].Weight}; it must be finite and > 0"));
                    for (int k = 0; k < d; k++)
                    {
                        if (!double.IsFinite(mean[k])) throw new InputException(Invariant($"{source}: components[{c}].mean has {mean[k]} on axis {k}"));
                        if (!(sigma[k] > 0) || !double.IsFinite(sigma[k]))
                            throw new InputException(Invariant($"{source}: components[{c}].sigma is {sigma[k]} on axis {k}; it must be finite and > 0"));
                    }
                    list.Add(new GaussianComponent(comps[c].Weight, mean[..d], sigma[..d]));
                }
                return new GaussianMixtureDensity(arena, list, floor, source);
            }
            case RosTarget.KindGrid:
            {
                int[] size = new int[d];
                long cells = 1;
                for (int k = 0; k < d; k++)
                {
                    uint n = msg.RasterSize[k];
                    // A peer's numbers: refused with a reason, never an overflow (nor a product that wraps round).
                    if (n < 1 || n > maxCells) throw new InputException(Invariant($"{source}: raster_size[{k}] is {n}; it must be in 1 .. {maxCells} (inputs.max_grid_cells)"));
                    size[k] = (int)n;
                    cells *= n;
                    if (cells > maxCells) throw new InputException(Invariant($"{source}: raster_size[0..{k}] multiply to {cells} cells, more than inputs.max_grid_cells ({maxCells})"));
                }
                var values = msg.RasterValues ?? [];
                if (values.Length != cells)
                    throw new InputException(Invariant($"{source}: raster_values has {values.Length} values; raster_size {string.Join(" x ", size)} needs {cells}"));
                return new RasterDensity(arena, size, [.. values], floor, source);
            }
            default:
                throw new InputException($"{source}: kind is {msg.Kind}; allowed: 0 (UNIFORM), 1 (GAUSSIAN_MIXTURE), 2 (GRID)");
        }
    }

    /// <summary>
    /// A target density from a painted occupancy grid (values 0..100 are densities, -1 unknown counts as 0), stretched
    /// over <paramref name="arena"/>; the grid must cover the arena to within one cell and be axis-aligned.
    /// </summary>
    public static TargetDensity FromOccupancyGrid(in OccupancyGrid msg, Box arena, double floor, string source, InputLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(arena);
        limits ??= InputLimits.Default;
        if (arena.Dimension != 2) throw new InputException($"{source}: an occupancy grid is 2-D; the arena is {arena.Dimension}-D (send a Target message)");
        var info = msg.Info;
        double res = info.Resolution;
        if (!(res > 0) || !double.IsFinite(res)) throw new InputException(Invariant($"{source}: info.resolution is {res}; it must be > 0"));
        if (info.Width == 0 || info.Height == 0) throw new InputException($"{source}: the grid is {info.Width} x {info.Height} cells; it needs at least one");
        ulong cells = (ulong)info.Width * info.Height; // (2^32 - 1)^2 fits; a long would wrap round
        if (cells > (ulong)limits.MaxGridCells)
            throw new InputException(Invariant($"{source}: the grid is {info.Width} x {info.Height} = {cells} cells, more than inputs.max_grid_cells ({limits.MaxGridCells})"));
        var q = info.Origin.Orientation;
        if (Math.Abs(q.X) > 1e-6 || Math.Abs(q.Y) > 1e-6 || Math.Abs(q.Z) > 1e-6)
            throw new InputException(Invariant($"{source}: info.origin is rotated (quaternion {q.X}, {q.Y}, {q.Z}, {q.W}); the grid must be aligned with the arena axes"));
        double x0 = info.Origin.Position.X, y0 = info.Origin.Position.Y;
        double x1 = x0 + info.Width * res, y1 = y0 + info.Height * res;
        double tol = res * 1.0001;
        if (!(Math.Abs(x0 - arena.Min[0]) <= tol && Math.Abs(y0 - arena.Min[1]) <= tol && Math.Abs(x1 - arena.Max[0]) <= tol && Math.Abs(y1 - arena.Max[1]) <= tol))
            throw new InputException(Invariant($"{source}: the grid covers [{x0:G6}, {x1:G6}] x [{y0:G6}, {y1:G6}] m; it must cover the arena {arena} to within one cell ({res:G4} m); paint on the published target map"));
        var data = msg.Data ?? [];
        if ((ulong)data.Length != cells) throw new InputException(Invariant($"{source}: data has {data.Length} cells; width x height is {cells}"));
        var values = new double[cells];
        bool any = false;
        for (int i = 0; i < values.Length; i++)
        {
            int v = data[i];
            if (v > 100 || v < -1) throw new InputException(Invariant($"{source}: data[{i}] is {v}; allowed 0..100 or -1 (unknown)"));
            values[i] = v < 0 ? 0 : v;
            any |= v > 0;
        }

        // Refused here, at the door, rather than when the grid is prepared: the sender (a painting operator) hears why at once.
        if (!any) throw new InputException($"{source}: every cell is 0 or -1 (unknown): the grid has nothing to cover; paint some cells above 0");
        return new RasterDensity(arena, [(int)info.Width, (int)info.Height], values, floor, source);
    }

    /// <summary>
    /// The discretized target rhobar as an occupancy grid (square cells of the finer grid spacing, 100 at the densest
    /// cell), x fastest from the arena's minimum corner; 3-D targets are summed over z.
    /// </summary>
    public static OccupancyGrid ToOccupancyGrid(TargetMap map, Time stamp, string frameId)
    {
        ArgumentNullException.ThrowIfNull(map);
        var grid = map.Grid;
        var box = grid.Box;
        int nx = grid.CellsAlong(0), ny = grid.CellsAlong(1), nz = grid.Dimension == 3 ? grid.CellsAlong(2) : 1;
        var rho = map.Rhobar;
        var plane = new double[nx * ny];
        for (int ix = 0; ix < nx; ix++)
            for (int iy = 0; iy < ny; iy++)
            {
                double s = 0;
                for (int iz = 0; iz < nz; iz++) s += rho[((ix * ny) + iy) * nz + iz];
                plane[ix * ny + iy] = s;
            }
        double peak = plane.Max();
        double res = Math.Min(grid.SpacingAlong(0), grid.SpacingAlong(1));
        int w = Math.Max(1, (int)Math.Round(box.Length(0) / res)), h = Math.Max(1, (int)Math.Round(box.Length(1) / res));
        var data = new sbyte[w * h];
        for (int j = 0; j < h; j++)
        {
            int iy = Math.Min(ny - 1, (int)((j + 0.5) * box.Length(1) / h / grid.SpacingAlong(1)));
            for (int i = 0; i < w; i++)
            {
                int ix = Math.Min(nx - 1, (int)((i + 0.5) * box.Length(0) / w / grid.SpacingAlong(0)));
                data[j * w + i] = (sbyte)Math.Round(100 * plane[ix * ny + iy] / peak);
            }
        }
        return new OccupancyGrid
        {
            Header = new Header(stamp, frameId),
            Info = new MapMetaData
            {
                MapLoadTime = stamp,
                Resolution = (float)(box.Length(0) / w),
                Width = (uint)w,
                Height = (uint)h,
                Origin = new Pose(new Point(box.Min[0], box.Min[1], 0), new Quaternion(0, 0, 0, 1)),
            },
            Data = data,
        };
    }

    /// <summary>A Target message for <paramref name="target"/>'s kind (for tools and tests); raster targets are sent as GRID.</summary>
    public static RosTarget ToTarget(TargetDensity target, Time stamp, string frameId)
    {
        ArgumentNullException.ThrowIfNull(target);
        var box = target.Domain;
        int d = box.Dimension;
        double At(ReadOnlySpan<double> v, int k) => k < d ? v[k] : 0;
        var msg = new RosTarget
        {
            Header = new Header(stamp, frameId),
            Dimension = (byte)d,
            BoxMin = new Point(At(box.Min, 0), At(box.Min, 1), At(box.Min, 2)),
            BoxMax = new Point(At(box.Max, 0), At(box.Max, 1), At(box.Max, 2)),
            Floor = target.Floor,
        };
        switch (target)
        {
            case UniformDensity:
                msg.Kind = RosTarget.KindUniform;
                break;
            case GaussianMixtureDensity g:
                msg.Kind = RosTarget.KindGaussianMixture;
                msg.Components = [.. g.Components.Select(c => new Ros2.Messages.SwarmCoverageMsgs.GaussianComponent(c.Weight,
                    new Point(At(c.Mean, 0), At(c.Mean, 1), At(c.Mean, 2)), new Vector3(At(c.Sigma, 0), At(c.Sigma, 1), At(c.Sigma, 2))))];
                break;
            case RasterDensity r:
                msg.Kind = RosTarget.KindGrid;
                for (int k = 0; k < 3; k++) msg.RasterSize[k] = k < d ? (uint)r.Size[k] : 1u;
                msg.RasterValues = r.Values.ToArray();
                break;
            default:
                throw new ArgumentException($"target kind {target.Kind} has no Target message form", nameof(target));
        }
        return msg;
    }

    private static string Join(double[] v, int d) => string.Join(", ", v.Take(d).Select(x => x.ToString("G6", CultureInfo.InvariantCulture)));

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
