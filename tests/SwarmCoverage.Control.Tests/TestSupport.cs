using SwarmCoverage.Control;

namespace SwarmCoverage.Control.Tests;

/// <summary>Plant models and helpers written independently of the code under test.</summary>
internal static class TestSupport
{
    /// <summary>Exact motion of a unicycle holding (v, omega) for t seconds (closed-form arc).</summary>
    public static Pose IntegrateUnicycle(Pose p, double v, double omega, double t)
    {
        double th = p.YawRad;
        if (Math.Abs(omega) < 1e-12)
        {
            return p with { X = p.X + v * t * Math.Cos(th), Y = p.Y + v * t * Math.Sin(th) };
        }

        double th1 = th + omega * t;
        return new Pose(p.X + v / omega * (Math.Sin(th1) - Math.Sin(th)), p.Y - v / omega * (Math.Cos(th1) - Math.Cos(th)), p.Z, th1);
    }

    public static (double X, double Y) Ahead(Pose p, double l) => (p.X + l * Math.Cos(p.YawRad), p.Y + l * Math.Sin(p.YawRad));

    public static double MinPairDistance(ReadOnlySpan<double> pts, int d)
    {
        int n = pts.Length / d;
        double best = double.PositiveInfinity;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < d; k++)
                {
                    double e = pts[i * d + k] - pts[j * d + k];
                    s += e * e;
                }

                best = Math.Min(best, Math.Sqrt(s));
            }
        }

        return best;
    }

    /// <summary>Smallest clearance of any point to the arena's faces (negative: outside).</summary>
    public static double MinWallClearance(ReadOnlySpan<double> pts, int d, ArenaBox arena)
    {
        double best = double.PositiveInfinity;
        for (int q = 0; q < pts.Length / d; q++)
        {
            for (int k = 0; k < d; k++)
            {
                best = Math.Min(best, Math.Min(pts[q * d + k] - arena.MinM(k), arena.MaxM(k) - pts[q * d + k]));
            }
        }

        return best;
    }

    /// <summary>Places n points uniformly in the box shrunk by margin with pairwise distance at least minDist (rejection sampling, fixed seed).</summary>
    public static double[] PoissonPoints(int n, int d, ArenaBox arena, double margin, double minDist, int seed)
    {
        var rng = new Random(seed);
        var pts = new double[n * d];
        int placed = 0, tries = 0;
        while (placed < n)
        {
            if (++tries > 1_000_000)
            {
                throw new InvalidOperationException("could not place points");
            }

            for (int k = 0; k < d; k++)
            {
                pts[placed * d + k] = arena.MinM(k) + margin + rng.NextDouble() * (arena.MaxM(k) - arena.MinM(k) - 2 * margin);
            }

            bool ok = true;
            for (int j = 0; j < placed && ok; j++)
            {
                double s = 0;
                for (int k = 0; k < d; k++)
                {
                    double e = pts[placed * d + k] - pts[j * d + k];
                    s += e * e;
                }

                ok = s >= minDist * minDist;
            }

            if (ok)
            {
                placed++;
            }
        }

        return pts;
    }
}
