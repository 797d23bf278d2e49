namespace SwarmCoverage.Control;

/// <summary>
/// The constraint rows of the safety QP (docs/safety-filter.md, "Parts"): own rows <c>lo &lt;= a . u_i &lt;= hi</c> of one
/// robot (actuator slabs, walls, obstacles, a pair's own shares) and coupling rows <c>a . (u_i - u_j) &gt;= lo</c> of two.
/// Each row keeps its original bounds and the bounds tightened for the solver, by t |a| but by at most half the room the
/// witness (the braking command) has, so the witness stays strictly feasible. Own rows are grouped by robot with
/// <see cref="GroupByRobot"/>. Allocation-free once its buffers fit the largest tick seen (grown by doubling).
/// </summary>
internal sealed class RowSet
{
    private readonly int _dim;

    // Own rows; the staging arrays (S) receive the counting sort by robot and are then swapped in.
    private int _ownCount;
    private int[] _ownRobot = [];
    private double[] _ownN = [];
    private double[] _ownLo = [];
    private double[] _ownHi = [];
    private double[] _ownLoOrig = [];
    private double[] _ownHiOrig = [];
    private int[] _ownRobotS = [];
    private double[] _ownNS = [];
    private double[] _ownLoS = [];
    private double[] _ownHiS = [];
    private double[] _ownLoOrigS = [];
    private double[] _ownHiOrigS = [];
    private int[] _ownStart = [];
    private int _robots;

    // Coupling rows n . (u_i - u_j) >= lo.
    private int _cpCount;
    private int[] _cpI = [];
    private int[] _cpJ = [];
    private double[] _cpN = [];
    private double[] _cpLo = [];
    private double[] _cpLoOrig = [];

    /// <summary>Rows over commands of <paramref name="dimension"/> (2 or 3) components per robot.</summary>
    public RowSet(int dimension)
    {
        _dim = dimension;
    }

    /// <summary>Components of a robot's command.</summary>
    public int Dimension => _dim;

    /// <summary>Own rows added since <see cref="Clear"/>.</summary>
    public int OwnCount => _ownCount;

    /// <summary>Coupling rows added since <see cref="Clear"/>.</summary>
    public int CouplingCount => _cpCount;

    /// <summary>Own rows that fit without growing.</summary>
    public int OwnCapacity => _ownRobot.Length;

    /// <summary>Coupling rows that fit without growing.</summary>
    public int CouplingCapacity => _cpI.Length;

    /// <summary>Robots of each coupling row: the first (its normal points away from the second).</summary>
    public ReadOnlySpan<int> CouplingFirst => _cpI.AsSpan(0, _cpCount);

    /// <summary>Robots of each coupling row: the second.</summary>
    public ReadOnlySpan<int> CouplingSecond => _cpJ.AsSpan(0, _cpCount);

    /// <summary>
    /// A view of every row for the solver; the own rows must have been grouped by robot (<see cref="GroupByRobot"/>) since the
    /// last one was added. Valid until the next change.
    /// </summary>
    public QpRows View => new(_dim, _ownStart.AsSpan(0, _robots + 1), _ownRobot.AsSpan(0, _ownCount), _ownN.AsSpan(0, _ownCount * _dim),
        _ownLo.AsSpan(0, _ownCount), _ownHi.AsSpan(0, _ownCount), _ownLoOrig.AsSpan(0, _ownCount), _ownHiOrig.AsSpan(0, _ownCount),
        _cpI.AsSpan(0, _cpCount), _cpJ.AsSpan(0, _cpCount), _cpN.AsSpan(0, _cpCount * _dim), _cpLo.AsSpan(0, _cpCount),
        _cpLoOrig.AsSpan(0, _cpCount));

    /// <summary>Removes every row (the buffers stay).</summary>
    public void Clear()
    {
        _ownCount = 0;
        _cpCount = 0;
        _robots = 0;
    }

    /// <summary>Grows the buffers (at least doubling) so that this many rows of each kind fit without growing later.</summary>
    public void Reserve(int ownRows, int couplingRows)
    {
        if (_ownRobot.Length < ownRows)
        {
            GrowOwn(Math.Max(ownRows, 2 * _ownRobot.Length));
        }

        if (_cpI.Length < couplingRows)
        {
            GrowCoupling(Math.Max(couplingRows, 2 * _cpI.Length));
        }
    }

    /// <summary>
    /// Adds <c>lo &lt;= normal . u_robot &lt;= hi</c> (either bound may be infinite); <paramref name="witnessValue"/> is
    /// normal . b at the witness b, which the original bounds must hold. Tightened by <paramref name="tighten"/> |normal|.
    /// </summary>
    public void AddOwn(int robot, ReadOnlySpan<double> normal, double lo, double hi, double witnessValue, double tighten)
    {
        int d = _dim;
        int row = _ownCount;
        if (row == _ownRobot.Length)
        {
            GrowOwn(Math.Max(64, 2 * row));
        }

        _ownCount++;
        _ownRobot[row] = robot;
        double norm2 = 0;
        for (int k = 0; k < d; k++)
        {
            _ownN[row * d + k] = normal[k];
            norm2 += normal[k] * normal[k];
        }

        _ownLoOrig[row] = lo;
        _ownHiOrig[row] = hi;
        // Tighten by t in units of u, but by at most half the room the braking command has, so it stays strictly feasible.
        double t = tighten * Math.Sqrt(norm2);
        _ownLo[row] = lo + Math.Max(0, Math.Min(t, 0.5 * (witnessValue - lo)));
        _ownHi[row] = hi - Math.Max(0, Math.Min(t, 0.5 * (hi - witnessValue)));
    }

