using System.Runtime.CompilerServices;

namespace SwarmCoverage.Control;

/// <summary>The faces active at a projection: at most d (row, side, multiplier) triples.</summary>
internal struct ActiveFaces
{
    public int Count;
    public int Row0, Row1, Row2;
    public double Side0, Side1, Side2;
    public double Lambda0, Lambda1, Lambda2;

    public readonly int Row(int k) => k switch { 0 => Row0, 1 => Row1, _ => Row2 };

    public readonly double Side(int k) => k switch { 0 => Side0, 1 => Side1, _ => Side2 };

    public readonly double Lambda(int k) => k switch { 0 => Lambda0, 1 => Lambda1, _ => Lambda2 };

    public void Set(int k, int row, double side, double lambda)
    {
        switch (k)
        {
            case 0: Row0 = row; Side0 = side; Lambda0 = lambda; break;
            case 1: Row1 = row; Side1 = side; Lambda1 = lambda; break;
            default: Row2 = row; Side2 = side; Lambda2 = lambda; break;
        }
    }

    public void SetLambda(int k, double lambda)
    {
        switch (k)
        {
            case 0: Lambda0 = lambda; break;
            case 1: Lambda1 = lambda; break;
            default: Lambda2 = lambda; break;
        }
    }

    public void RemoveAt(int k)
    {
        for (int m = k; m < Count - 1; m++)
        {
            Set(m, Row(m + 1), Side(m + 1), Lambda(m + 1));
        }

        Count--;
    }
}

/// <summary>
/// Exact Euclidean projection of a point onto a small polytope in 2-D or 3-D given as slabs lo_k &lt;= n_k . u &lt;= hi_k
/// (a robot's own constraints). The primary method is the dual active-set method of Goldfarb and Idnani specialised to an
/// identity Hessian: start at the point, add the most violated face, step along the part of its normal that keeps the
/// active faces, drop a face whose multiplier would turn negative; at most d faces are active, every step is a d x d
/// solve, and the result is the exact optimum up to rounding with its active faces and multipliers. When rounding makes it
/// cycle (iteration cap) the enumeration of candidate active sets (point, faces, edges, vertices) decides.
/// </summary>
internal static class PolytopeProjection
{
    /// <summary>Feasibility slack used when testing enumerated candidates (m/s).</summary>
    private const double FeasTol = 1e-12;

    /// <summary>
    /// Projects <paramref name="w"/> onto the polytope; writes the result to <paramref name="result"/>. Returns false when no
    /// candidate qualified (empty or numerically degenerate polytope); <paramref name="result"/> then holds the best-effort point.
    /// </summary>
    public static bool Project(int d, int rows, ReadOnlySpan<double> normals, ReadOnlySpan<double> lo, ReadOnlySpan<double> hi,
        ReadOnlySpan<double> w, Span<double> result)
    {
        var faces = default(ActiveFaces);
        return Project(d, rows, normals, lo, hi, w, result, ref faces);
    }

    /// <summary>As <see cref="Project(int, int, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double})"/>, also returning the active faces (empty when the enumeration fallback decided).</summary>
    public static bool Project(int d, int rows, ReadOnlySpan<double> normals, ReadOnlySpan<double> lo, ReadOnlySpan<double> hi,
        ReadOnlySpan<double> w, Span<double> result, ref ActiveFaces faces)
    {
        if (DualActiveSet(d, rows, normals, lo, hi, w, result, ref faces))
        {
            return true;
        }

        faces.Count = 0;
        bool ok = Enumerate(d, rows, normals, lo, hi, w, result);
        if (ok)
        {
            IdentifyFaces(d, rows, normals, lo, hi, result, ref faces);
        }

        return ok;
    }

