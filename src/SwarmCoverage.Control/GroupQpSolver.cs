using System.Runtime.CompilerServices;
using static SwarmCoverage.Control.SmallVector;

namespace SwarmCoverage.Control;

/// <summary>The outcome of <see cref="GroupQpSolver.Solve"/>.</summary>
internal enum GroupSolveStatus
{
    /// <summary>The optimum of the tightened QP to the tolerance; every original row holds.</summary>
    Converged,

    /// <summary>Not converged within the budgets; the fallback on the segment from the witness holds every original row.</summary>
    FeasibleNotConverged,

    /// <summary>Not even the witness passed the final check (a numerical failure); the caller commands the witness.</summary>
    Failed,
}

/// <summary>
/// The QP solver of one coupled group (docs/safety-filter.md, "The solver"):
/// <c>min |u - u_nom|^2 / 2 s.t. lo_r &lt;= a_r . u &lt;= hi_r</c> over the group's own and coupling rows, by the proximal
/// augmented Lagrangian method with semismooth Newton inner steps and an exact line search (Hermans, Themelis and Patrinos,
/// "QPALM", 2019), specialised to the identity Hessian. For fixed multipliers y and penalties sigma the inner function
/// <c>phi(u) = |u - u_nom|^2 / 2 + sum_r sigma_r dist^2(a_r . u + y_r / sigma_r, [lo_r, hi_r]) / 2</c>
/// is strongly convex and piecewise quadratic: its generalized Hessian <c>I + sum_active sigma_r a_r a_r^T</c> is at least the
/// identity however degenerate the constraints are (a jammed crowd has more contacts than degrees of freedom), a Newton step
/// solves it by a sparse block Cholesky over the robots, and the line search finds the exact minimiser along the step by
/// walking the sorted breakpoints. Then y = sigma (z - proj(z)) and sigma grows for rows whose violation did not shrink;
/// after every multiplier update the active set the multipliers name is polished exactly. The result is accepted when every
/// tightened row holds to the tolerance with a vanishing Lagrangian gradient; every original row is then checked, and a
/// group that does not converge gets the fallback on the segment from the witness. It reads only its arguments: the rows
/// (<see cref="QpRows"/>), the group's robots and coupling rows, the nominal, the witness (a point that meets every
/// original row: the braking commands) and the start (the previous commands). Deterministic: fixed iteration order, no
/// state between calls. Not thread-safe; allocation-free once its buffers fit the largest problem seen.
/// </summary>
internal sealed class GroupQpSolver
{
    private const double SigmaInitial = 1e4;

    /// <summary>Groups of more robots get a step budget that shrinks with their size.</summary>
    internal const int LargeGroupRobots = 100;

    /// <summary>
    /// Rounding allowance (m/s) of the final check of every original row: a row the braking command meets exactly (robots in
    /// contact at rest) has no tightening room, and the solution's row value can fall an ulp short of its bound.
    /// </summary>
    internal const double VerifySlackMps = 1e-12;
    private const double SigmaMax = 1e10;

    /// <summary>Rows whose multiplier is below this (m/s) are left out of the polish's active-set guess (rounding noise).</summary>
    private const double PolishMultiplierMps = 1e-9;

    private readonly int _dim;
    private readonly double _tol;
    private readonly int _maxNewtonSteps;
    private readonly double _workBudgetPerRobot;

    // Per robot (indexed by robot, as the rows are).
    private double[] _g = [];
    private double[] _dx = [];
    private int[] _loc = [];
    private double[] _tmpRobot = [];
    private double[] _alpha = [];

    // Per own row and per coupling row: multiplier, penalty, last violation.
    private double[] _yOwn = [];
    private double[] _sOwn = [];
    private double[] _vOwn = [];
    private double[] _yCp = [];
    private double[] _sCp = [];
    private double[] _vCp = [];
    private double[] _pOwn = [];
    private double[] _pCp = [];
    private sbyte[] _actOwn = [];
    private sbyte[] _actCp = [];

    // ScaleFromWitness: each row's value at the witness and at u (own rows: 2 values, coupling rows: 4).
    private double[] _ownAtBrake = [];
    private double[] _ownAtU = [];
    private double[] _cpAt = [];

    // Line search breakpoints.
    private double[] _bpT = [];
    private int[] _bpRow = [];

    private readonly BlockCholesky _chol = new();
    private double _work;

    /// <summary>
    /// A solver for commands of <paramref name="dimension"/> components per robot, with the tolerance and the budgets of
    /// <paramref name="options"/> (<see cref="SafetyFilterOptions.ConvergenceToleranceMps"/>,
    /// <see cref="SafetyFilterOptions.MaxNewtonSteps"/>, <see cref="SafetyFilterOptions.WorkBudgetPerRobot"/>).
    /// </summary>
    public GroupQpSolver(int dimension, SafetyFilterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _dim = dimension;
        _tol = options.ConvergenceToleranceMps;
        _maxNewtonSteps = options.MaxNewtonSteps;
        _workBudgetPerRobot = options.WorkBudgetPerRobot;
    }

