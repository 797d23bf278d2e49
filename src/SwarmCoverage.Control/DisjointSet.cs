namespace SwarmCoverage.Control;

/// <summary>
/// Union-find over the elements 0 .. n-1 (path halving), the safety filter's grouping of robots coupled by pair rows
/// (docs/safety-filter.md, "Parts"). The smaller index always becomes the root, so every set's root is its smallest element
/// and the result does not depend on the order of the unions. Allocation-free once it has held the largest n.
/// </summary>
internal sealed class DisjointSet
{
    private int[] _parent = [];
    private int _count;

    /// <summary>Elements since the last <see cref="Reset"/>.</summary>
    public int Count => _count;

    /// <summary>Makes every element 0 .. n-1 a set of its own.</summary>
    public void Reset(int n)
    {
        if (_parent.Length < n)
        {
            _parent = new int[Math.Max(n, 2 * _parent.Length)];
        }

        _count = n;
        for (int i = 0; i < n; i++)
        {
            _parent[i] = i;
        }
    }

    /// <summary>The root of i's set: the smallest element of the set.</summary>
    public int Find(int i)
    {
        while (_parent[i] != i)
        {
            _parent[i] = _parent[_parent[i]];
            i = _parent[i];
        }

        return i;
    }

    /// <summary>Joins the sets of a and b (nothing when they are one set already).</summary>
    public void Union(int a, int b)
    {
        int ra = Find(a), rb = Find(b);
        if (ra == rb)
        {
            return;
        }

        // The smaller index becomes the root, so component numbering does not depend on the order of unions.
        if (ra < rb)
        {
            _parent[rb] = ra;
        }
        else
        {
            _parent[ra] = rb;
        }
    }

    /// <summary>
    /// Numbers the sets 0, 1, ... in the order of their smallest elements and writes each element's number to
    /// <paramref name="labels"/> (at least <see cref="Count"/> long); returns the number of sets.
    /// </summary>
    public int Label(Span<int> labels)
    {
        int sets = 0;
        for (int i = 0; i < _count; i++)
        {
            int root = Find(i);
            labels[i] = root == i ? sets++ : labels[root];
        }

        return sets;
    }
}
