using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SwarmCoverage.Core.Metrics;

/// <summary>
/// Eight single-precision lanes for the metrics' distance sums (docs/method.md section 7, "Precision"). Written once
/// against this interface and specialized by the JIT for each implementation. Every implementation computes the same
/// lane-wise IEEE 754 operations (correctly rounded square roots, fused multiply-adds with one rounding), so all of them
/// give identical bits: the sums do not depend on the machine's vector width.
/// </summary>
internal unsafe interface ISingleLanes8<TSelf> where TSelf : struct, ISingleLanes8<TSelf>
{
    static abstract TSelf Zero { get; }
    static abstract TSelf Load(float* p);
    static abstract TSelf Broadcast(float x);
    static abstract TSelf Sub(TSelf a, TSelf b);
    static abstract TSelf Mul(TSelf a, TSelf b);

    /// <summary>a * b + c, one rounding per lane.</summary>
    static abstract TSelf Fma(TSelf a, TSelf b, TSelf c);

    /// <summary>Correctly rounded square root per lane (as MathF.Sqrt).</summary>
    static abstract TSelf Sqrt(TSelf a);

    /// <summary>Adds lane k, widened to double (exactly), to <c>totals[k]</c>.</summary>
    void AddWidenedTo(double* totals);
}

/// <summary>AVX: one Vector256 of floats.</summary>
internal readonly unsafe struct SingleLanes256 : ISingleLanes8<SingleLanes256>
{
    private readonly Vector256<float> _v;
    private SingleLanes256(Vector256<float> v) => _v = v;

    public static SingleLanes256 Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Vector256<float>.Zero);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SingleLanes256 Load(float* p) => new(Vector256.Load(p));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SingleLanes256 Broadcast(float x) => new(Vector256.Create(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SingleLanes256 Sub(SingleLanes256 a, SingleLanes256 b) => new(a._v - b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SingleLanes256 Mul(SingleLanes256 a, SingleLanes256 b) => new(a._v * b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SingleLanes256 Fma(SingleLanes256 a, SingleLanes256 b, SingleLanes256 c) => new(Vector256.FusedMultiplyAdd(a._v, b._v, c._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SingleLanes256 Sqrt(SingleLanes256 a) => new(Vector256.Sqrt(a._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddWidenedTo(double* totals)
    {
        (Vector256.Load(totals) + Vector256.WidenLower(_v)).Store(totals);
        (Vector256.Load(totals + 4) + Vector256.WidenUpper(_v)).Store(totals + 4);
    }
}

/// <summary>SSE/NEON: two Vector128 of floats holding lanes 0 to 3 and 4 to 7.</summary>
internal readonly unsafe struct SingleLanes128x2 : ISingleLanes8<SingleLanes128x2>
{
    private readonly Vector128<float> _lo;
    private readonly Vector128<float> _hi;
    private SingleLanes128x2(Vector128<float> lo, Vector128<float> hi) { _lo = lo; _hi = hi; }

    public static SingleLanes128x2 Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Vector128<float>.Zero, Vector128<float>.Zero);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SingleLanes128x2 Load(float* p) => new(Vector128.Load(p), Vector128.Load(p + 4));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SingleLanes128x2 Broadcast(float x) => new(Vector128.Create(x), Vector128.Create(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SingleLanes128x2 Sub(SingleLanes128x2 a, SingleLanes128x2 b) => new(a._lo - b._lo, a._hi - b._hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SingleLanes128x2 Mul(SingleLanes128x2 a, SingleLanes128x2 b) => new(a._lo * b._lo, a._hi * b._hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SingleLanes128x2 Fma(SingleLanes128x2 a, SingleLanes128x2 b, SingleLanes128x2 c) =>
        new(Vector128.FusedMultiplyAdd(a._lo, b._lo, c._lo), Vector128.FusedMultiplyAdd(a._hi, b._hi, c._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SingleLanes128x2 Sqrt(SingleLanes128x2 a) => new(Vector128.Sqrt(a._lo), Vector128.Sqrt(a._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddWidenedTo(double* totals)
    {
        (Vector128.Load(totals) + Vector128.WidenLower(_lo)).Store(totals);
        (Vector128.Load(totals + 2) + Vector128.WidenUpper(_lo)).Store(totals + 2);
        (Vector128.Load(totals + 4) + Vector128.WidenLower(_hi)).Store(totals + 4);
        (Vector128.Load(totals + 6) + Vector128.WidenUpper(_hi)).Store(totals + 6);
    }
}

/// <summary>No vectors: eight floats, each operation lane by lane (float.Sqrt and float.FusedMultiplyAdd: IEEE 754 operations, correctly rounded).</summary>
internal unsafe struct SingleLanesScalar : ISingleLanes8<SingleLanesScalar>
{
    private fixed float _l[8];

    public static SingleLanesScalar Zero => default;

    public static SingleLanesScalar Load(float* p)
    {
        SingleLanesScalar r = default;
        for (int k = 0; k < 8; k++) r._l[k] = p[k];
        return r;
    }

    public static SingleLanesScalar Broadcast(float x)
    {
        SingleLanesScalar r = default;
        for (int k = 0; k < 8; k++) r._l[k] = x;
        return r;
    }

    public static SingleLanesScalar Sub(SingleLanesScalar a, SingleLanesScalar b)
    {
        SingleLanesScalar r = default;
        for (int k = 0; k < 8; k++) r._l[k] = a._l[k] - b._l[k];
        return r;
    }

    public static SingleLanesScalar Mul(SingleLanesScalar a, SingleLanesScalar b)
    {
        SingleLanesScalar r = default;
        for (int k = 0; k < 8; k++) r._l[k] = a._l[k] * b._l[k];
        return r;
    }

    public static SingleLanesScalar Fma(SingleLanesScalar a, SingleLanesScalar b, SingleLanesScalar c)
    {
        SingleLanesScalar r = default;
        for (int k = 0; k < 8; k++) r._l[k] = float.FusedMultiplyAdd(a._l[k], b._l[k], c._l[k]);
        return r;
    }

    public static SingleLanesScalar Sqrt(SingleLanesScalar a)
    {
        SingleLanesScalar r = default;
        for (int k = 0; k < 8; k++) r._l[k] = float.Sqrt(a._l[k]);
        return r;
    }

    public readonly void AddWidenedTo(double* totals)
    {
        for (int k = 0; k < 8; k++) totals[k] += _l[k];
    }
}
