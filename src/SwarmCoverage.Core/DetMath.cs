using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SwarmCoverage.Core;

/// <summary>
/// Elementary functions computed with plain IEEE double operations only (no libm, no fused
/// multiply-add), so that they give the same bits on every machine, operating system and runtime.
/// The blob field depends on them for its promise that the same positions give bit-identical
/// velocities everywhere (decentralized controllers must agree).
/// </summary>
public static class DetMath
{
    private const double Ln2Hi = 6.93147180369123816490e-01; // upper bits of ln 2 (fdlibm)
    private const double Ln2Lo = 1.90821492927058770002e-10; // ln 2 - Ln2Hi
    private const double InvLn2 = 1.44269504088896338700e+00;

    /// <summary>
    /// exp(x) with a relative error of a few units in the last place over the whole range.
    /// Range reduction x = k ln 2 + r with |r| &lt;= ln(2)/2 (Cody-Waite, two-part ln 2), a degree-13 Taylor
    /// polynomial for exp(r) (truncation error below 1e-17), and an exact scaling by 2^k.
    /// </summary>
    public static double Exp(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x > 709.782712893384) return double.PositiveInfinity;
        if (x < -745.2) return 0.0;
        double kd = Math.Round(x * InvLn2, MidpointRounding.ToEven);
        double r = (x - kd * Ln2Hi) - kd * Ln2Lo;
        // Horner on the Taylor series of exp(r) - 1 - r, then add back; |r| <= 0.3466.
        double p = 1.0 / 6227020800.0;           // 1/13!
        p = p * r + 1.0 / 479001600.0;           // 1/12!
        p = p * r + 1.0 / 39916800.0;            // 1/11!
        p = p * r + 1.0 / 3628800.0;             // 1/10!
        p = p * r + 1.0 / 362880.0;              // 1/9!
        p = p * r + 1.0 / 40320.0;               // 1/8!
        p = p * r + 1.0 / 5040.0;                // 1/7!
        p = p * r + 1.0 / 720.0;                 // 1/6!
        p = p * r + 1.0 / 120.0;                 // 1/5!
        p = p * r + 1.0 / 24.0;                  // 1/4!
        p = p * r + 1.0 / 6.0;                   // 1/3!
        p = p * r + 0.5;                         // 1/2!
        double er = 1.0 + (r + r * r * p);
        return Math.ScaleB(er, (int)kd);
    }

    /// <summary>
    /// <see cref="Exp"/> of four numbers at once: the same operations in the same order on each lane, so each lane has
    /// exactly the bits of <see cref="Exp"/> of it, on every vector width (lanes are plain IEEE operations; without
    /// hardware vectors the runtime does them one by one). Lanes outside [-708, 709] or NaN take the scalar path, whose
    /// guards and subnormal scaling they need; inside, the scaling by 2^k is an exact multiplication by a normal power of two.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Exp4(Vector256<double> x)
    {
        // Written as !(all in range) so that NaN lanes (which compare false) go to the scalar path too.
        if (!Vector256.LessThanOrEqualAll(Vector256.Abs(x - Vector256.Create(0.5)), Vector256.Create(708.5)))
            return Vector256.Create(Exp(x.GetElement(0)), Exp(x.GetElement(1)), Exp(x.GetElement(2)), Exp(x.GetElement(3)));
        var kd = Vector256.Round(x * Vector256.Create(InvLn2));
        var r = (x - kd * Vector256.Create(Ln2Hi)) - kd * Vector256.Create(Ln2Lo);
        var p = Vector256.Create(1.0 / 6227020800.0);
        p = p * r + Vector256.Create(1.0 / 479001600.0);
        p = p * r + Vector256.Create(1.0 / 39916800.0);
        p = p * r + Vector256.Create(1.0 / 3628800.0);
        p = p * r + Vector256.Create(1.0 / 362880.0);
        p = p * r + Vector256.Create(1.0 / 40320.0);
        p = p * r + Vector256.Create(1.0 / 5040.0);
        p = p * r + Vector256.Create(1.0 / 720.0);
        p = p * r + Vector256.Create(1.0 / 120.0);
        p = p * r + Vector256.Create(1.0 / 24.0);
        p = p * r + Vector256.Create(1.0 / 6.0);
        p = p * r + Vector256.Create(0.5);
        var er = Vector256.Create(1.0) + (r + r * r * p);
        // 2^k from its exponent field: k + 1023 + 2^52 holds k + 1023 in its low mantissa bits exactly.
        var biased = (kd + Vector256.Create(1023.0 + 4503599627370496.0)).AsInt64() - Vector256.Create(0x4330000000000000L);
        return er * Vector256.ShiftLeft(biased, 52).AsDouble();
    }

    // pi/2 in three parts (fdlibm's pio2_1, pio2_1t split further) for Cody-Waite reduction.
    private const double PiO2Hi = 1.57079632673412561417e+00;
    private const double PiO2Mid = 6.07710050630396597660e-11;
    private const double PiO2Lo = 2.02226624879595063154e-21;
    private const double TwoOverPi = 6.36619772367581382433e-01;

    /// <summary>
    /// sin(x) and cos(x) within a couple of units in the last place for |x| up to about 1e6 (three-part
    /// Cody-Waite reduction by pi/2, Taylor polynomials on [-pi/4, pi/4]). Larger arguments are reduced modulo
    /// 2 pi first (less accurate, still the same bits everywhere).
    /// </summary>
    public static (double Sin, double Cos) SinCos(double x)
    {
        if (!double.IsFinite(x)) return (double.NaN, double.NaN);
        if (Math.Abs(x) > 1e6)
        {
            const double twoPi = 2 * Math.PI;
            x -= twoPi * Math.Round(x / twoPi, MidpointRounding.ToEven);
        }
        double k = Math.Round(x * TwoOverPi, MidpointRounding.ToEven);
        double r = ((x - k * PiO2Hi) - k * PiO2Mid) - k * PiO2Lo;
        double r2 = r * r;
        // sin r = r (1 - r^2/3! + r^4/5! - ...), up to r^17
        double ps = -1.0 / 355687428096000.0;            // -1/17!
        ps = ps * r2 + 1.0 / 1307674368000.0;            // 1/15!
        ps = ps * r2 - 1.0 / 6227020800.0;               // -1/13!
        ps = ps * r2 + 1.0 / 39916800.0;                 // 1/11!
        ps = ps * r2 - 1.0 / 362880.0;                   // -1/9!
        ps = ps * r2 + 1.0 / 5040.0;                     // 1/7!
        ps = ps * r2 - 1.0 / 120.0;                      // -1/5!
        ps = ps * r2 + 1.0 / 6.0;                        // 1/3!
        double sin = r - r * r2 * ps;
        // cos r = 1 - r^2/2! + r^4/4! - ..., up to r^18
        double pc = -1.0 / 6402373705728000.0;           // -1/18!
        pc = pc * r2 + 1.0 / 20922789888000.0;           // 1/16!
        pc = pc * r2 - 1.0 / 87178291200.0;              // -1/14!
        pc = pc * r2 + 1.0 / 479001600.0;                // 1/12!
        pc = pc * r2 - 1.0 / 3628800.0;                  // -1/10!
        pc = pc * r2 + 1.0 / 40320.0;                    // 1/8!
        pc = pc * r2 - 1.0 / 720.0;                      // -1/6!
        pc = pc * r2 + 1.0 / 24.0;                       // 1/4!
        double cos = 1.0 - 0.5 * r2 + r2 * r2 * pc;
        int q = (int)((long)k & 3);
        return q switch
        {
            0 => (sin, cos),
            1 => (cos, -sin),
            2 => (-sin, -cos),
            _ => (-cos, sin),
        };
    }

    /// <summary>atan2(y, x) within 4 units in the last place of glibc's (measured over 2e6 random pairs), with the IEEE special cases of Math.Atan2.</summary>
    public static double Atan2(double y, double x)
    {
        if (double.IsNaN(x) || double.IsNaN(y)) return double.NaN;
        if (y == 0)
        {
            if (x > 0 || (x == 0 && !double.IsNegative(x))) return y;          // +-0
            return double.IsNegative(y) ? -Math.PI : Math.PI;
        }
        if (double.IsInfinity(x) || double.IsInfinity(y))
        {
            if (double.IsInfinity(x) && double.IsInfinity(y))
            {
                double a = x > 0 ? Math.PI / 4 : 3 * Math.PI / 4;
                return y > 0 ? a : -a;
            }
            if (double.IsInfinity(y)) return y > 0 ? Math.PI / 2 : -Math.PI / 2;
            return x > 0 ? (y > 0 ? 0.0 : -0.0) : (y > 0 ? Math.PI : -Math.PI);
        }
        double ax = Math.Abs(x), ay = Math.Abs(y);
        double t;
        bool swap = ay > ax;
        t = swap ? ax / ay : ay / ax;                 // in [0, 1]
        double angle = Atan01(t);
        if (swap) angle = Math.PI / 2 - angle;
        if (x < 0) angle = Math.PI - angle;
        return y < 0 ? -angle : angle;
    }

    /// <summary>atan(t) for t in [0, 1]: two half-angle reductions to t &lt;= 0.1, then the Taylor series.</summary>
    private static double Atan01(double t)
    {
        // atan(t) = 2 atan(t / (1 + sqrt(1 + t^2)))
        double u = t / (1.0 + Math.Sqrt(1.0 + t * t));
        u = u / (1.0 + Math.Sqrt(1.0 + u * u));
        double u2 = u * u;
        // atan u = u - u^3/3 + u^5/5 - ... up to u^23 (0.1^25/25 < 1e-26)
        double p = 1.0 / 23;
        p = p * -u2 + 1.0 / 21;
        p = p * -u2 + 1.0 / 19;
        p = p * -u2 + 1.0 / 17;
        p = p * -u2 + 1.0 / 15;
        p = p * -u2 + 1.0 / 13;
        p = p * -u2 + 1.0 / 11;
        p = p * -u2 + 1.0 / 9;
        p = p * -u2 + 1.0 / 7;
        p = p * -u2 + 1.0 / 5;
        p = p * -u2 + 1.0 / 3;
        double atanU = u - u * u2 * p;
        return 4 * atanU;
    }
}