    /// <summary>
    /// The projector onto the null space of the active faces' normals (d x d, row-major into <paramref name="j"/>): the
    /// derivative of the projection with respect to the projected point while the active set stays the same.
    /// </summary>
    public static void NullSpaceProjector(int d, ReadOnlySpan<double> normals, in ActiveFaces faces, Span<double> j)
    {
        j[..(d * d)].Clear();
        for (int a = 0; a < d; a++)
        {
            j[a * d + a] = 1;
        }

        int q = faces.Count;
        if (q == 0)
        {
            return;
        }

        if (q >= d)
        {
            // d independent active faces pin the point (a vertex): the derivative is zero.
            j[..(d * d)].Clear();
            return;
        }

        Span<double> g = stackalloc double[9];
        Span<double> nrm = stackalloc double[9];
        for (int k = 0; k < q; k++)
        {
            normals.Slice(faces.Row(k) * d, d).CopyTo(nrm.Slice(k * d, d));
        }

        Gram(d, q, nrm, g);
        Span<double> col = stackalloc double[3];
        Span<double> coef = stackalloc double[3];
        for (int a = 0; a < d; a++)
        {
            // Column a of N^T G^-1 N: coefficients G^-1 (N e_a).
            for (int k = 0; k < q; k++)
            {
                col[k] = nrm[k * d + a];
            }

            if (!SolveSmall(q, g, col, coef))
            {
                continue;
            }

            for (int b = 0; b < d; b++)
            {
                double s = 0;
                for (int k = 0; k < q; k++)
                {
                    s += nrm[k * d + b] * coef[k];
                }

                j[b * d + a] -= s;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool DualActiveSet(int d, int rows, ReadOnlySpan<double> normals, ReadOnlySpan<double> lo, ReadOnlySpan<double> hi,
        ReadOnlySpan<double> w, Span<double> u, ref ActiveFaces faces)
    {
        w[..d].CopyTo(u);
        faces.Count = 0;
        Span<double> a = stackalloc double[3];
        Span<double> z = stackalloc double[3];
        Span<double> r = stackalloc double[3];
        Span<double> nrm = stackalloc double[9];
        Span<double> g = stackalloc double[9];
        Span<double> rhs = stackalloc double[3];
        int maxIter = 4 * rows + 16;
        for (int it = 0; it < maxIter; it++)
        {
            // The most violated face (distance in u, i.e. scaled by 1/|n|), active faces excluded.
            int p = -1;
            double side = 0, worst = 0;
            for (int k = 0; k < rows; k++)
            {
                if (IsActive(in faces, k))
                {
                    continue;
                }

                var nk = normals.Slice(k * d, d);
                double t = Dot(d, nk, u);
                double nn = Math.Sqrt(Dot(d, nk, nk));
                double tol = 1e-14 * (1 + Math.Abs(t));
                double vLo = lo[k] - t;
                double vHi = t - hi[k];
                if (vLo > tol && vLo > worst * nn)
                {
                    p = k;
                    side = 1;
                    worst = vLo / nn;
                }

                if (vHi > tol && vHi > worst * nn)
                {
                    p = k;
                    side = -1;
                    worst = vHi / nn;
                }

                if (double.IsNaN(t))
                {
                    return false;
                }
            }

            if (p < 0)
            {
                return true;
            }

            for (int c = 0; c < d; c++)
            {
                a[c] = side * normals[p * d + c];
            }

            double b = side > 0 ? lo[p] : -hi[p];
            double aa = Dot(d, a, a);
            double lambdaP = 0;
            bool added = false;
            for (int inner = 0; inner <= d + 1 && !added; inner++)
            {
                int q = faces.Count;
                // z = (I - N^T G^-1 N) a, r = G^-1 N a, with N the active normals (sides applied).
                a.CopyTo(z);
                if (q > 0)
                {
                    for (int k = 0; k < q; k++)
                    {
                        double sk = faces.Side(k);
                        int row = faces.Row(k);
                        for (int c = 0; c < d; c++)
                        {
                            nrm[k * d + c] = sk * normals[row * d + c];
                        }

                        rhs[k] = Dot(d, nrm.Slice(k * d, d), a);
                    }

                    Gram(d, q, nrm, g);
                    if (!SolveSmall(q, g, rhs, r))
                    {
                        return false;
                    }

                    for (int k = 0; k < q; k++)
                    {
                        for (int c = 0; c < d; c++)
                        {
                            z[c] -= r[k] * nrm[k * d + c];
                        }
                    }
                }

                double zz = Dot(d, z, z);
                double t1 = zz > 1e-18 * aa ? (b - Dot(d, a, u)) / zz : double.PositiveInfinity;
                double t2 = double.PositiveInfinity;
                int block = -1;
                for (int k = 0; k < q; k++)
                {
                    if (r[k] > 1e-15)
                    {
                        double ratio = faces.Lambda(k) / r[k];
                        if (ratio < t2)
                        {
                            t2 = ratio;
                            block = k;
                        }
                    }
                }

                if (double.IsPositiveInfinity(t1) && block < 0)
                {
                    return false; // empty polytope (or numerically so)
                }

                double step = Math.Min(t1, t2);
                if (step > 0)
                {
                    for (int c = 0; c < d; c++)
                    {
                        u[c] += step * z[c];
                    }

                    for (int k = 0; k < q; k++)
                    {
                        faces.SetLambda(k, Math.Max(0.0, faces.Lambda(k) - step * r[k]));
                    }

                    lambdaP += step;
                }

                if (t1 <= t2)
                {
                    if (q >= 3)
                    {
                        return false;
                    }

                    faces.Count = q + 1;
                    faces.Set(q, p, side, lambdaP);
                    added = true;
                }
                else
                {
                    faces.RemoveAt(block);
                }
            }

            if (!added)
            {
                return false;
            }
        }

        return false;
    }

    private static bool IsActive(in ActiveFaces faces, int row)
    {
        for (int k = 0; k < faces.Count; k++)
        {
            if (faces.Row(k) == row)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>After the enumeration: faces with zero slack at the result, as a best effort for the derivative.</summary>
    private static void IdentifyFaces(int d, int rows, ReadOnlySpan<double> normals, ReadOnlySpan<double> lo, ReadOnlySpan<double> hi,
        ReadOnlySpan<double> u, ref ActiveFaces faces)
    {
        faces.Count = 0;
        for (int k = 0; k < rows && faces.Count < d; k++)
        {
            double t = Dot(d, normals.Slice(k * d, d), u);
            double tol = 1e-12 * (1 + Math.Abs(t));
            if (Math.Abs(t - lo[k]) <= tol)
            {
                faces.Set(faces.Count++, k, 1, 0);
            }
            else if (Math.Abs(t - hi[k]) <= tol)
            {
                faces.Set(faces.Count++, k, -1, 0);
            }
        }
    }

    private static void Gram(int d, int q, ReadOnlySpan<double> nrm, Span<double> g)
    {
        for (int k = 0; k < q; k++)
        {
            for (int m = 0; m <= k; m++)
            {
                double s = Dot(d, nrm.Slice(k * d, d), nrm.Slice(m * d, d));
                g[k * q + m] = s;
                g[m * q + k] = s;
            }
        }
    }

    /// <summary>Solves the q x q (q &lt;= 3) symmetric system g x = b by Cramer's rule; false when singular.</summary>
    public static bool SolveSmall(int q, ReadOnlySpan<double> g, ReadOnlySpan<double> b, Span<double> x)
    {
        switch (q)
        {
            case 1:
                if (!(g[0] > 0))
                {
                    return false;
                }

                x[0] = b[0] / g[0];
                return true;
            case 2:
            {
                double det = g[0] * g[3] - g[1] * g[2];
                if (!(Math.Abs(det) > 1e-24 * g[0] * g[3]))
                {
                    return false;
                }

                x[0] = (b[0] * g[3] - g[1] * b[1]) / det;
                x[1] = (g[0] * b[1] - g[2] * b[0]) / det;
                return true;
            }

            default:
            {
                double c00 = g[4] * g[8] - g[5] * g[7], c01 = g[5] * g[6] - g[3] * g[8], c02 = g[3] * g[7] - g[4] * g[6];
                double det = g[0] * c00 + g[1] * c01 + g[2] * c02;
                if (!(Math.Abs(det) > 1e-30 * g[0] * g[4] * g[8]))
                {
                    return false;
                }

                double c10 = g[2] * g[7] - g[1] * g[8], c11 = g[0] * g[8] - g[2] * g[6], c12 = g[1] * g[6] - g[0] * g[7];
                double c20 = g[1] * g[5] - g[2] * g[4], c21 = g[2] * g[3] - g[0] * g[5], c22 = g[0] * g[4] - g[1] * g[3];
                x[0] = (c00 * b[0] + c10 * b[1] + c20 * b[2]) / det;
                x[1] = (c01 * b[0] + c11 * b[1] + c21 * b[2]) / det;
                x[2] = (c02 * b[0] + c12 * b[1] + c22 * b[2]) / det;
                return true;
            }
        }
    }

    /// <summary>
    /// The enumeration fallback: the point itself, then the projection onto each violated face, then onto each edge (pair of
    /// faces, one violated), then (3-D) each vertex; the first candidate that is feasible and satisfies the KKT sign conditions
    /// is the unique optimum.
    /// </summary>
    private static bool Enumerate(int d, int rows, ReadOnlySpan<double> normals, ReadOnlySpan<double> lo, ReadOnlySpan<double> hi,
        ReadOnlySpan<double> w, Span<double> result)
    {
        w[..d].CopyTo(result);
        if (MaxViolation(d, rows, normals, lo, hi, w) <= 0)
        {
            return true;
        }

        Span<double> cand = stackalloc double[3];
        for (int k = 0; k < rows; k++)
        {
            var nk = normals.Slice(k * d, d);
            double t = Dot(d, nk, w);
            double target = t > hi[k] ? hi[k] : t < lo[k] ? lo[k] : double.NaN;
            if (double.IsNaN(target))
            {
                continue;
            }

            double nn = Dot(d, nk, nk);
            double step = (t - target) / nn;
            for (int a = 0; a < d; a++)
            {
                cand[a] = w[a] - step * nk[a];
            }

            if (MaxViolation(d, rows, normals, lo, hi, cand[..d]) <= FeasTol * (1 + Math.Abs(target)))
            {
                cand[..d].CopyTo(result);
                return true;
            }
        }

        Span<double> best = stackalloc double[3];
        double bestDist = double.PositiveInfinity;
        for (int k = 0; k < rows; k++)
        {
            var nk = normals.Slice(k * d, d);
            double tk = Dot(d, nk, w);
            if (tk <= hi[k] && tk >= lo[k])
            {
                continue;
            }

            for (int l = 0; l < rows; l++)
            {
                if (l == k)
                {
                    continue;
                }

                for (int sideL = 0; sideL < 2; sideL++)
                {
                    double bl = sideL == 0 ? hi[l] : lo[l];
                    if (!double.IsFinite(bl))
                    {
                        continue;
                    }

                    double bk = tk > hi[k] ? hi[k] : lo[k];
                    if (TwoFaces(d, nk, bk, normals.Slice(l * d, d), bl, w, cand, out double lk, out double ll)
                        && lk * (tk > hi[k] ? 1 : -1) >= -1e-15 && ll * (sideL == 0 ? 1 : -1) >= -1e-15
                        && MaxViolation(d, rows, normals, lo, hi, cand[..d]) <= FeasTol * (1 + Math.Abs(bk) + Math.Abs(bl)))
                    {
                        cand[..d].CopyTo(result);
                        return true;
                    }
                }
            }
        }

        if (d == 3)
        {
            for (int k = 0; k < rows; k++)
            {
                double tk = Dot(3, normals.Slice(k * 3, 3), w);
                if (tk <= hi[k] && tk >= lo[k])
                {
                    continue;
                }

                double bk = tk > hi[k] ? hi[k] : lo[k];
                for (int l = 0; l < rows; l++)
                {
                    for (int m = l + 1; m < rows; m++)
                    {
                        if (l == k || m == k)
                        {
                            continue;
                        }

                        for (int sides = 0; sides < 4; sides++)
                        {
                            double bl = (sides & 1) == 0 ? hi[l] : lo[l];
                            double bm = (sides & 2) == 0 ? hi[m] : lo[m];
                            if (!double.IsFinite(bl) || !double.IsFinite(bm)
                                || !Vertex(normals.Slice(k * 3, 3), bk, normals.Slice(l * 3, 3), bl, normals.Slice(m * 3, 3), bm, cand)
                                || MaxViolation(3, rows, normals, lo, hi, cand) > FeasTol * (1 + Math.Abs(bk) + Math.Abs(bl) + Math.Abs(bm)))
                            {
                                continue;
                            }

                            double dist = 0;
                            for (int a = 0; a < 3; a++)
                            {
                                dist += (cand[a] - w[a]) * (cand[a] - w[a]);
                            }

                            if (dist < bestDist)
                            {
                                bestDist = dist;
                                cand.CopyTo(best);
                            }
                        }
                    }
                }
            }

            if (bestDist < double.PositiveInfinity)
            {
                best.CopyTo(result);
                return true;
            }
        }

        return false;
    }

    private static bool TwoFaces(int d, ReadOnlySpan<double> nk, double bk, ReadOnlySpan<double> nl, double bl, ReadOnlySpan<double> w,
        Span<double> u, out double lk, out double ll)
    {
        double kk = Dot(d, nk, nk), kl = Dot(d, nk, nl), lll = Dot(d, nl, nl);
        double det = kk * lll - kl * kl;
        lk = ll = 0;
        if (!(det > 1e-14 * kk * lll))
        {
            return false;
        }

        double rk = Dot(d, nk, w) - bk, rl = Dot(d, nl, w) - bl;
        lk = (rk * lll - rl * kl) / det;
        ll = (rl * kk - rk * kl) / det;
        for (int a = 0; a < d; a++)
        {
            u[a] = w[a] - lk * nk[a] - ll * nl[a];
        }

        return true;
    }

    private static bool Vertex(ReadOnlySpan<double> a, double ba, ReadOnlySpan<double> b, double bb, ReadOnlySpan<double> c, double bc, Span<double> u)
    {
        double bxc0 = b[1] * c[2] - b[2] * c[1], bxc1 = b[2] * c[0] - b[0] * c[2], bxc2 = b[0] * c[1] - b[1] * c[0];
        double det = a[0] * bxc0 + a[1] * bxc1 + a[2] * bxc2;
        if (Math.Abs(det) <= 1e-12)
        {
            return false;
        }

        double cxa0 = c[1] * a[2] - c[2] * a[1], cxa1 = c[2] * a[0] - c[0] * a[2], cxa2 = c[0] * a[1] - c[1] * a[0];
        double axb0 = a[1] * b[2] - a[2] * b[1], axb1 = a[2] * b[0] - a[0] * b[2], axb2 = a[0] * b[1] - a[1] * b[0];
        u[0] = (ba * bxc0 + bb * cxa0 + bc * axb0) / det;
        u[1] = (ba * bxc1 + bb * cxa1 + bc * axb1) / det;
        u[2] = (ba * bxc2 + bb * cxa2 + bc * axb2) / det;
        return true;
    }

    public static double MaxViolation(int d, int rows, ReadOnlySpan<double> normals, ReadOnlySpan<double> lo, ReadOnlySpan<double> hi, ReadOnlySpan<double> u)
    {
        double worst = 0;
        for (int k = 0; k < rows; k++)
        {
            double t = Dot(d, normals.Slice(k * d, d), u);
            double v = Math.Max(t - hi[k], lo[k] - t);
            if (!(v <= worst))
            {
                worst = double.IsNaN(v) ? double.PositiveInfinity : v;
            }
        }

        return worst;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Dot(int d, ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = a[0] * b[0] + a[1] * b[1];
        if (d == 3)
        {
            s += a[2] * b[2];
        }

        return s;
    }
}