    /// <summary>
    /// Adds <c>normal . (u_i - u_j) &gt;= lo</c> for a unit <paramref name="normal"/> (the row's norm is sqrt 2);
    /// <paramref name="witnessValue"/> is its value at the witness. Tightened by <paramref name="tighten"/> sqrt 2.
    /// </summary>
    public void AddCoupling(int i, int j, ReadOnlySpan<double> normal, double lo, double witnessValue, double tighten)
    {
        int d = _dim;
        int row = _cpCount;
        if (row == _cpI.Length)
        {
            GrowCoupling(Math.Max(64, 2 * row));
        }

        _cpCount++;
        _cpI[row] = i;
        _cpJ[row] = j;
        for (int k = 0; k < d; k++)
        {
            _cpN[row * d + k] = normal[k];
        }

        _cpLoOrig[row] = lo;
        double t = tighten * Math.Sqrt(2);
        _cpLo[row] = lo + Math.Max(0, Math.Min(t, 0.5 * (witnessValue - lo)));
    }

    /// <summary>
    /// Appends every row of <paramref name="other"/> (own rows not yet grouped by robot) after these, in its order, as if
    /// they had been added here.
    /// </summary>
    public void Append(RowSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        int d = _dim;
        Reserve(_ownCount + other._ownCount, _cpCount + other._cpCount);
        int o = _ownCount, m = other._ownCount;
        other._ownRobot.AsSpan(0, m).CopyTo(_ownRobot.AsSpan(o));
        other._ownN.AsSpan(0, m * d).CopyTo(_ownN.AsSpan(o * d));
        other._ownLo.AsSpan(0, m).CopyTo(_ownLo.AsSpan(o));
        other._ownHi.AsSpan(0, m).CopyTo(_ownHi.AsSpan(o));
        other._ownLoOrig.AsSpan(0, m).CopyTo(_ownLoOrig.AsSpan(o));
        other._ownHiOrig.AsSpan(0, m).CopyTo(_ownHiOrig.AsSpan(o));
        _ownCount += m;
        int c = _cpCount, k = other._cpCount;
        other._cpI.AsSpan(0, k).CopyTo(_cpI.AsSpan(c));
        other._cpJ.AsSpan(0, k).CopyTo(_cpJ.AsSpan(c));
        other._cpN.AsSpan(0, k * d).CopyTo(_cpN.AsSpan(c * d));
        other._cpLo.AsSpan(0, k).CopyTo(_cpLo.AsSpan(c));
        other._cpLoOrig.AsSpan(0, k).CopyTo(_cpLoOrig.AsSpan(c));
        _cpCount += k;
    }

    /// <summary>
    /// Sorts the own rows by robot (stable: a robot's rows keep the order they were added in), so that robot i's rows are
    /// <c>OwnStart[i] .. OwnStart[i + 1]</c> of the view; every row's robot must be below <paramref name="robots"/>.
    /// </summary>
    public void GroupByRobot(int robots)
    {
        int d = _dim;
        int n = robots;
        if (_ownStart.Length < n + 1)
        {
            _ownStart = new int[Math.Max(n + 1, 2 * _ownStart.Length)];
        }

        _robots = n;
        Array.Clear(_ownStart, 0, n + 1);
        for (int q = 0; q < _ownCount; q++)
        {
            _ownStart[_ownRobot[q] + 1]++;
        }

        for (int i = 0; i < n; i++)
        {
            _ownStart[i + 1] += _ownStart[i];
        }

        // Stable counting sort into the staging arrays, then swap.
        for (int q = 0; q < _ownCount; q++)
        {
            int dst = _ownStart[_ownRobot[q]]++;
            _ownRobotS[dst] = _ownRobot[q];
            _ownLoS[dst] = _ownLo[q];
            _ownHiS[dst] = _ownHi[q];
            _ownLoOrigS[dst] = _ownLoOrig[q];
            _ownHiOrigS[dst] = _ownHiOrig[q];
            for (int k = 0; k < d; k++)
            {
                _ownNS[dst * d + k] = _ownN[q * d + k];
            }
        }

        for (int i = n; i > 0; i--)
        {
            _ownStart[i] = _ownStart[i - 1];
        }

        _ownStart[0] = 0;
        (_ownRobot, _ownRobotS) = (_ownRobotS, _ownRobot);
        (_ownLo, _ownLoS) = (_ownLoS, _ownLo);
        (_ownHi, _ownHiS) = (_ownHiS, _ownHi);
        (_ownLoOrig, _ownLoOrigS) = (_ownLoOrigS, _ownLoOrig);
        (_ownHiOrig, _ownHiOrigS) = (_ownHiOrigS, _ownHiOrig);
        (_ownN, _ownNS) = (_ownNS, _ownN);
    }