    /// <summary>Grows the buffers for this many robots (by index), own rows and coupling rows.</summary>
    public void Reserve(int robots, int ownRows, int couplingRows)
    {
        int d = _dim;
        if (_loc.Length < robots)
        {
            int cap = Math.Max(robots, 2 * _loc.Length);
            _g = new double[cap * d];
            _dx = new double[cap * d];
            _loc = new int[cap];
            _tmpRobot = new double[cap * d];
            _alpha = new double[cap];
        }

        if (_yOwn.Length < ownRows)
        {
            int cap = Math.Max(ownRows, 2 * _yOwn.Length);
            Array.Resize(ref _yOwn, cap);
            Array.Resize(ref _sOwn, cap);
            Array.Resize(ref _vOwn, cap);
            Array.Resize(ref _pOwn, cap);
            Array.Resize(ref _actOwn, cap);
            Array.Resize(ref _ownAtBrake, cap);
            Array.Resize(ref _ownAtU, cap);
        }

        if (_yCp.Length < couplingRows)
        {
            int cap = Math.Max(couplingRows, 2 * _yCp.Length);
            Array.Resize(ref _yCp, cap);
            Array.Resize(ref _sCp, cap);
            Array.Resize(ref _vCp, cap);
            Array.Resize(ref _pCp, cap);
            Array.Resize(ref _actCp, cap);
            Array.Resize(ref _cpAt, 4 * cap);
        }
    }

