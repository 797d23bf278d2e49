namespace SwarmCoverage.Control;

/// <summary>
/// Sparse Cholesky factorisation of a symmetric positive definite matrix made of b x b blocks (b = 2 or 3, one block row
/// per robot) whose off-diagonal blocks follow a graph (robot pairs). The elimination order is chosen by the greedy minimum
/// degree rule (the elimination game, fill included), which keeps the factor sparse for the planar neighbour graphs of a
/// swarm; the numeric factorisation is right-looking over the blocks. Deterministic (ties broken by the smaller node) and
/// allocation-free once its buffers fit the largest problem seen.
/// </summary>
internal sealed class BlockCholesky
{
    private int _b;
    private int _bb;
    private int _m;

    // Input: diagonal blocks (node-indexed) and edges with their block H[u][v].
    private double[] _diag = [];
    private int _edgeCount;
    private int[] _eu = [];
    private int[] _ev = [];
    private double[] _eval = [];

    // Elimination game.
    private int[] _adjStart = [];
    private int[] _adjLen = [];
    private int[] _adjCap = [];
    private int[] _pool = [];
    private int _poolUsed;
    private int[] _mark = [];
    private int _stamp;
    private bool[] _eliminated = [];

    // Ordering and column structure of L (positions).
    private int[] _perm = [];
    private int[] _iperm = [];
    private int[] _colStart = [];
    private int[] _colIdx = [];

    // Values.
    private double[] _ldiag = [];
    private double[] _lval = [];
    private double[] _work = [];

    /// <summary>Multiply-adds of the last numeric factorisation (a measure of the work, for budgets).</summary>
    public long LastFlops { get; private set; }

    /// <summary>Number of nodes (block rows).</summary>
    public int Nodes => _m;

    /// <summary>Starts a new matrix of <paramref name="nodes"/> block rows of size <paramref name="blockSize"/>; all blocks zero.</summary>
    public void Reset(int nodes, int blockSize)
    {
        _m = nodes;
        _b = blockSize;
        _bb = blockSize * blockSize;
        Grow(ref _diag, nodes * _bb);
        _diag.AsSpan(0, nodes * _bb).Clear();
        _edgeCount = 0;
    }

    /// <summary>Adds <paramref name="block"/> (row-major b x b) to diagonal block k.</summary>
    public void AddDiagonal(int k, ReadOnlySpan<double> block)
    {
        for (int q = 0; q < _bb; q++)
        {
            _diag[k * _bb + q] += block[q];
        }
    }

    /// <summary>Adds an off-diagonal block H[u][v] = block (row-major), H[v][u] = its transpose. At most one call per pair.</summary>
    public void AddEdge(int u, int v, ReadOnlySpan<double> block)
    {
        int e = _edgeCount++;
        if (e >= _eu.Length)
        {
            int cap = Math.Max(16, 2 * _eu.Length);
            Array.Resize(ref _eu, cap);
            Array.Resize(ref _ev, cap);
            Array.Resize(ref _eval, cap * 9);
        }

        _eu[e] = u;
        _ev[e] = v;
        block[.._bb].CopyTo(_eval.AsSpan(e * _bb, _bb));
    }

    /// <summary>
    /// Orders, analyses and factorises; false when a pivot block is not positive definite. The ordering and the column
    /// structure depend only on the node count and the edge list, so a matrix with the same graph as the last ordered one
    /// (the Newton steps of one group while its active rows stay) reuses them: the same factor, bit for bit, without the
    /// elimination game.
    /// </summary>
    public bool Factor()
    {
        if (!SameGraphAsOrdered())
        {
            Order();
            RememberOrderedGraph();
        }

        return Numeric();
    }

    // The graph the current ordering was computed for.
    private int _orderedM = -1;
    private int _orderedEdges;
    private int[] _orderedEu = [];
    private int[] _orderedEv = [];

    private bool SameGraphAsOrdered() =>
        _orderedM == _m && _orderedEdges == _edgeCount
        && _eu.AsSpan(0, _edgeCount).SequenceEqual(_orderedEu.AsSpan(0, _edgeCount))
        && _ev.AsSpan(0, _edgeCount).SequenceEqual(_orderedEv.AsSpan(0, _edgeCount));

    private void RememberOrderedGraph()
    {
        Grow(ref _orderedEu, _edgeCount);
        Grow(ref _orderedEv, _edgeCount);
        _eu.AsSpan(0, _edgeCount).CopyTo(_orderedEu);
        _ev.AsSpan(0, _edgeCount).CopyTo(_orderedEv);
        _orderedM = _m;
        _orderedEdges = _edgeCount;
    }

