using SwarmCoverage.Core;
using SwarmCoverage.Core.Targets;

namespace SwarmCoverage.Core.Tests;

/// <summary>
/// A dense, deliberately naive implementation of docs/method.md sections 2 to 4 written straight from the
/// definitions (3^d mirror images, the cut-off tested cell by cell, one exponential per weight, no
/// recurrences, no folding tricks). It shares no code with the production field except the target's g.
/// </summary>
internal sealed class NaiveBlob
{
    private readonly int _d;
    private readonly double[] _a, _b, _h;
    private readonly int[] _n;
    private readonly double _eps, _rc, _cv;
    private readonly double[] _rhobar; // box cells, last axis fastest

    public NaiveBlob(TargetDensity target, double eps, double? spacing = null, double cutoff = 8.0)
    {
        var box = target.Domain;
        _d = box.Dimension;
        _eps = eps;
        _rc = cutoff * eps;
        _a = box.Min.ToArray();
        _b = box.Max.ToArray();
        _n = new int[_d];
        _h = new double[_d];
        double hmax = spacing ?? eps / 2;
        _cv = 1;
        for (int k = 0; k < _d; k++)
        {
            _n[k] = (int)Math.Ceiling((_b[k] - _a[k]) / hmax);
            _h[k] = (_b[k] - _a[k]) / _n[k];
            _cv *= _h[k];
            if (_b[k] - _a[k] <= 2 * _rc) throw new ArgumentException("naive reference needs sides longer than twice the reach");
        }
        int m = _n.Aggregate(1, (p, q) => p * q);
        var g = new double[m];
        for (int l = 0; l < m; l++) g[l] = target.Evaluate(Centre(Index(l)));
        double gbar = g.Average();
        for (int l = 0; l < m; l++) g[l] = Math.Max(g[l], target.Floor * gbar);
        double z = _cv * g.Sum();
        _rhobar = g.Select(v => v / z).ToArray();
    }

    public double CellVolume => _cv;
    public IReadOnlyList<double> Rhobar => _rhobar;

    private int[] Index(int l)
    {
        var idx = new int[_d];
        for (int k = _d - 1; k >= 0; k--) { idx[k] = l % _n[k]; l /= _n[k]; }
        return idx;
    }

    private double[] Centre(int[] idx)
    {
        var c = new double[_d];
        for (int k = 0; k < _d; k++) c[k] = _a[k] + (idx[k] + 0.5) * _h[k];
        return c;
    }

    private double G(double t) => Math.Abs(t) <= _rc ? Math.Exp(-t * t / (2 * _eps * _eps)) / Math.Sqrt(2 * Math.PI * _eps * _eps) : 0.0;

    private double DG(double t) => -t / (_eps * _eps) * G(t);

    /// <summary>All 3^d images of a point.</summary>
    private IEnumerable<double[]> Images(double[] x)
    {
        int count = (int)Math.Pow(3, _d);
        for (int c = 0; c < count; c++)
        {
            var img = new double[_d];
            int code = c;
            for (int k = 0; k < _d; k++)
            {
                int choice = code % 3; code /= 3;
                img[k] = choice switch { 0 => x[k], 1 => 2 * _a[k] - x[k], _ => 2 * _b[k] - x[k] };
            }
            yield return img;
        }
    }

    /// <summary>U on box cells.</summary>
    public double[] Density(double[][] x, double[] m)
    {
        var u = new double[_rhobar.Length];
        for (int l = 0; l < u.Length; l++)
        {
            var y = Centre(Index(l));
            double s = 0;
            for (int j = 0; j < x.Length; j++)
                foreach (var img in Images(x[j]))
                {
                    double p = m[j];
                    for (int k = 0; k < _d; k++) p *= G(y[k] - img[k]);
                    s += p;
                }
            u[l] = s;
        }
        return u;
    }

    public double Energy(double[][] x, double[] m)
    {
        var u = Density(x, m);
        double e = 0;
        for (int l = 0; l < u.Length; l++) e += u[l] * u[l] / _rhobar[l];
        return 0.5 * _cv * e;
    }

    /// <summary>v_i = -cellvol sum over padded cells of grad phi(x_i - y) W(fold(y)).</summary>
    public double[][] Velocities(double[][] x, double[] m)
    {
        var u = Density(x, m);
        var w = new double[u.Length];
        for (int l = 0; l < u.Length; l++) w[l] = u[l] / _rhobar[l];
        var v = new double[x.Length][];
        int[] pad = _h.Select(h => (int)Math.Ceiling(_rc / h) + 2).ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            v[i] = new double[_d];
            var lo = new int[_d];
            var hi = new int[_d];
            for (int k = 0; k < _d; k++) { lo[k] = -pad[k]; hi[k] = _n[k] + pad[k]; }
            var idx = (int[])lo.Clone();
            while (true)
            {
                // cell centre (possibly outside the box) and the box cell it mirrors
                var y = new double[_d];
                int flat = 0;
                for (int k = 0; k < _d; k++)
                {
                    y[k] = _a[k] + (idx[k] + 0.5) * _h[k];
                    int j = idx[k];
                    int f = j < 0 ? -j - 1 : j >= _n[k] ? 2 * _n[k] - 1 - j : j;
                    flat = flat * _n[k] + f;
                }
                for (int k = 0; k < _d; k++)
                {
                    double p = w[flat];
                    for (int q = 0; q < _d; q++) p *= q == k ? DG(x[i][q] - y[q]) : G(x[i][q] - y[q]);
                    v[i][k] -= _cv * p;
                }
                int kk = _d - 1;
                for (; kk >= 0; kk--)
                {
                    if (++idx[kk] < hi[kk]) break;
                    idx[kk] = lo[kk];
                }
                if (kk < 0) break;
            }
        }
        return v;
    }
}
