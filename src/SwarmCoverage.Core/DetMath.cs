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
}