    /// <summary>Solves H x = rhs in place (node-indexed, b values per node).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Solve(Span<double> rhs)
    {
        int b = _b, bb = _bb, m = _m;
        Grow(ref _work, m * b);
        var y = _work.AsSpan(0, m * b);
        for (int p = 0; p < m; p++)
        {
            rhs.Slice(_perm[p] * b, b).CopyTo(y.Slice(p * b, b));
        }

        // Forward: L y = rhs (column-oriented).
        for (int p = 0; p < m; p++)
        {
            var yp = y.Slice(p * b, b);
            LowerSolve(_ldiag.AsSpan(p * bb, bb), yp, b);
            for (int k = _colStart[p]; k < _colStart[p + 1]; k++)
            {
                int q = _colIdx[k];
                var lq = _lval.AsSpan(k * bb, bb);
                var yq = y.Slice(q * b, b);
                for (int r = 0; r < b; r++)
                {
                    double s = 0;
                    for (int c = 0; c < b; c++)
                    {
                        s += lq[r * b + c] * yp[c];
                    }

                    yq[r] -= s;
                }
            }
        }

        // Backward: L^T x = y.
        for (int p = m - 1; p >= 0; p--)
        {
            var yp = y.Slice(p * b, b);
            for (int k = _colStart[p]; k < _colStart[p + 1]; k++)
            {
                int q = _colIdx[k];
                var lq = _lval.AsSpan(k * bb, bb);
                var yq = y.Slice(q * b, b);
                for (int c = 0; c < b; c++)
                {
                    double s = 0;
                    for (int r = 0; r < b; r++)
                    {
                        s += lq[r * b + c] * yq[r];
                    }

                    yp[c] -= s;
                }
            }

            UpperSolve(_ldiag.AsSpan(p * bb, bb), yp, b);
        }

        for (int p = 0; p < m; p++)
        {
            y.Slice(p * b, b).CopyTo(rhs.Slice(_perm[p] * b, b));
        }
    }

    /// <summary>Greedy minimum-degree elimination game: the order, and each column's later neighbours (fill included).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Order()
    {
        int m = _m;
        Grow(ref _adjStart, m);
        Grow(ref _adjLen, m);
        Grow(ref _adjCap, m);
        Grow(ref _mark, m);
        Grow(ref _perm, m);
        Grow(ref _iperm, m);
        Grow(ref _colStart, m + 1);
        if (_eliminated.Length < m)
        {
            _eliminated = new bool[Math.Max(m, 2 * _eliminated.Length)];
        }

        Array.Clear(_eliminated, 0, m);
        Array.Clear(_adjLen, 0, m);
        Array.Clear(_mark, 0, m);
        _stamp = 0;

        // Initial adjacency with room for fill.
        for (int e = 0; e < _edgeCount; e++)
        {
            _adjLen[_eu[e]]++;
            _adjLen[_ev[e]]++;
        }

        _poolUsed = 0;
        for (int k = 0; k < m; k++)
        {
            _adjCap[k] = 2 * _adjLen[k] + 4;
            _adjStart[k] = _poolUsed;
            _poolUsed += _adjCap[k];
            _adjLen[k] = 0;
        }

        Grow(ref _pool, 2 * _poolUsed + 64);
        for (int e = 0; e < _edgeCount; e++)
        {
            _pool[_adjStart[_eu[e]] + _adjLen[_eu[e]]++] = _ev[e];
            _pool[_adjStart[_ev[e]] + _adjLen[_ev[e]]++] = _eu[e];
        }

        // Binary heap of (degree, node) with lazy deletion: an entry is stale when the node is gone or its degree changed.
        _heapCount = 0;
        for (int k = 0; k < m; k++)
        {
            HeapPush(_adjLen[k], k);
        }

        int colUsed = 0;
        for (int p = 0; p < m; p++)
        {
            // Minimum current degree, smallest node on ties.
            int v;
            while (true)
            {
                long top = HeapPop();
                int node = (int)(top & 0xFFFFFFFF);
                int deg = (int)(top >> 32);
                if (!_eliminated[node] && _adjLen[node] == deg)
                {
                    v = node;
                    break;
                }
            }

            _eliminated[v] = true;
            _perm[p] = v;
            _iperm[v] = p;
            int vs = _adjStart[v], vl = _adjLen[v];
            _colStart[p] = colUsed;
            Grow(ref _colIdx, colUsed + vl);
            for (int q = 0; q < vl; q++)
            {
                _colIdx[colUsed++] = _pool[vs + q]; // node ids for now; converted to positions below
            }

            // Neighbours of v become a clique; v leaves their lists.
            for (int q = 0; q < vl; q++)
            {
                int a = _pool[vs + q];
                int before = _adjLen[a];
                RemoveFrom(a, v);
                _stamp++;
                if (_stamp == int.MaxValue)
                {
                    Array.Clear(_mark, 0, m);
                    _stamp = 1;
                }

                int st = _adjStart[a];
                for (int r = 0; r < _adjLen[a]; r++)
                {
                    _mark[_pool[st + r]] = _stamp;
                }

                _mark[a] = _stamp;
                for (int r = 0; r < vl; r++)
                {
                    int c = _pool[vs + r];
                    if (_mark[c] != _stamp)
                    {
                        Append(a, c);
                        _mark[c] = _stamp;
                    }
                }

                // The heap already holds a valid entry for a when its degree is unchanged (the pop order is the same).
                if (_adjLen[a] != before)
                {
                    HeapPush(_adjLen[a], a);
                }
            }
        }

        _colStart[m] = colUsed;
        // Node ids to positions, sorted ascending within each column.
        for (int p = 0; p < m; p++)
        {
            int s = _colStart[p], e = _colStart[p + 1];
            for (int k = s; k < e; k++)
            {
                _colIdx[k] = _iperm[_colIdx[k]];
            }

            Array.Sort(_colIdx, s, e - s);
        }
    }

