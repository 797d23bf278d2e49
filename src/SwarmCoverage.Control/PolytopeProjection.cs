namespace SwarmCoverage.Control;

/// <summary>
/// Exact Euclidean projection of a point onto a small polytope in 2-D or 3-D given as slabs lo_k &lt;= n_k . u &lt;= hi_k
/// (a robot's own constraints). Uses the fact that the projection has at most d active faces: it tries the point itself,
/// then the projection onto each violated face, then onto each edge (pair of faces, one violated), then (3-D) each vertex,
/// and returns the first candidate that is feasible and satisfies the KKT sign conditions, which is the unique optimum.
/// </summary>
internal static class PolytopeProjection
{
    /// <summary>Feasibility slack used when testing candidates (m/s).</summary>
    private const double FeasTol = 1e-12;

    /// <summary>
    /// Projects <paramref name="w"/> onto the polytope; writes the result to <paramref name="result"/>. Returns false when no
    /// candidate qualified (empty or numerically degenerate polytope); <paramref name="result"/> then holds the best-effort point.
    /// </summary>
    public static bool Project(int d, int rows, ReadOnlySpan<double> normals, ReadOnlySpan<double> lo, ReadOnlySpan<double> hi,
        ReadOnlySpan<double> w, Span<double> result)
    {
        w.CopyTo(result);
        if (MaxViolation(d, rows, normals, lo, hi, w) <= 0)
        {
            return true;
        }

        Span<double> cand = stackalloc double[3];
        // Faces: the projection onto a violated face's half-space, if feasible, is the answer (it projects onto a superset).
        for (int k = 0; k < rows; k++)
        {
            var nk = normals.Slice(k * d, d);
            double t = Dot(nk, w);
            double target = t > hi[k] ? hi[k] : t < lo[k] ? lo[k] : double.NaN;
            if (double.IsNaN(target))
            {
                continue;
            }

            double nn = Dot(nk, nk);
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

        // Edges (2-D: vertices): two active faces k (violated by w) and l.
        Span<double> best = stackalloc double[3];
        double bestDist = double.PositiveInfinity;
        for (int k = 0; k < rows; k++)
        {
            var nk = normals.Slice(k * d, d);
            double tk = Dot(nk, w);
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
                        && lk * (tk > hi[k] ? 1 : -1) >= -1e-15 && ll * (sideL == 0 ? 1 : -1) >= -1e-15)
                    {
                        if (MaxViolation(d, rows, normals, lo, hi, cand[..d]) <= FeasTol * (1 + Math.Abs(bk) + Math.Abs(bl)))
                        {
                            cand[..d].CopyTo(result);
                            return true;
                        }
                    }
                }
            }
        }

        if (d == 3)
        {
            // Vertices: three active faces, the first violated by w.
            for (int k = 0; k < rows; k++)
            {
                double tk = Dot(normals.Slice(k * 3, 3), w);
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
                                || !Vertex(normals.Slice(k * 3, 3), bk, normals.Slice(l * 3, 3), bl, normals.Slice(m * 3, 3), bm, cand))
                            {
                                continue;
                            }

                            double viol = MaxViolation(3, rows, normals, lo, hi, cand);
                            if (viol > FeasTol * (1 + Math.Abs(bk) + Math.Abs(bl) + Math.Abs(bm)))
                            {
                                continue;
                            }

                            double dist = 0;
                            for (int a = 0; a < 3; a++)
                            {
                                dist += (cand[a] - w[a]) * (cand[a] - w[a]);
                            }

                            // The optimum is the closest feasible vertex when no face or edge qualified.
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

    /// <summary>Projection of w onto {n_k . u = b_k, n_l . u = b_l} with multipliers (w - u = lk n_k + ll n_l).</summary>
    private static bool TwoFaces(int d, ReadOnlySpan<double> nk, double bk, ReadOnlySpan<double> nl, double bl, ReadOnlySpan<double> w,
        Span<double> u, out double lk, out double ll)
    {
        double kk = Dot(nk, nk), kl = Dot(nk, nl), lll = Dot(nl, nl);
        double det = kk * lll - kl * kl;
        lk = ll = 0;
        if (!(det > 1e-14 * kk * lll))
        {
            return false;
        }

        double rk = Dot(nk, w) - bk, rl = Dot(nl, w) - bl;
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
        // Cramer's rule with cross products.
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
            double t = Dot(normals.Slice(k * d, d), u);
            double v = Math.Max(t - hi[k], lo[k] - t);
            if (!(v <= worst))
            {
                worst = double.IsNaN(v) ? double.PositiveInfinity : v;
            }
        }

        return worst;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = a[0] * b[0] + a[1] * b[1];
        if (a.Length == 3)
        {
            s += a[2] * b[2];
        }

        return s;
    }
}
