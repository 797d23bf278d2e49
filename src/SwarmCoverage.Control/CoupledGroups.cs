namespace SwarmCoverage.Control;

/// <summary>
/// The groups of robots coupled by coupling rows, each solved as one QP (docs/safety-filter.md, "Parts"): the sets of a
/// <see cref="DisjointSet"/> numbered by their smallest robot, with each group's robots (ascending) and coupling rows (in row
/// order). Allocation-free once its buffers fit the largest tick seen.
/// </summary>
internal sealed class CoupledGroups
{
    private int[] _label = [];
    private int[] _robotOrder = [];
    private int[] _robotStart = [];
    private int[] _couplingOrder = [];
    private int[] _couplingStart = [];
    private int _count;

    /// <summary>Groups of the last <see cref="Build"/>.</summary>
    public int Count => _count;

    /// <summary>
    /// Groups the robots 0 .. sets.Count - 1 by their sets and the coupling rows (given by their first robots; both robots of
    /// a row must be in one set) by the group of their robots. Returns the number of groups.
    /// </summary>
    public int Build(DisjointSet sets, ReadOnlySpan<int> couplingFirst)
    {
        int n = sets.Count;
        int rows = couplingFirst.Length;
        if (_label.Length < n)
        {
            int cap = Math.Max(n, 2 * _label.Length);
            _label = new int[cap];
            _robotOrder = new int[cap];
        }

        if (_couplingOrder.Length < rows)
        {
            _couplingOrder = new int[Math.Max(rows, 2 * _couplingOrder.Length)];
        }

        int groups = sets.Label(_label);
        if (_robotStart.Length < groups + 1)
        {
            _robotStart = new int[Math.Max(groups + 1, 2 * _robotStart.Length)];
            _couplingStart = new int[_robotStart.Length];
        }

        Array.Clear(_robotStart, 0, groups + 1);
        Array.Clear(_couplingStart, 0, groups + 1);
        for (int i = 0; i < n; i++)
        {
            _robotStart[_label[i] + 1]++;
        }

        for (int r = 0; r < rows; r++)
        {
            _couplingStart[_label[couplingFirst[r]] + 1]++;
        }

        for (int c = 0; c < groups; c++)
        {
            _robotStart[c + 1] += _robotStart[c];
            _couplingStart[c + 1] += _couplingStart[c];
        }

        for (int i = 0; i < n; i++)
        {
            _robotOrder[_robotStart[_label[i]]++] = i;
        }

        for (int r = 0; r < rows; r++)
        {
            _couplingOrder[_couplingStart[_label[couplingFirst[r]]]++] = r;
        }

        for (int c = groups; c > 0; c--)
        {
            _robotStart[c] = _robotStart[c - 1];
            _couplingStart[c] = _couplingStart[c - 1];
        }

        _robotStart[0] = 0;
        _couplingStart[0] = 0;
        _count = groups;
        return groups;
    }

    /// <summary>The robots of group <paramref name="group"/>, ascending.</summary>
    public ReadOnlySpan<int> Robots(int group) => _robotOrder.AsSpan(_robotStart[group], _robotStart[group + 1] - _robotStart[group]);

    /// <summary>The coupling rows of group <paramref name="group"/>, ascending.</summary>
    public ReadOnlySpan<int> Couplings(int group) => _couplingOrder.AsSpan(_couplingStart[group], _couplingStart[group + 1] - _couplingStart[group]);
}