    private long[] _heap = [];
    private int _heapCount;

    private void HeapPush(int degree, int node)
    {
        if (_heapCount == _heap.Length)
        {
            Array.Resize(ref _heap, Math.Max(64, 2 * _heap.Length));
        }

        long key = ((long)degree << 32) | (uint)node;
        int i = _heapCount++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (_heap[parent] <= key)
            {
                break;
            }

            _heap[i] = _heap[parent];
            i = parent;
        }

        _heap[i] = key;
    }

    private long HeapPop()
    {
        long top = _heap[0];
        long last = _heap[--_heapCount];
        int i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= _heapCount)
            {
                break;
            }

            if (child + 1 < _heapCount && _heap[child + 1] < _heap[child])
            {
                child++;
            }

            if (_heap[child] >= last)
            {
                break;
            }

            _heap[i] = _heap[child];
            i = child;
        }

        if (_heapCount > 0)
        {
            _heap[i] = last;
        }

        return top;
    }

    private void RemoveFrom(int a, int v)
    {
        int st = _adjStart[a], len = _adjLen[a];
        for (int r = 0; r < len; r++)
        {
            if (_pool[st + r] == v)
            {
                _pool[st + r] = _pool[st + len - 1];
                _adjLen[a] = len - 1;
                return;
            }
        }
    }

    private void Append(int a, int c)
    {
        if (_adjLen[a] == _adjCap[a])
        {
            int cap = 2 * _adjCap[a];
            Grow(ref _pool, _poolUsed + cap);
            Array.Copy(_pool, _adjStart[a], _pool, _poolUsed, _adjLen[a]);
            _adjStart[a] = _poolUsed;
            _adjCap[a] = cap;
            _poolUsed += cap;
        }

        _pool[_adjStart[a] + _adjLen[a]++] = c;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private bool Numeric()
    {
        int m = _m, b = _b, bb = _bb;
        int nnz = _colStart[m];
        long flops = 0;
        for (int p = 0; p < m; p++)
        {
            long c = _colStart[p + 1] - _colStart[p];
            flops += (c * (c + 1) / 2 + c + 1) * bb * b;
        }

        LastFlops = flops;
        Grow(ref _ldiag, m * bb);
        Grow(ref _lval, nnz * bb);
        for (int p = 0; p < m; p++)
        {
            _diag.AsSpan(_perm[p] * bb, bb).CopyTo(_ldiag.AsSpan(p * bb, bb));
        }

        Array.Clear(_lval, 0, nnz * bb);
        Span<double> t = stackalloc double[9];
        for (int e = 0; e < _edgeCount; e++)
        {
            int pu = _iperm[_eu[e]], pv = _iperm[_ev[e]];
            var blk = _eval.AsSpan(e * bb, bb);
            // Lower block (row = later position, column = earlier).
            if (pu > pv)
            {
                // H[u][v] with u later: the block itself.
                blk.CopyTo(_lval.AsSpan(Slot(pv, pu) * bb, bb));
            }
            else
            {
                // H[v][u] = H[u][v]^T.
                var dst = _lval.AsSpan(Slot(pu, pv) * bb, bb);
                for (int r = 0; r < b; r++)
                {
                    for (int c = 0; c < b; c++)
                    {
                        dst[r * b + c] = blk[c * b + r];
                    }
                }
            }
        }

        for (int p = 0; p < m; p++)
        {
            var lpp = _ldiag.AsSpan(p * bb, bb);
            if (!CholeskyBlock(lpp, b))
            {
                return false;
            }

            int s = _colStart[p], e = _colStart[p + 1];
            // L_qp = A_qp L_pp^-T: each row r of A_qp solved against L_pp.
            for (int k = s; k < e; k++)
            {
                var blk = _lval.AsSpan(k * bb, bb);
                for (int r = 0; r < b; r++)
                {
                    LowerSolve(lpp, blk.Slice(r * b, b), b);
                }
            }

            // Schur updates A_q1q2 -= L_q1p L_q2p^T for q1 >= q2 in the column.
            for (int k2 = s; k2 < e; k2++)
            {
                int q2 = _colIdx[k2];
                var l2 = _lval.AsSpan(k2 * bb, bb);
                for (int k1 = k2; k1 < e; k1++)
                {
                    int q1 = _colIdx[k1];
                    var l1 = _lval.AsSpan(k1 * bb, bb);
                    for (int r = 0; r < b; r++)
                    {
                        for (int c = 0; c < b; c++)
                        {
                            double sum = 0;
                            for (int x = 0; x < b; x++)
                            {
                                sum += l1[r * b + x] * l2[c * b + x];
                            }

                            t[r * b + c] = sum;
                        }
                    }

                    var dst = q1 == q2 ? _ldiag.AsSpan(q2 * bb, bb) : _lval.AsSpan(Slot(q2, q1) * bb, bb);
                    for (int x = 0; x < bb; x++)
                    {
                        dst[x] -= t[x];
                    }
                }
            }
        }

        return true;
    }

    /// <summary>Index of the block for row position q in column p (q is in the column by construction).</summary>
    private int Slot(int p, int q)
    {
        int idx = Array.BinarySearch(_colIdx, _colStart[p], _colStart[p + 1] - _colStart[p], q);
        if (idx < 0)
        {
            throw new InvalidOperationException("BlockCholesky: fill pattern is missing a block (internal error).");
        }

        return idx;
    }

    /// <summary>In-place lower Cholesky factor of a b x b block (upper part left as is); false when not positive definite.</summary>
    private static bool CholeskyBlock(Span<double> a, int b)
    {
        for (int k = 0; k < b; k++)
        {
            double s = a[k * b + k];
            for (int p = 0; p < k; p++)
            {
                s -= a[k * b + p] * a[k * b + p];
            }

            if (!(s > 0))
            {
                return false;
            }

            double l = Math.Sqrt(s);
            a[k * b + k] = l;
            for (int r = k + 1; r < b; r++)
            {
                double t = a[r * b + k];
                for (int p = 0; p < k; p++)
                {
                    t -= a[r * b + p] * a[k * b + p];
                }

                a[r * b + k] = t / l;
            }
        }

        return true;
    }

    private static void LowerSolve(ReadOnlySpan<double> l, Span<double> y, int b)
    {
        for (int r = 0; r < b; r++)
        {
            double s = y[r];
            for (int c = 0; c < r; c++)
            {
                s -= l[r * b + c] * y[c];
            }

            y[r] = s / l[r * b + r];
        }
    }

    private static void UpperSolve(ReadOnlySpan<double> l, Span<double> y, int b)
    {
        for (int r = b - 1; r >= 0; r--)
        {
            double s = y[r];
            for (int c = r + 1; c < b; c++)
            {
                s -= l[c * b + r] * y[c];
            }

            y[r] = s / l[r * b + r];
        }
    }

    private static void Grow(ref double[] a, int n)
    {
        if (a.Length < n)
        {
            a = new double[Math.Max(n, 2 * a.Length)];
        }
    }

    private static void Grow(ref int[] a, int n)
    {
        if (a.Length < n)
        {
            Array.Resize(ref a, Math.Max(n, 2 * a.Length));
        }
    }
}
