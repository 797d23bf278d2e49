// The exact Barenblatt solution and the fit of its convergence order are references the discrete results are
// compared with, not results that must be bit-identical across machines: libm is fine here.
#pragma warning disable RS0030
using MathNet.Numerics;

namespace SwarmCoverage.Core.Verification;

/// <summary>
/// The Barenblatt solution of mass one of <c>d/dt rho = div(rho grad rho)</c> (docs/method.md section 6):
/// <c>rho(x,t) = t^(-d/(d+2)) (C - |x|^2 / (2 (d+2)) t^(-2/(d+2)))_+</c>.
/// </summary>
public static class Barenblatt
{
    public static double Constant(int d) => d switch
    {
        1 => Math.Cbrt(3.0 / 32),
        2 => 1 / (2 * Math.Sqrt(Math.PI)),
        _ => throw new ArgumentOutOfRangeException(nameof(d), d, "the study covers d = 1 and 2"),
    };

    public static double Density(double r, double t, int d)
    {
        double c = Constant(d);
        double v = c - r * r / (2 * (d + 2)) * Math.Pow(t, -2.0 / (d + 2));
        return v > 0 ? Math.Pow(t, -(double)d / (d + 2)) * v : 0;
    }

    /// <summary>Radius of the support at time t.</summary>
    public static double SupportRadius(double t, int d) => Math.Sqrt(2 * (d + 2) * Constant(d)) * Math.Pow(t, 1.0 / (d + 2));

    /// <summary>Mass of the solution within |x| &lt;= r (1-D: on [-r, r]; 2-D: in the disk of radius r).</summary>
    public static double EnclosedMass(double r, double t, int d)
    {
        double c = Constant(d);
        double xi0 = Math.Sqrt(2 * (d + 2) * c);
        double xi = Math.Min(r * Math.Pow(t, -1.0 / (d + 2)), xi0); // self-similar variable
        return d == 1
            ? 2 * (c * xi - xi * xi * xi / 18)
            : Math.PI * c * xi * xi - Math.PI * xi * xi * xi * xi / 16;
    }

    /// <summary>
    /// 1-D: the point q with mass M to its left at time t (the quantile). 2-D: the radius enclosing mass M.
    /// </summary>
    public static double MassCoordinate(double mass, double t, int d)
    {
        double c = Constant(d);
        double scale = Math.Pow(t, 1.0 / (d + 2));
        if (d == 2)
        {
            double s = 8 * c - 8 * Math.Sqrt(Math.Max(0, c * c - mass / (4 * Math.PI))); // sigma^2
            return Math.Sqrt(Math.Max(0, s)) * scale;
        }
        // 1-D: F(xi) = M with F(xi) = 1/2 + (C xi - xi^3/18) on [-xi0, xi0]; bisection to full precision.
        double xi0 = Math.Sqrt(6 * c), lo = -xi0, hi = xi0;
        for (int i = 0; i < 200 && hi - lo > 1e-17; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (0.5 + c * mid - mid * mid * mid / 18 < mass) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi) * scale;
    }

    /// <summary>
    /// The start of the study: the centres <c>k h</c> of the cells <c>[(k - 1/2) h, (k + 1/2) h]^d</c> of a lattice
    /// that meet the support at t0, each with the exact mass of the solution in its cell (normalized to sum
    /// one against quadrature error). Cells cut by the edge of the support keep their centre.
    /// </summary>
    public static (double[] Positions, double[] Masses) Lattice(double h, double t0, int d)
    {
        double r0 = SupportRadius(t0, d);
        int kmax = (int)Math.Ceiling(r0 / h) + 1;
        var pos = new List<double>();
        var mass = new List<double>();
        if (d == 1)
        {
            double a = Math.Pow(t0, -1.0 / 3), c = Constant(1), b = Math.Pow(t0, -1.0) / 6; // rho = a C - b x^2 on the support
            double F(double x) => a * c * x - b * x * x * x / 3;
            for (int k = -kmax; k <= kmax; k++)
            {
                double lo = Math.Max((k - 0.5) * h, -r0), hi = Math.Min((k + 0.5) * h, r0);
                if (hi <= lo) continue;
                double m = F(hi) - F(lo);
                if (m <= 0) continue;
                pos.Add(k * h);
                mass.Add(m);
            }
        }
        else
        {
            double aa = Math.Pow(t0, -0.5) * Constant(2), bb = 1 / (8 * t0); // rho = aa - bb r^2 on the disk
            for (int i = -kmax; i <= kmax; i++)
                for (int j = -kmax; j <= kmax; j++)
                {
                    double m = CellMass2D((i - 0.5) * h, (i + 0.5) * h, (j - 0.5) * h, (j + 0.5) * h, aa, bb, r0);
                    if (m <= 0) continue;
                    pos.Add(i * h);
                    pos.Add(j * h);
                    mass.Add(m);
                }
        }
        double total = mass.Sum();
        return (pos.ToArray(), mass.Select(m => m / total).ToArray());
    }