    /// <summary>
    /// Solves the QP of one group. <paramref name="robots"/>: the group's robots (indices into the per-robot spans and the
    /// own rows); <paramref name="couplings"/>: its coupling rows, whose robots must be in the group. The per-robot spans
    /// (<paramref name="nominal"/>, <paramref name="witness"/>, <paramref name="start"/>, <paramref name="u"/>) hold
    /// <c>dimension</c> values per robot for every robot the rows name; only the group's robots of <paramref name="u"/> are
    /// written. <paramref name="witness"/> must meet every original row; <paramref name="start"/> is where the Newton steps
    /// start when the robots' own projections violate a coupling row (the result does not depend on it beyond rounding).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public GroupSolveStatus Solve(in QpRows rows, ReadOnlySpan<int> robots, ReadOnlySpan<int> couplings, ReadOnlySpan<double> nominal,
        ReadOnlySpan<double> witness, ReadOnlySpan<double> start, Span<double> u, out int outer, out int newton)
    {
        int d = _dim;
        Reserve(u.Length / d, rows.OwnCount, rows.CouplingCount);
        var ownStart = rows.OwnStart;
        var ownN = rows.OwnNormals;
        var ownLo = rows.OwnLo;
        var ownHi = rows.OwnHi;
        var cpLo = rows.CouplingLo;
        outer = 0;
        newton = 0;

        // First: each robot's exact projection of its nominal onto its own constraints. When no pair row binds there, it is
        // the solution (the own constraints are met exactly and the pair rows are inactive).
        bool pairsHold = true;
        for (int p = 0; p < robots.Length; p++)
        {
            int i = robots[p];
            _loc[i] = p;
            int o0 = ownStart[i], oc = ownStart[i + 1] - o0;
            var ui = u.Slice(i * d, d);
            if (!PolytopeProjection.Project(d, oc, ownN.Slice(o0 * d, oc * d), ownLo.Slice(o0, oc), ownHi.Slice(o0, oc),
                nominal.Slice(i * d, d), ui))
            {
                witness.Slice(i * d, d).CopyTo(ui);
                pairsHold = false;
            }

            for (int q = ownStart[i]; q < ownStart[i + 1]; q++)
            {
                _yOwn[q] = 0;
                _sOwn[q] = SigmaInitial;
                _vOwn[q] = double.PositiveInfinity;
            }
        }

        for (int p = 0; p < couplings.Length; p++)
        {
            int row = couplings[p];
            _yCp[row] = 0;
            _sCp[row] = SigmaInitial;
            _vCp[row] = double.PositiveInfinity;
        }

        for (int p = 0; p < couplings.Length && pairsHold; p++)
        {
            int row = couplings[p];
            pairsHold = RowValue(rows, row, u) >= cpLo[row];
        }

        if (pairsHold)
        {
            return Verify(rows, robots, couplings, u) ? GroupSolveStatus.Converged
                : (ScaleFromWitness(rows, robots, couplings, witness, u, out _) ? GroupSolveStatus.FeasibleNotConverged : GroupSolveStatus.Failed);
        }

        // Otherwise the group starts from the previous commands (inputs of this call: the result stays a pure function of the
        // inputs, only the work changes); in a steady crowd they are close to the solution.
        for (int p = 0; p < robots.Length; p++)
        {
            int i = robots[p];
            start.Slice(i * d, d).CopyTo(u.Slice(i * d, d));
        }

        double tol = _tol;
        int m = robots.Length;
        // A large group's Newton steps cost more (its factor fills in): its step budget shrinks with its size, so a tick's time
        // stays bounded; the per-robot fallback then moves back only the robots of the rows still off.
        int budget = m <= LargeGroupRobots ? _maxNewtonSteps : Math.Max(8, _maxNewtonSteps * LargeGroupRobots / m);
        // Work budget: factorisation multiply-adds per robot of the group, so a tick's time stays about linear in the swarm
        // size even for a crowd of hundreds of robots in contact (whose factors fill in); beyond it the group gets the
        // safe fallback (counted as not converged).
        _work = 0;
        double workBudget = _workBudgetPerRobot * m;
        bool converged = false;
        while (!converged && newton < budget && _work <= workBudget)
        {
            outer++;
            // Inner: minimise phi for the current multipliers and penalties.
            double gnorm = Gradient(rows, robots, couplings, nominal, u);
            int stalls = 0;
            while (gnorm > 0.1 * tol && newton < budget && _work <= workBudget && stalls < 3)
            {
                newton++;
                if (!NewtonDirection(rows, robots, couplings, u))
                {
                    break;
                }

                double t = ExactLineSearch(rows, robots, couplings, u);
                if (!(t > 0))
                {
                    break;
                }

                double stepSize = 0;
                for (int p = 0; p < robots.Length; p++)
                {
                    int i = robots[p];
                    for (int k = 0; k < d; k++)
                    {
                        double step = t * _dx[i * d + k];
                        u[i * d + k] += step;
                        stepSize = Math.Max(stepSize, Math.Abs(step));
                    }
                }

                double next = Gradient(rows, robots, couplings, nominal, u);
                if (!double.IsFinite(next))
                {
                    break;
                }

                // Rounding floor: the gradient of phi carries sigma (up to 1e10) times rounding errors of the rows, so a
                // tolerance far below it cannot be met; near the tolerance, stop when steps no longer reduce it or move u.
                // (Far from it the gradient need not shrink at every step: the line search decreases phi, not |grad|.)
                stalls = stepSize <= 1e-15 || (next <= 1e3 * tol && next > 0.5 * gnorm) ? stalls + 1 : 0;
                gnorm = next;
            }

            // Outer: multipliers, violation, penalties.
            double viol = UpdateMultipliers(rows, robots, couplings, u);
            if (!double.IsFinite(viol))
            {
                break;
            }

            if (viol <= _tol && gnorm <= tol)
            {
                converged = true;
                break;
            }

            // Polish: the rows with a multiplier are the active-set guess; solve that equality-constrained QP exactly and
            // keep it when it is feasible and its multipliers have the right signs (then it is the optimum).
            newton++;
            ActiveFromMultipliers(rows, robots, couplings);
            if (Polish(rows, robots, couplings, nominal, u))
            {
                converged = true;
                break;
            }
        }

        if (converged && Verify(rows, robots, couplings, u))
        {
            return GroupSolveStatus.Converged;
        }

        // Converged to the tolerance but a row whose tightening is smaller than the tolerance is off by a hair: the point on
        // the segment from the braking command that satisfies every original row moves u by at most the tolerance then.
        if (!ScaleFromWitness(rows, robots, couplings, witness, u, out double moved))
        {
            return GroupSolveStatus.Failed;
        }

        return converged && moved <= tol ? GroupSolveStatus.Converged : GroupSolveStatus.FeasibleNotConverged;
    }

    /// <summary>Active-set guess for the polish from the multipliers of the augmented Lagrangian: the sign gives the bound.</summary>
    private void ActiveFromMultipliers(in QpRows rows, ReadOnlySpan<int> robots, ReadOnlySpan<int> couplings)
    {
        var ownStart = rows.OwnStart;
        for (int p = 0; p < robots.Length; p++)
        {
            int i = robots[p];
            for (int q = ownStart[i]; q < ownStart[i + 1]; q++)
            {
                _actOwn[q] = (sbyte)(_yOwn[q] < -PolishMultiplierMps ? -1 : _yOwn[q] > PolishMultiplierMps ? 1 : 0);
            }
        }

        for (int p = 0; p < couplings.Length; p++)
        {
            int row = couplings[p];
            _actCp[row] = (sbyte)(_yCp[row] < -PolishMultiplierMps ? -1 : 0);
        }
    }

    /// <summary>
    /// Solves min |u - u_nom|^2 / 2 with equality on the active-set guess (_actOwn, _actCp: -1 lower bound, +1 upper), by
    /// the augmented Lagrangian with a large penalty on one factorisation (three refinement solves), and accepts it when every
    /// row holds and every multiplier has the sign of its bound: the KKT conditions of the QP.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Polish(in QpRows rows, ReadOnlySpan<int> robots, ReadOnlySpan<int> couplings, ReadOnlySpan<double> nominal, Span<double> u)
    {
        const double sigma = 1e8;
        int d = _dim;
        int m = robots.Length;
        var ownStart = rows.OwnStart;
        var ownN = rows.OwnNormals;
        var ownLo = rows.OwnLo;
        var ownHi = rows.OwnHi;
        var cpI = rows.CouplingFirst;
        var cpJ = rows.CouplingSecond;
        var cpN = rows.CouplingNormals;
        var cpLo = rows.CouplingLo;
        for (int p = 0; p < m; p++)
        {
            int i = robots[p];
            _pOwn.AsSpan(ownStart[i], ownStart[i + 1] - ownStart[i]).Clear();
        }

        for (int p = 0; p < couplings.Length; p++)
        {
            _pCp[couplings[p]] = 0;
        }

        if (!AssembleAndFactor(rows, robots, couplings, u, sigma))
        {
            return false;
        }

        var x = _tmpRobot.AsSpan(0, m * d);
        for (int it = 0; it < 3; it++)
        {
            // rhs = u_nom - sum_A a (p - sigma b).
            for (int p = 0; p < m; p++)
            {
                int i = robots[p];
                for (int k = 0; k < d; k++)
                {
                    x[p * d + k] = nominal[i * d + k];
                }

                for (int q = ownStart[i]; q < ownStart[i + 1]; q++)
                {
                    if (_actOwn[q] != 0)
                    {
                        double bnd = _actOwn[q] < 0 ? ownLo[q] : ownHi[q];
                        double f = _pOwn[q] - sigma * bnd;
                        for (int k = 0; k < d; k++)
                        {
                            x[p * d + k] -= f * ownN[q * d + k];
                        }
                    }
                }
            }

            for (int p = 0; p < couplings.Length; p++)
            {
                int row = couplings[p];
                if (_actCp[row] == 0)
                {
                    continue;
                }

                double f = _pCp[row] - sigma * cpLo[row];
                int li = _loc[cpI[row]] * d, lj = _loc[cpJ[row]] * d;
                for (int k = 0; k < d; k++)
                {
                    double v = f * cpN[row * d + k];
                    x[li + k] -= v;
                    x[lj + k] += v;
                }
            }

            _chol.Solve(x);
            // p += sigma (a . x - b).
            for (int p = 0; p < m; p++)
            {
                int i = robots[p];
                var xi = x.Slice(p * d, d);
                for (int q = ownStart[i]; q < ownStart[i + 1]; q++)
                {
                    if (_actOwn[q] != 0)
                    {
                        double bnd = _actOwn[q] < 0 ? ownLo[q] : ownHi[q];
                        _pOwn[q] += sigma * (Dot(ownN.Slice(q * d, d), xi) - bnd);
                    }
                }
            }

            for (int p = 0; p < couplings.Length; p++)
            {
                int row = couplings[p];
                if (_actCp[row] != 0)
                {
                    int li = _loc[cpI[row]] * d, lj = _loc[cpJ[row]] * d;
                    double v = 0;
                    for (int k = 0; k < d; k++)
                    {
                        v += cpN[row * d + k] * (x[li + k] - x[lj + k]);
                    }

                    _pCp[row] += sigma * (v - cpLo[row]);
                }
            }
        }

        // KKT: feasibility of every row and the signs of the multipliers (stationarity holds by construction). A lower-bound
        // row pushes u along +a, so its multiplier (in u = u_nom - sum p a) is <= 0; an upper-bound row's is >= 0.
        const double signTol = 1e-12;
        for (int p = 0; p < m; p++)
        {
            int i = robots[p];
            var xi = x.Slice(p * d, d);
            for (int q = ownStart[i]; q < ownStart[i + 1]; q++)
            {
                int act = _actOwn[q];
                double v = Dot(ownN.Slice(q * d, d), xi);
                if (act != 0)
                {
                    double bnd = act < 0 ? ownLo[q] : ownHi[q];
                    if ((act < 0 ? _pOwn[q] > signTol : _pOwn[q] < -signTol) || !(Math.Abs(v - bnd) <= _tol))
                    {
                        return false;
                    }

                    continue;
                }

                if (!(v >= ownLo[q] - _tol && v <= ownHi[q] + _tol))
                {
                    return false;
                }
            }
        }

        for (int p = 0; p < couplings.Length; p++)
        {
            int row = couplings[p];
            int li = _loc[cpI[row]] * d, lj = _loc[cpJ[row]] * d;
            double v = 0;
            for (int k = 0; k < d; k++)
            {
                v += cpN[row * d + k] * (x[li + k] - x[lj + k]);
            }

            if (_actCp[row] != 0)
            {
                if (_pCp[row] > signTol || !(Math.Abs(v - cpLo[row]) <= _tol))
                {
                    return false;
                }

                continue;
            }

            if (!(v >= cpLo[row] - _tol))
            {
                return false;
            }
        }

        for (int p = 0; p < m; p++)
        {
            int i = robots[p];
            x.Slice(p * d, d).CopyTo(u.Slice(i * d, d));
        }

        return true;
    }

    /// <summary>psi = z - clamp(z, lo, hi) for z = value + y / sigma.</summary>
    private static double Excess(double value, double y, double sigma, double lo, double hi)
    {
        double z = value + y / sigma;
        return z < lo ? z - lo : z > hi ? z - hi : 0.0;
    }

    /// <summary>Gradient of phi into _g; returns its largest component (NaN propagates).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double Gradient(in QpRows rows, ReadOnlySpan<int> robots, ReadOnlySpan<int> couplings, ReadOnlySpan<double> nominal, ReadOnlySpan<double> u)
    {
        int d = _dim;
        var ownStart = rows.OwnStart;
        var ownN = rows.OwnNormals;
        var ownLo = rows.OwnLo;
        var ownHi = rows.OwnHi;
        var cpI = rows.CouplingFirst;
        var cpJ = rows.CouplingSecond;
        var cpN = rows.CouplingNormals;
        var cpLo = rows.CouplingLo;
        for (int p = 0; p < robots.Length; p++)
        {
            int i = robots[p];
            var ui = u.Slice(i * d, d);
            for (int k = 0; k < d; k++)
            {
                _g[i * d + k] = ui[k] - nominal[i * d + k];
            }

            for (int q = ownStart[i]; q < ownStart[i + 1]; q++)
            {
                var a = ownN.Slice(q * d, d);
                double psi = Excess(Dot(a, ui), _yOwn[q], _sOwn[q], ownLo[q], ownHi[q]);
                if (psi != 0)
                {
                    double f = _sOwn[q] * psi;
                    for (int k = 0; k < d; k++)
                    {
                        _g[i * d + k] += f * a[k];
                    }
                }
            }
        }

        for (int p = 0; p < couplings.Length; p++)
        {
            int row = couplings[p];
            double psi = Excess(RowValue(rows, row, u), _yCp[row], _sCp[row], cpLo[row], double.PositiveInfinity);
            if (psi != 0)
            {
                double f = _sCp[row] * psi;
                int i = cpI[row] * d, j = cpJ[row] * d;
                for (int k = 0; k < d; k++)
                {
                    double v = f * cpN[row * d + k];
                    _g[i + k] += v;
                    _g[j + k] -= v;
                }
            }
        }

        double norm = 0;
        for (int p = 0; p < robots.Length; p++)
        {
            int i = robots[p];
            for (int k = 0; k < d; k++)
            {
                double v = Math.Abs(_g[i * d + k]);
                if (double.IsNaN(v))
                {
                    return double.NaN;
                }

                norm = Math.Max(norm, v);
            }
        }

        return norm;
    }

    /// <summary>Adds weight a a^T of coupling row <paramref name="row"/> (a = [n; -n] over its two robots) to the matrix being assembled.</summary>
    private void AddCouplingBlock(in QpRows rows, int row, double weight, Span<double> blk)
    {
        int d = _dim, dd = d * d;
        blk.Clear();
        AddOuter(blk, rows.CouplingNormals.Slice(row * d, d), weight, d);
        int li = _loc[rows.CouplingFirst[row]], lj = _loc[rows.CouplingSecond[row]];
        _chol.AddDiagonal(li, blk[..dd]);
        _chol.AddDiagonal(lj, blk[..dd]);
        for (int q = 0; q < dd; q++)
        {
            blk[q] = -blk[q];
        }

        _chol.AddEdge(li, lj, blk[..dd]);
    }

    /// <summary>Factorises the assembled matrix and books its multiply-adds against the work budget; false when not positive definite.</summary>
    private bool FactorCounted()
    {
        if (!_chol.Factor())
        {
            return false;
        }

        _work += _chol.LastFlops;
        return true;
    }

    /// <summary>
    /// Assembles H = I + sum of sigma_r a_r a_r^T over the group's rows (block sparse over the robots) and factorises it;
    /// false when a pivot is not positive definite. The Newton step (<paramref name="polishSigma"/> = 0) takes the rows
    /// penalised at <paramref name="u"/>, each with its own sigma; the polish takes the rows of the active-set guess, all
    /// with <paramref name="polishSigma"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool AssembleAndFactor(in QpRows rows, ReadOnlySpan<int> robots, ReadOnlySpan<int> couplings, ReadOnlySpan<double> u, double polishSigma)
    {
        int d = _dim, dd = d * d;
        bool polish = polishSigma > 0;
        var ownStart = rows.OwnStart;
        var ownN = rows.OwnNormals;
        var ownLo = rows.OwnLo;
        var ownHi = rows.OwnHi;
        var cpLo = rows.CouplingLo;
        _chol.Reset(robots.Length, d);
        Span<double> blk = stackalloc double[9];
        for (int p = 0; p < robots.Length; p++)
        {
            int i = robots[p];
            blk.Clear();
            for (int k = 0; k < d; k++)
            {
                blk[k * d + k] = 1;
            }

            for (int q = ownStart[i]; q < ownStart[i + 1]; q++)
            {
                var a = ownN.Slice(q * d, d);
                if (polish ? _actOwn[q] != 0 : Excess(Dot(a, u.Slice(i * d, d)), _yOwn[q], _sOwn[q], ownLo[q], ownHi[q]) != 0)
                {
                    AddOuter(blk, a, polish ? polishSigma : _sOwn[q], d);
                }
            }

            _chol.AddDiagonal(p, blk[..dd]);
        }

        for (int p = 0; p < couplings.Length; p++)
        {
            int row = couplings[p];
            if (polish ? _actCp[row] != 0 : Excess(RowValue(rows, row, u), _yCp[row], _sCp[row], cpLo[row], double.PositiveInfinity) != 0)
            {
                AddCouplingBlock(rows, row, polish ? polishSigma : _sCp[row], blk);
            }
        }

        return FactorCounted();
    }

    /// <summary>Newton direction dx = -H^-1 g with H = I + sum over penalised rows of sigma a a^T (block sparse over the robots).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool NewtonDirection(in QpRows rows, ReadOnlySpan<int> robots, ReadOnlySpan<int> couplings, ReadOnlySpan<double> u)
    {
        int d = _dim;
        int m = robots.Length;
        if (!AssembleAndFactor(rows, robots, couplings, u, 0))
        {
            return false;
        }

        var rhs = _tmpRobot.AsSpan(0, m * d);
        for (int p = 0; p < m; p++)
        {
            int i = robots[p];
            for (int k = 0; k < d; k++)
            {
                rhs[p * d + k] = -_g[i * d + k];
            }
        }

        _chol.Solve(rhs);
        for (int p = 0; p < m; p++)
        {
            int i = robots[p];
            for (int k = 0; k < d; k++)
            {
                _dx[i * d + k] = rhs[p * d + k];
            }
        }

        return true;
    }

    /// <summary>
    /// The exact minimiser t &gt; 0 of phi(u + t dx): phi' is piecewise linear and non-decreasing in t, with a breakpoint
    /// wherever a row's z crosses lo or hi; walk the sorted breakpoints until phi' changes sign.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double ExactLineSearch(in QpRows rows, ReadOnlySpan<int> robots, ReadOnlySpan<int> couplings, ReadOnlySpan<double> u)
    {
        int d = _dim;
        var ownStart = rows.OwnStart;
        var ownN = rows.OwnNormals;
        var ownLo = rows.OwnLo;
        var ownHi = rows.OwnHi;
        var cpI = rows.CouplingFirst;
        var cpJ = rows.CouplingSecond;
        var cpN = rows.CouplingNormals;
        var cpLo = rows.CouplingLo;
        // phi'(0) = g . dx; the curvature is |dx|^2 plus sigma alpha^2 for every row penalised at t (kept apart and clamped at
        // zero, so rounding in the toggles cannot make it vanish).
        double slope0 = 0, dx2 = 0, pen = 0;
        for (int p = 0; p < robots.Length; p++)
        {
            int i = robots[p];
            for (int k = 0; k < d; k++)
            {
                slope0 += _g[i * d + k] * _dx[i * d + k];
                dx2 += _dx[i * d + k] * _dx[i * d + k];
            }
        }

        if (!(slope0 < 0) || !(dx2 > 0))
        {
            return 0;
        }

        int nb = 0;
        for (int p = 0; p < robots.Length; p++)
        {
            int i = robots[p];
            var ui = u.Slice(i * d, d);
            var di = _dx.AsSpan(i * d, d);
            for (int q = ownStart[i]; q < ownStart[i + 1]; q++)
            {
                var a = ownN.Slice(q * d, d);
                double alpha = Dot(a, di);
                if (alpha == 0)
                {
                    continue;
                }

                double z = Dot(a, ui) + _yOwn[q] / _sOwn[q];
                nb = Breakpoints(nb, z, alpha, ownLo[q], ownHi[q], _sOwn[q], q, ref pen);
            }
        }

        int ownRows = rows.OwnCount;
        for (int p = 0; p < couplings.Length; p++)
        {
            int row = couplings[p];
            double alpha = 0;
            int i = cpI[row] * d, j = cpJ[row] * d;
            for (int k = 0; k < d; k++)
            {
                alpha += cpN[row * d + k] * (_dx[i + k] - _dx[j + k]);
            }

            if (alpha == 0)
            {
                continue;
            }

            double z = RowValue(rows, row, u) + _yCp[row] / _sCp[row];
            nb = Breakpoints(nb, z, alpha, cpLo[row], double.PositiveInfinity, _sCp[row], ownRows + row, ref pen);
        }

        // Walk: phi' grows linearly between breakpoints; a breakpoint adds or removes one row's sigma alpha^2. The Newton step
        // (t = 1) is usually close to the minimiser, so the breakpoints up to 1 are sorted first and the rest only if needed.
        int near = 0;
        for (int k = 0; k < nb; k++)
        {
            if (_bpT[k] <= 1.0)
            {
                (_bpT[near], _bpT[k]) = (_bpT[k], _bpT[near]);
                (_bpRow[near], _bpRow[k]) = (_bpRow[k], _bpRow[near]);
                near++;
            }
        }

        Array.Sort(_bpT, _bpRow, 0, near);
        double t = 0, slope = slope0;
        for (int k = 0; k < nb; k++)
        {
            if (k == near)
            {
                Array.Sort(_bpT, _bpRow, near, nb - near);
            }

            double curv = dx2 + Math.Max(pen, 0);
            double tk = _bpT[k];
            double atBreak = slope + curv * (tk - t);
            if (atBreak >= 0)
            {
                return t - slope / curv;
            }

            slope = atBreak;
            t = tk;
            pen += CurvatureChange(rows, _bpRow[k]);
        }

        return t - slope / (dx2 + Math.Max(pen, 0));
    }

    // Breakpoint codes: row index * 2 + (1 when the row becomes penalised at the breakpoint, 0 when it stops); coupling rows
    // are numbered after the own rows.
    private int Breakpoints(int nb, double z, double alpha, double lo, double hi, double sigma, int rowCode, ref double curv)
    {
        // At t = 0 (just after): penalised when z < lo, or z == lo moving down, or z > hi, or z == hi moving up.
        bool below = z < lo || (z == lo && alpha < 0);
        bool above = z > hi || (z == hi && alpha > 0);
        if (below || above)
        {
            curv += sigma * alpha * alpha;
        }

        EnsureBreakpoints(nb + 2);
        if (alpha > 0)
        {
            if (z < lo)
            {
                _bpT[nb] = (lo - z) / alpha;
                _bpRow[nb++] = 2 * rowCode; // leaves the penalty below lo
            }

            if (double.IsFinite(hi) && z < hi)
            {
                _bpT[nb] = (hi - z) / alpha;
                _bpRow[nb++] = 2 * rowCode + 1; // enters above hi
            }
        }
        else
        {
            if (z > hi)
            {
                _bpT[nb] = (hi - z) / alpha;
                _bpRow[nb++] = 2 * rowCode;
            }

            if (z > lo)
            {
                _bpT[nb] = (lo - z) / alpha;
                _bpRow[nb++] = 2 * rowCode + 1;
            }
        }

        return nb;
    }

    private double CurvatureChange(in QpRows rows, int code)
    {
        int rowCode = code >> 1;
        bool enters = (code & 1) == 1;
        int d = _dim;
        double alpha, sigma;
        int ownCount = rows.OwnCount;
        if (rowCode < ownCount)
        {
            int i = rows.OwnRobot[rowCode];
            var ownN = rows.OwnNormals;
            alpha = 0;
            for (int k = 0; k < d; k++)
            {
                alpha += ownN[rowCode * d + k] * _dx[i * d + k];
            }

            sigma = _sOwn[rowCode];
        }
        else
        {
            int row = rowCode - ownCount;
            int i = rows.CouplingFirst[row] * d, j = rows.CouplingSecond[row] * d;
            var cpN = rows.CouplingNormals;
            alpha = 0;
            for (int k = 0; k < d; k++)
            {
                alpha += cpN[row * d + k] * (_dx[i + k] - _dx[j + k]);
            }

            sigma = _sCp[row];
        }

        double c = sigma * alpha * alpha;
        return enters ? c : -c;
    }

    private void EnsureBreakpoints(int n)
    {
        if (_bpT.Length < n)
        {
            int cap = Math.Max(n, 2 * _bpT.Length);
            Array.Resize(ref _bpT, cap);
            Array.Resize(ref _bpRow, cap);
        }
    }

    /// <summary>y = sigma (z - proj z) for every row; sigma x10 for rows whose violation shrank less than 4x. Returns the largest violation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double UpdateMultipliers(in QpRows rows, ReadOnlySpan<int> robots, ReadOnlySpan<int> couplings, ReadOnlySpan<double> u)
    {
        int d = _dim;
        var ownStart = rows.OwnStart;
        var ownN = rows.OwnNormals;
        var ownLo = rows.OwnLo;
        var ownHi = rows.OwnHi;
        var cpLo = rows.CouplingLo;
        double worst = 0;
        for (int p = 0; p < robots.Length; p++)
        {
            int i = robots[p];
            var ui = u.Slice(i * d, d);
            for (int q = ownStart[i]; q < ownStart[i + 1]; q++)
            {
                double v = Dot(ownN.Slice(q * d, d), ui);
                double psi = Excess(v, _yOwn[q], _sOwn[q], ownLo[q], ownHi[q]);
                _yOwn[q] = _sOwn[q] * psi;
                double viol = Math.Max(Math.Max(ownLo[q] - v, v - ownHi[q]), 0);
                worst = Math.Max(worst, double.IsNaN(viol) ? double.PositiveInfinity : viol);
                if (viol > _tol && viol > 0.25 * _vOwn[q])
                {
                    _sOwn[q] = Math.Min(SigmaMax, 10 * _sOwn[q]);
                }

                _vOwn[q] = viol;
            }
        }

        for (int p = 0; p < couplings.Length; p++)
        {
            int row = couplings[p];
            double v = RowValue(rows, row, u);
            double psi = Excess(v, _yCp[row], _sCp[row], cpLo[row], double.PositiveInfinity);
            _yCp[row] = _sCp[row] * psi;
            double viol = Math.Max(cpLo[row] - v, 0);
            worst = Math.Max(worst, double.IsNaN(viol) ? double.PositiveInfinity : viol);
            if (viol > _tol && viol > 0.25 * _vCp[row])
            {
                _sCp[row] = Math.Min(SigmaMax, 10 * _sCp[row]);
            }

            _vCp[row] = viol;
        }

        return worst;
    }

    /// <summary>a . (u_i - u_j) of coupling row <paramref name="row"/>.</summary>
    private static double RowValue(in QpRows rows, int row, ReadOnlySpan<double> u)
    {
        int d = rows.Dimension;
        int i = rows.CouplingFirst[row] * d, j = rows.CouplingSecond[row] * d;
        var n = rows.CouplingNormals;
        double t = 0;
        for (int k = 0; k < d; k++)
        {
            t += n[row * d + k] * (u[i + k] - u[j + k]);
        }

        return t;
    }

    /// <summary>Adds s a a^T to a d x d block.</summary>
    private static void AddOuter(Span<double> blk, ReadOnlySpan<double> a, double s, int d)
    {
        for (int r = 0; r < d; r++)
        {
            for (int c = 0; c < d; c++)
            {
                blk[r * d + c] += s * a[r] * a[c];
            }
        }
    }

    /// <summary>Every original (untightened) constraint of the group holds at u (NaN fails).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Verify(in QpRows rows, ReadOnlySpan<int> robots, ReadOnlySpan<int> couplings, ReadOnlySpan<double> u)
    {
        int d = rows.Dimension;
        var ownStart = rows.OwnStart;
        var ownN = rows.OwnNormals;
        var ownLoOrig = rows.OwnLoOriginal;
        var ownHiOrig = rows.OwnHiOriginal;
        var cpLoOrig = rows.CouplingLoOriginal;
        for (int p = 0; p < robots.Length; p++)
        {
            int i = robots[p];
            var ui = u.Slice(i * d, d);
            for (int q = ownStart[i]; q < ownStart[i + 1]; q++)
            {
                double t = Dot(ownN.Slice(q * d, d), ui);
                if (!(t >= ownLoOrig[q] - VerifySlackMps && t <= ownHiOrig[q] + VerifySlackMps))
                {
                    return false;
                }
            }
        }

        for (int p = 0; p < couplings.Length; p++)
        {
            int row = couplings[p];
            if (!(RowValue(rows, row, u) >= cpLoOrig[row] - VerifySlackMps))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Fallback: u_i := b_i + alpha_i (u_i - b_i), b the witness (feasible by construction: the braking commands), with
    /// per-robot alpha_i in [0, 1] as large as the original rows allow: start at 1; a violated own row lowers its robot's
    /// alpha to the largest value that meets it; a violated pair row lowers both robots' alphas to the largest common value
    /// that meets it (with equal alphas the row value is a convex combination of its values at b and u, so such a value
    /// exists); repeat until no row is violated. Alphas only decrease, so this ends, at worst at alpha = 0 (the witness);
    /// where only a few rows of a large group are off, only their robots move back. False when even b fails (numerical
    /// failure).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ScaleFromWitness(in QpRows rows, ReadOnlySpan<int> robots, ReadOnlySpan<int> couplings, ReadOnlySpan<double> witness,
        Span<double> u, out double moved)
    {
        int d = _dim;
        var ownStart = rows.OwnStart;
        var ownN = rows.OwnNormals;
        var ownLoOrig = rows.OwnLoOriginal;
        var ownHiOrig = rows.OwnHiOriginal;
        var cpI = rows.CouplingFirst;
        var cpJ = rows.CouplingSecond;
        var cpN = rows.CouplingNormals;
        var cpLoOrig = rows.CouplingLoOriginal;
        moved = double.PositiveInfinity;
        for (int p = 0; p < robots.Length; p++)
        {
            int i = robots[p];
            var ui = u.Slice(i * d, d);
            var bi = witness.Slice(i * d, d);
            for (int k = 0; k < d; k++)
            {
                if (!double.IsFinite(ui[k]))
                {
                    ui[k] = bi[k];
                }
            }

            ui.CopyTo(_tmpRobot.AsSpan(i * d, d));
            _alpha[i] = 1.0;
        }

        // The rows' values at the witness and at u do not change between passes (only the alphas do): computed once.
        for (int p = 0; p < robots.Length; p++)
        {
            int i = robots[p];
            var bi = witness.Slice(i * d, d);
            var ti = _tmpRobot.AsSpan(i * d, d);
            for (int q = ownStart[i]; q < ownStart[i + 1]; q++)
            {
                var nq = ownN.Slice(q * d, d);
                _ownAtBrake[q] = Dot(nq, bi);
                _ownAtU[q] = Dot(nq, ti);
            }
        }

        for (int p = 0; p < couplings.Length; p++)
        {
            int row = couplings[p];
            int i = cpI[row] * d, j = cpJ[row] * d;
            double tbi = 0, tbj = 0, tui = 0, tuj = 0;
            for (int k = 0; k < d; k++)
            {
                double n = cpN[row * d + k];
                tbi += n * witness[i + k];
                tbj += n * witness[j + k];
                tui += n * _tmpRobot[i + k];
                tuj += n * _tmpRobot[j + k];
            }

            _cpAt[4 * row] = tbi;
            _cpAt[4 * row + 1] = tbj;
            _cpAt[4 * row + 2] = tui;
            _cpAt[4 * row + 3] = tuj;
        }

        for (int pass = 0; pass < 64; pass++)
        {
            bool changed = false;
            for (int p = 0; p < robots.Length; p++)
            {
                int i = robots[p];
                for (int q = ownStart[i]; q < ownStart[i + 1]; q++)
                {
                    double tb = _ownAtBrake[q], tu = _ownAtU[q];
                    double v = tb + _alpha[i] * (tu - tb);
                    if (!(v >= ownLoOrig[q] && v <= ownHiOrig[q]))
                    {
                        _alpha[i] = Math.Min(_alpha[i], 0.999999 * Fraction(tb, tu, ownLoOrig[q], ownHiOrig[q]));
                        changed = true;
                    }
                }
            }

            for (int p = 0; p < couplings.Length; p++)
            {
                int row = couplings[p];
                int ri = cpI[row], rj = cpJ[row];
                double tbi = _cpAt[4 * row], tbj = _cpAt[4 * row + 1], tui = _cpAt[4 * row + 2], tuj = _cpAt[4 * row + 3];
                double v = (tbi + _alpha[ri] * (tui - tbi)) - (tbj + _alpha[rj] * (tuj - tbj));
                if (!(v >= cpLoOrig[row]))
                {
                    double common = Fraction(tbi - tbj, tui - tuj, cpLoOrig[row], double.PositiveInfinity);
                    double a = Math.Min(Math.Min(_alpha[ri], _alpha[rj]), 0.999999 * common);
                    _alpha[ri] = a;
                    _alpha[rj] = a;
                    changed = true;
                }
            }

            if (!changed)
            {
                break;
            }

            if (pass == 63)
            {
                for (int p = 0; p < robots.Length; p++)
                {
                    _alpha[robots[p]] = 0;
                }
            }
        }

        moved = 0;
        for (int p = 0; p < robots.Length; p++)
        {
            int i = robots[p];
            for (int k = 0; k < d; k++)
            {
                double b = witness[i * d + k];
                u[i * d + k] = b + _alpha[i] * (_tmpRobot[i * d + k] - b);
                moved = Math.Max(moved, Math.Abs(u[i * d + k] - _tmpRobot[i * d + k]));
            }
        }

        if (Verify(rows, robots, couplings, u))
        {
            return true;
        }

        // Rounding: fall back to the witness itself.
        for (int p = 0; p < robots.Length; p++)
        {
            int i = robots[p];
            witness.Slice(i * d, d).CopyTo(u.Slice(i * d, d));
        }

        moved = double.PositiveInfinity;
        return Verify(rows, robots, couplings, u);

        // Largest f in [0, 1] with lo <= tb + f (tu - tb) <= hi, given lo <= tb <= hi.
        static double Fraction(double tb, double tu, double lo, double hi)
        {
            if (!(tb >= lo && tb <= hi))
            {
                return 0.0;
            }

            if (tu < lo)
            {
                return (tb - lo) / (tb - tu);
            }

            if (tu > hi)
            {
                return (hi - tb) / (tu - tb);
            }

            return 1.0;
        }
    }
}