    private void GrowOwn(int capacity)
    {
        int d = _dim;
        Array.Resize(ref _ownRobot, capacity);
        Array.Resize(ref _ownN, capacity * d);
        Array.Resize(ref _ownLo, capacity);
        Array.Resize(ref _ownHi, capacity);
        Array.Resize(ref _ownLoOrig, capacity);
        Array.Resize(ref _ownHiOrig, capacity);
        Array.Resize(ref _ownRobotS, capacity);
        Array.Resize(ref _ownNS, capacity * d);
        Array.Resize(ref _ownLoS, capacity);
        Array.Resize(ref _ownHiS, capacity);
        Array.Resize(ref _ownLoOrigS, capacity);
        Array.Resize(ref _ownHiOrigS, capacity);
    }

    private void GrowCoupling(int capacity)
    {
        int d = _dim;
        Array.Resize(ref _cpI, capacity);
        Array.Resize(ref _cpJ, capacity);
        Array.Resize(ref _cpN, capacity * d);
        Array.Resize(ref _cpLo, capacity);
        Array.Resize(ref _cpLoOrig, capacity);
    }
}

/// <summary>
/// The rows of a safety QP as spans, what <see cref="GroupQpSolver"/> reads (from <see cref="RowSet.View"/>, or built
/// directly). Own rows are grouped by robot: robot i's are <c>OwnStart[i] .. OwnStart[i + 1]</c>. Normals are
/// <see cref="Dimension"/> values per row.
/// </summary>
internal readonly ref struct QpRows
{
    public QpRows(int dimension, ReadOnlySpan<int> ownStart, ReadOnlySpan<int> ownRobot, ReadOnlySpan<double> ownNormals,
        ReadOnlySpan<double> ownLo, ReadOnlySpan<double> ownHi, ReadOnlySpan<double> ownLoOriginal, ReadOnlySpan<double> ownHiOriginal,
        ReadOnlySpan<int> couplingFirst, ReadOnlySpan<int> couplingSecond, ReadOnlySpan<double> couplingNormals,
        ReadOnlySpan<double> couplingLo, ReadOnlySpan<double> couplingLoOriginal)
    {
        Dimension = dimension;
        OwnStart = ownStart;
        OwnRobot = ownRobot;
        OwnNormals = ownNormals;
        OwnLo = ownLo;
        OwnHi = ownHi;
        OwnLoOriginal = ownLoOriginal;
        OwnHiOriginal = ownHiOriginal;
        CouplingFirst = couplingFirst;
        CouplingSecond = couplingSecond;
        CouplingNormals = couplingNormals;
        CouplingLo = couplingLo;
        CouplingLoOriginal = couplingLoOriginal;
    }

    /// <summary>Components of a robot's command.</summary>
    public int Dimension { get; }

    /// <summary>Robot i's own rows are <c>OwnStart[i] .. OwnStart[i + 1]</c> (robots + 1 values).</summary>
    public ReadOnlySpan<int> OwnStart { get; }

    /// <summary>The robot of each own row.</summary>
    public ReadOnlySpan<int> OwnRobot { get; }

    /// <summary>Normals of the own rows.</summary>
    public ReadOnlySpan<double> OwnNormals { get; }

    /// <summary>Tightened lower bounds of the own rows (the solver's).</summary>
    public ReadOnlySpan<double> OwnLo { get; }

    /// <summary>Tightened upper bounds of the own rows.</summary>
    public ReadOnlySpan<double> OwnHi { get; }

    /// <summary>Original lower bounds of the own rows (the final check's).</summary>
    public ReadOnlySpan<double> OwnLoOriginal { get; }

    /// <summary>Original upper bounds of the own rows.</summary>
    public ReadOnlySpan<double> OwnHiOriginal { get; }

    /// <summary>First robot i of each coupling row <c>a . (u_i - u_j) &gt;= lo</c>.</summary>
    public ReadOnlySpan<int> CouplingFirst { get; }

    /// <summary>Second robot j of each coupling row.</summary>
    public ReadOnlySpan<int> CouplingSecond { get; }

    /// <summary>Normals a of the coupling rows.</summary>
    public ReadOnlySpan<double> CouplingNormals { get; }

    /// <summary>Tightened lower bounds of the coupling rows.</summary>
    public ReadOnlySpan<double> CouplingLo { get; }

    /// <summary>Original lower bounds of the coupling rows.</summary>
    public ReadOnlySpan<double> CouplingLoOriginal { get; }

    /// <summary>Own rows.</summary>
    public int OwnCount => OwnRobot.Length;

    /// <summary>Coupling rows.</summary>
    public int CouplingCount => CouplingFirst.Length;
}