    /// <summary>Exact integral of (aa - bb (x^2 + y^2))_+ over a rectangle: analytic in x, double-exponential quadrature in y.</summary>
    private static double CellMass2D(double x0, double x1, double y0, double y1, double aa, double bb, double r0)
    {
        double ylo = Math.Max(y0, -r0), yhi = Math.Min(y1, r0);
        if (yhi <= ylo) return 0;
        double Inner(double y)
        {
            double xr2 = r0 * r0 - y * y;
            if (xr2 <= 0) return 0;
            double xr = Math.Sqrt(xr2);
            double lo = Math.Max(x0, -xr), hi = Math.Min(x1, xr);
            if (hi <= lo) return 0;
            double a = aa - bb * y * y;
            return a * (hi - lo) - bb * (hi * hi * hi - lo * lo * lo) / 3;
        }
        // Split where the clipping of the x-range changes, so each piece is smooth inside.
        var cuts = new List<double> { ylo, yhi };
        foreach (var x in new[] { x0, x1 })
            if (Math.Abs(x) < r0)
            {
                double yc = Math.Sqrt(r0 * r0 - x * x);
                foreach (var c in new[] { -yc, yc })
                    if (c > ylo && c < yhi) cuts.Add(c);
            }
        cuts.Sort();
        double sum = 0;
        for (int i = 0; i + 1 < cuts.Count; i++)
            if (cuts[i + 1] > cuts[i])
                sum += Integrate.DoubleExponential(Inner, cuts[i], cuts[i + 1], 1e-15);
        return sum;
    }

    /// <summary>
    /// Mass-matched l2 error <c>sqrt(sum m_i |x_i - q(M_i)|^2)</c>. M_i is the particle's cumulative mass up to its
    /// centre in the start configuration (the masses strictly before it plus half of its own, and half of the
    /// particles tied with it); q(M_i) is the exact position carrying that mass at t1: in 1-D the quantile, in 2-D
    /// the radius enclosing M_i, along the particle's own direction.
    /// </summary>
    public static double MassMatchedError(ReadOnlySpan<double> start, ReadOnlySpan<double> end, ReadOnlySpan<double> masses, double t1, int d)
    {
        int n = masses.Length;
        var key = new double[n];
        for (int i = 0; i < n; i++)
            key[i] = d == 1 ? start[i] : Math.Sqrt(start[2 * i] * start[2 * i] + start[2 * i + 1] * start[2 * i + 1]);
        var order = Enumerable.Range(0, n).ToArray();
        Array.Sort((double[])key.Clone(), order);
        var cumulative = new double[n];
        double before = 0;
        for (int a = 0; a < n;)
        {
            int b = a;
            double tied = 0;
            while (b < n && key[order[b]] == key[order[a]]) tied += masses[order[b++]];
            for (int c = a; c < b; c++) cumulative[order[c]] = before + 0.5 * tied;
            before += tied;
            a = b;
        }
        double s = 0;
        for (int i = 0; i < n; i++)
        {
            double q = MassCoordinate(cumulative[i], t1, d);
            if (d == 1)
            {
                double e = end[i] - q;
                s += masses[i] * e * e;
            }
            else
            {
                double x = end[2 * i], y = end[2 * i + 1];
                double r = Math.Sqrt(x * x + y * y);
                double ex = r > 0 ? x / r * q : 0, ey = r > 0 ? y / r * q : 0;
                s += masses[i] * ((x - ex) * (x - ex) + (y - ey) * (y - ey));
            }
        }
        return Math.Sqrt(s);
    }
}
