using System.Runtime.CompilerServices;

namespace SwarmCoverage.Core.Blob;

/// <summary>
/// The inner loops of pass 1 (deposit) and pass 2 (gather) for one particle, d = 1, 2, 3, on the
/// extended grid (last axis contiguous). Weights along the last axis are zero-padded to whole 4-lane
/// blocks; the other axes loop only over their active taps.
/// </summary>
internal static unsafe class BlobKernels<T> where T : struct, ILanes4<T>
{
    // ---- 1-D weights ----

    /// <summary>
    /// g_k = e0 q^k c_k and dg_k = -(t0 - k h) / eps^2 g_k for k = 0 .. 4 blocks - 1, the Gaussian
    /// recurrence exp(-(t0 - k h)^2 / (2 eps^2)) = exp(-t0^2/(2 eps^2)) exp(t0 h / eps^2)^k exp(-k^2 h^2 / (2 eps^2)).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Weights(double t0, double e0, double q, double negInvEps2, double* ck, double* kh, int blocks, double* g, double* dg)
    {
        double q2 = q * q;
        var p = T.Create(e0, e0 * q, e0 * q2, e0 * (q2 * q));
        var q4 = T.Broadcast(q2 * q2);
        var tv = T.Broadcast(t0);
        var ni = T.Broadcast(negInvEps2);
        for (int v = 0; v < blocks; v++)
        {
            var w = T.Mul(p, T.Load(ck + 4 * v));
            w.Store(g + 4 * v);
            T.Mul(T.Mul(T.Sub(tv, T.Load(kh + 4 * v)), ni), w).Store(dg + 4 * v);
            p = T.Mul(p, q4);
        }
    }

    /// <summary>g_k of <see cref="Weights"/> alone (pass 1 needs no derivative): the same products, so the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Values(double e0, double q, double* ck, int blocks, double* g)
    {
        double q2 = q * q;
        var p = T.Create(e0, e0 * q, e0 * q2, e0 * (q2 * q));
        var q4 = T.Broadcast(q2 * q2);
        for (int v = 0; v < blocks; v++)
        {
            T.Mul(p, T.Load(ck + 4 * v)).Store(g + 4 * v);
            p = T.Mul(p, q4);
        }
    }

