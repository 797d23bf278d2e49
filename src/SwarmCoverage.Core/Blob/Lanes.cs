using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SwarmCoverage.Core.Blob;

/// <summary>
/// Four double lanes. The blob kernels are written once against this interface and specialized by
/// the JIT for each implementation. Every implementation computes lane-wise fused multiply-adds and
/// the same horizontal sum order <c>(l0 + l1) + (l2 + l3)</c>, so all of them give identical bits:
/// results do not depend on the machine's vector width.
/// </summary>
internal unsafe interface ILanes4<TSelf> where TSelf : struct, ILanes4<TSelf>
{
    static abstract TSelf Zero { get; }
    static abstract TSelf Load(double* p);
    static abstract TSelf Broadcast(double x);
    static abstract TSelf Create(double l0, double l1, double l2, double l3);
    static abstract TSelf Mul(TSelf a, TSelf b);
    static abstract TSelf Sub(TSelf a, TSelf b);
    static abstract TSelf Add(TSelf a, TSelf b);

    /// <summary>Correctly rounded square root per lane (IEEE 754, as Math.Sqrt).</summary>
    static abstract TSelf Sqrt(TSelf a);

    /// <summary>a * b + c, one rounding per lane.</summary>
    static abstract TSelf Fma(TSelf a, TSelf b, TSelf c);

    void Store(double* p);
    double Sum();
}

/// <summary>AVX2: one Vector256.</summary>
internal readonly unsafe struct Lanes256 : ILanes4<Lanes256>
{
    private readonly Vector256<double> _v;
    private Lanes256(Vector256<double> v) => _v = v;

    public static Lanes256 Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Vector256<double>.Zero);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Load(double* p) => new(Vector256.Load(p));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Broadcast(double x) => new(Vector256.Create(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Create(double l0, double l1, double l2, double l3) => new(Vector256.Create(l0, l1, l2, l3));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Mul(Lanes256 a, Lanes256 b) => new(a._v * b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Sub(Lanes256 a, Lanes256 b) => new(a._v - b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Add(Lanes256 a, Lanes256 b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Sqrt(Lanes256 a) => new(Vector256.Sqrt(a._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Fma(Lanes256 a, Lanes256 b, Lanes256 c) => new(Vector256.FusedMultiplyAdd(a._v, b._v, c._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(double* p) => _v.Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Sum() => (_v.GetElement(0) + _v.GetElement(1)) + (_v.GetElement(2) + _v.GetElement(3));
}

/// <summary>SSE/NEON: two Vector128 holding lanes (0,1) and (2,3).</summary>
internal readonly unsafe struct Lanes128x2 : ILanes4<Lanes128x2>
{
    private readonly Vector128<double> _lo;
    private readonly Vector128<double> _hi;
    private Lanes128x2(Vector128<double> lo, Vector128<double> hi) { _lo = lo; _hi = hi; }

    public static Lanes128x2 Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Vector128<double>.Zero, Vector128<double>.Zero);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 Load(double* p) => new(Vector128.Load(p), Vector128.Load(p + 2));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 Broadcast(double x) => new(Vector128.Create(x), Vector128.Create(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 Create(double l0, double l1, double l2, double l3) => new(Vector128.Create(l0, l1), Vector128.Create(l2, l3));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 Mul(Lanes128x2 a, Lanes128x2 b) => new(a._lo * b._lo, a._hi * b._hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 Sub(Lanes128x2 a, Lanes128x2 b) => new(a._lo - b._lo, a._hi - b._hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 Add(Lanes128x2 a, Lanes128x2 b) => new(a._lo + b._lo, a._hi + b._hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 Sqrt(Lanes128x2 a) => new(Vector128.Sqrt(a._lo), Vector128.Sqrt(a._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 Fma(Lanes128x2 a, Lanes128x2 b, Lanes128x2 c) =>
        new(Vector128.FusedMultiplyAdd(a._lo, b._lo, c._lo), Vector128.FusedMultiplyAdd(a._hi, b._hi, c._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(double* p) { _lo.Store(p); _hi.Store(p + 2); }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Sum() => (_lo.GetElement(0) + _lo.GetElement(1)) + (_hi.GetElement(0) + _hi.GetElement(1));
}

/// <summary>Plain scalar code with Math.FusedMultiplyAdd: the reference the SIMD paths are checked against.</summary>
internal readonly unsafe struct LanesScalar : ILanes4<LanesScalar>
{
    private readonly double _a, _b, _c, _d;
    private LanesScalar(double a, double b, double c, double d) { _a = a; _b = b; _c = c; _d = d; }

    public static LanesScalar Zero => default;

    public static LanesScalar Load(double* p) => new(p[0], p[1], p[2], p[3]);

    public static LanesScalar Broadcast(double x) => new(x, x, x, x);

    public static LanesScalar Create(double l0, double l1, double l2, double l3) => new(l0, l1, l2, l3);

    public static LanesScalar Mul(LanesScalar a, LanesScalar b) => new(a._a * b._a, a._b * b._b, a._c * b._c, a._d * b._d);

    public static LanesScalar Sub(LanesScalar a, LanesScalar b) => new(a._a - b._a, a._b - b._b, a._c - b._c, a._d - b._d);

    public static LanesScalar Add(LanesScalar a, LanesScalar b) => new(a._a + b._a, a._b + b._b, a._c + b._c, a._d + b._d);

    public static LanesScalar Sqrt(LanesScalar a) => new(Math.Sqrt(a._a), Math.Sqrt(a._b), Math.Sqrt(a._c), Math.Sqrt(a._d));

    public static LanesScalar Fma(LanesScalar a, LanesScalar b, LanesScalar c) => new(
        Math.FusedMultiplyAdd(a._a, b._a, c._a), Math.FusedMultiplyAdd(a._b, b._b, c._b),
        Math.FusedMultiplyAdd(a._c, b._c, c._c), Math.FusedMultiplyAdd(a._d, b._d, c._d));

    public void Store(double* p) { p[0] = _a; p[1] = _b; p[2] = _c; p[3] = _d; }

    public double Sum() => (_a + _b) + (_c + _d);
}

/// <summary>Which lane implementation the kernels use.</summary>
public enum KernelPath
{
    /// <summary>The widest accelerated path on this machine.</summary>
    Auto,
    Vector256,
    Vector128,
    Scalar,
}
