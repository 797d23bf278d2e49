using System.Runtime.CompilerServices;

namespace SwarmCoverage.Core.Blob;

/// <summary>
/// The inner loops of pass 1 (deposit) and pass 2 (gather) for one particle, d = 1, 2, 3, on the
/// extended grid (last axis contiguous). Weights along the last axis are zero-padded to whole 4-lane
/// blocks; the other axes loop only over their active taps.
/// </summary>
internal static unsafe class BlobKernels<T> where T : struct, ILanes4<T>
{
    // ---- pass 1: U[cell] += m * prod_k g_k ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Deposit1(double* u, double mass, double* g0, int blocks)
    {
        var m = T.Broadcast(mass);
        for (int v = 0; v < blocks; v++)
            T.Fma(m, T.Load(g0 + 4 * v), T.Load(u + 4 * v)).Store(u + 4 * v);
    }

    public static void Deposit2(double* u, int stride0, double mass, double* g0, int n0, double* g1, int blocks)
    {
        for (int a = 0; a < n0; a++)
        {
            var c = T.Broadcast(mass * g0[a]);
            double* row = u + a * stride0;
            for (int v = 0; v < blocks; v++)
                T.Fma(c, T.Load(g1 + 4 * v), T.Load(row + 4 * v)).Store(row + 4 * v);
        }
    }

    public static void Deposit3(double* u, int stride0, int stride1, double mass, double* g0, int n0, double* g1, int n1, double* g2, int blocks)
    {
        for (int a = 0; a < n0; a++)
        {
            double ma = mass * g0[a];
            for (int b = 0; b < n1; b++)
            {
                var c = T.Broadcast(ma * g1[b]);
                double* row = u + a * stride0 + b * stride1;
                for (int v = 0; v < blocks; v++)
                    T.Fma(c, T.Load(g2 + 4 * v), T.Load(row + 4 * v)).Store(row + 4 * v);
            }
        }
    }

    // ---- pass 2: v = -cellvol * sum grad phi(x - y) W(y); returns the sums without the factor ----

    public static double Gather1(double* w, double* dg0, int blocks)
    {
        var acc = T.Zero;
        for (int v = 0; v < blocks; v++)
            acc = T.Fma(T.Load(dg0 + 4 * v), T.Load(w + 4 * v), acc);
        return acc.Sum();
    }

    public static void Gather2(double* w, int stride0, double* g0, double* dg0, int n0, double* g1, double* dg1, int blocks, out double s0, out double s1)
    {
        var acc0 = T.Zero;
        var acc1 = T.Zero;
        for (int a = 0; a < n0; a++)
        {
            double* row = w + a * stride0;
            var r = T.Zero;
            var s = T.Zero;
            for (int v = 0; v < blocks; v++)
            {
                var wv = T.Load(row + 4 * v);
                r = T.Fma(T.Load(g1 + 4 * v), wv, r);
                s = T.Fma(T.Load(dg1 + 4 * v), wv, s);
            }
            acc0 = T.Fma(T.Broadcast(dg0[a]), r, acc0);
            acc1 = T.Fma(T.Broadcast(g0[a]), s, acc1);
        }
        s0 = acc0.Sum();
        s1 = acc1.Sum();
    }

    public static void Gather3(double* w, int stride0, int stride1, double* g0, double* dg0, int n0, double* g1, double* dg1, int n1,
        double* g2, double* dg2, int blocks, out double s0, out double s1, out double s2)
    {
        var acc0 = T.Zero;
        var acc1 = T.Zero;
        var acc2 = T.Zero;
        for (int a = 0; a < n0; a++)
        {
            double ga = g0[a], dga = dg0[a];
            for (int b = 0; b < n1; b++)
            {
                double* row = w + a * stride0 + b * stride1;
                var r = T.Zero;
                var s = T.Zero;
                for (int v = 0; v < blocks; v++)
                {
                    var wv = T.Load(row + 4 * v);
                    r = T.Fma(T.Load(g2 + 4 * v), wv, r);
                    s = T.Fma(T.Load(dg2 + 4 * v), wv, s);
                }
                acc0 = T.Fma(T.Broadcast(dga * g1[b]), r, acc0);
                acc1 = T.Fma(T.Broadcast(ga * dg1[b]), r, acc1);
                acc2 = T.Fma(T.Broadcast(ga * g1[b]), s, acc2);
            }
        }
        s0 = acc0.Sum();
        s1 = acc1.Sum();
        s2 = acc2.Sum();
    }
}