    // ---- pass 1: U[cell] += m * prod_k g_k ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Deposit1(double* u, double mass, double* g0, int blocks)
    {
        var m = T.Broadcast(mass);
        for (int v = 0; v < blocks; v++)
            T.Fma(m, T.Load(g0 + 4 * v), T.Load(u + 4 * v)).Store(u + 4 * v);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Deposit2(double* u, int stride0, double mass, double* g0, int n0, double* g1, int blocks)
    {
        if (blocks == 9)
        {
            Deposit2x9(u, stride0, mass, g0, n0, g1);
            return;
        }
        for (int a = 0; a < n0; a++)
        {
            var c = T.Broadcast(mass * g0[a]);
            double* row = u + a * stride0;
            for (int v = 0; v < blocks; v++)
                T.Fma(c, T.Load(g1 + 4 * v), T.Load(row + 4 * v)).Store(row + 4 * v);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Gather1(double* w, double* dg0, int blocks)
    {
        var acc = T.Zero;
        for (int v = 0; v < blocks; v++)
            acc = T.Fma(T.Load(dg0 + 4 * v), T.Load(w + 4 * v), acc);
        return acc.Sum();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gather2(double* w, int stride0, double* g0, double* dg0, int n0, double* g1, double* dg1, int blocks, out double s0, out double s1)
    {
        if (blocks == 9)
        {
            Gather2x9(w, stride0, g0, dg0, n0, g1, dg1, out s0, out s1);
            return;
        }
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    // ---- the default stencil (cut-off 8 eps, spacing eps/2: 33 taps, 9 blocks) with the weights of the
    // contiguous axis held in registers; the same operations in the same order as the loops above ----

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Deposit2x9(double* u, int stride0, double mass, double* g0, int n0, double* g1)
    {
        var w0 = T.Load(g1 + 0);
        var w1 = T.Load(g1 + 4);
        var w2 = T.Load(g1 + 8);
        var w3 = T.Load(g1 + 12);
        var w4 = T.Load(g1 + 16);
        var w5 = T.Load(g1 + 20);
        var w6 = T.Load(g1 + 24);
        var w7 = T.Load(g1 + 28);
        var w8 = T.Load(g1 + 32);
        for (int a = 0; a < n0; a++)
        {
            var c = T.Broadcast(mass * g0[a]);
            double* row = u + a * stride0;
            T.Fma(c, w0, T.Load(row + 0)).Store(row + 0);
            T.Fma(c, w1, T.Load(row + 4)).Store(row + 4);
            T.Fma(c, w2, T.Load(row + 8)).Store(row + 8);
            T.Fma(c, w3, T.Load(row + 12)).Store(row + 12);
            T.Fma(c, w4, T.Load(row + 16)).Store(row + 16);
            T.Fma(c, w5, T.Load(row + 20)).Store(row + 20);
            T.Fma(c, w6, T.Load(row + 24)).Store(row + 24);
            T.Fma(c, w7, T.Load(row + 28)).Store(row + 28);
            T.Fma(c, w8, T.Load(row + 32)).Store(row + 32);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gather2x9(double* w, int stride0, double* g0, double* dg0, int n0, double* g1, double* dg1, out double s0, out double s1)
    {
        var a0 = T.Load(g1 + 0); var b0 = T.Load(dg1 + 0);
        var a1 = T.Load(g1 + 4); var b1 = T.Load(dg1 + 4);
        var a2 = T.Load(g1 + 8); var b2 = T.Load(dg1 + 8);
        var a3 = T.Load(g1 + 12); var b3 = T.Load(dg1 + 12);
        var a4 = T.Load(g1 + 16); var b4 = T.Load(dg1 + 16);
        var a5 = T.Load(g1 + 20); var b5 = T.Load(dg1 + 20);
        var a6 = T.Load(g1 + 24); var b6 = T.Load(dg1 + 24);
        var a7 = T.Load(g1 + 28); var b7 = T.Load(dg1 + 28);
        var a8 = T.Load(g1 + 32); var b8 = T.Load(dg1 + 32);
        var acc0 = T.Zero;
        var acc1 = T.Zero;
        for (int a = 0; a < n0; a++)
        {
            double* row = w + a * stride0;
            var wv = T.Load(row);
            var r = T.Fma(a0, wv, T.Zero);
            var s = T.Fma(b0, wv, T.Zero);
            wv = T.Load(row + 4); r = T.Fma(a1, wv, r); s = T.Fma(b1, wv, s);
            wv = T.Load(row + 8); r = T.Fma(a2, wv, r); s = T.Fma(b2, wv, s);
            wv = T.Load(row + 12); r = T.Fma(a3, wv, r); s = T.Fma(b3, wv, s);
            wv = T.Load(row + 16); r = T.Fma(a4, wv, r); s = T.Fma(b4, wv, s);
            wv = T.Load(row + 20); r = T.Fma(a5, wv, r); s = T.Fma(b5, wv, s);
            wv = T.Load(row + 24); r = T.Fma(a6, wv, r); s = T.Fma(b6, wv, s);
            wv = T.Load(row + 28); r = T.Fma(a7, wv, r); s = T.Fma(b7, wv, s);
            wv = T.Load(row + 32); r = T.Fma(a8, wv, r); s = T.Fma(b8, wv, s);
            acc0 = T.Fma(T.Broadcast(dg0[a]), r, acc0);
            acc1 = T.Fma(T.Broadcast(g0[a]), s, acc1);
        }
        s0 = acc0.Sum();
        s1 = acc1.Sum();
    }
}
