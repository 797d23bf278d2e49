namespace SwarmCoverage.Control;

/// <summary>
/// A cell list over an arena, the safety filter's neighbour search (docs/safety-filter.md, "Parts"). Items are points,
/// numbered robots first and obstacles after them; <see cref="Build"/> sorts them into square (cubic in 3-D) cells of at
/// least the requested size over the arena grown by one cell, with points outside clamped into the border cells; the
/// candidates of item i are the items of larger index in the 3 x 3 (3 x 3 x 3) cells around i's cell. Every item closer to
/// i than the requested size is among them, each pair once. Deterministic order: cells in x-fastest order, items by index
/// inside a cell. Allocation-free once its buffers fit the largest crowd seen.
/// </summary>
internal sealed class NeighbourGrid
{
    private readonly ArenaBox _arena;
    private readonly int _dim;
    private int[] _cellStart = [];
    private int[] _cellItems = [];
    private int[] _itemCell = [];
    private int[] _candidates = new int[64];
    private Cells _cells;
    private int _items;
    private double _cellSize;

    /// <summary>A grid over <paramref name="arena"/> (2-D or 3-D points, the arena's dimension).</summary>
    public NeighbourGrid(ArenaBox arena)
    {
        _arena = arena;
        _dim = arena.Dimension;
    }

    /// <summary>Items of the last <see cref="Build"/>: robots, then obstacles.</summary>
    public int Items => _items;

    /// <summary>The cell edge (m) of the last <see cref="Build"/>: the requested size, or larger when that needed too many cells.</summary>
    public double CellSizeM => _cellSize;

    /// <summary>
    /// Sorts the robots' points (item 0 ..) and the obstacles (after them) into cells of at least <paramref name="minCellSizeM"/>
    /// (grown by factors of 1.5 while the grid would have more than max(4096, 4 items) cells).
    /// </summary>
    public void Build(ReadOnlySpan<double> points, ReadOnlySpan<double> obstacles, double minCellSizeM)
    {
        int d = _dim;
        int n = points.Length / d, m = obstacles.Length / d;
        int items = n + m;
        if (_itemCell.Length < items)
        {
            int cap = Math.Max(items, 2 * _itemCell.Length);
            _itemCell = new int[cap];
            _cellItems = new int[cap];
        }

        // Grid over the arena grown by one cell; points outside are clamped into the border cells, which keeps every pair
        // closer than the cell size in adjacent cells.
        Span<double> origin = stackalloc double[3];
        Span<int> counts = stackalloc int[3];
        counts.Fill(1);
        long maxCells = Math.Max(4096L, 4L * items);
        double size = minCellSizeM;
        for (int attempt = 0; attempt < 64; attempt++)
        {
            long total = 1;
            for (int k = 0; k < d; k++)
            {
                origin[k] = _arena.MinM(k) - size;
                double extent = _arena.MaxM(k) - _arena.MinM(k) + 2 * size;
                counts[k] = (int)Math.Clamp(Math.Ceiling(extent / size), 1, 1 << 20);
                total *= counts[k];
            }

            if (total <= maxCells)
            {
                break;
            }

            size *= 1.5;
        }

        _cells = new Cells(origin[0], origin[1], d == 3 ? origin[2] : 0, 1.0 / size, counts[0], counts[1], d == 3 ? counts[2] : 1);
        _items = items;
        _cellSize = size;
        int cells = _cells.Nx * _cells.Ny * _cells.Nz;
        if (_cellStart.Length < cells + 1)
        {
            _cellStart = new int[cells + 1];
        }

        Array.Clear(_cellStart, 0, cells + 1);
        Span<int> idx = stackalloc int[3];
        for (int q = 0; q < items; q++)
        {
            var p = q < n ? points.Slice(q * d, d) : obstacles.Slice((q - n) * d, d);
            _cells.CellOf(p, idx);
            int cell = (idx[2] * _cells.Ny + idx[1]) * _cells.Nx + idx[0];
            _itemCell[q] = cell;
            _cellStart[cell + 1]++;
        }

        for (int c = 0; c < cells; c++)
        {
            _cellStart[c + 1] += _cellStart[c];
        }

        // Stable counting sort: items keep their index order inside a cell (determinism).
        for (int q = 0; q < items; q++)
        {
            int cell = _itemCell[q];
            _cellItems[_cellStart[cell]++] = q;
        }

        for (int c = cells; c > 0; c--)
        {
            _cellStart[c] = _cellStart[c - 1];
        }

        _cellStart[0] = 0;
    }

    /// <summary>
    /// The items j &gt; <paramref name="item"/> in the cells around the item's cell, in cell order and index order inside a
    /// cell: a superset of the items closer than the cell size. Valid until the next call (a view of an internal buffer).
    /// </summary>
    public ReadOnlySpan<int> Candidates(int item)
    {
        int cell = _itemCell[item];
        int nx = _cells.Nx, ny = _cells.Ny;
        int x = cell % nx, y = cell / nx % ny, z = cell / (nx * ny);
        int zLo = _dim == 3 ? Math.Max(z - 1, 0) : 0;
        int zHi = _dim == 3 ? Math.Min(z + 1, _cells.Nz - 1) : 0;
        int count = 0;
        for (int cz = zLo; cz <= zHi; cz++)
        {
            for (int cy = Math.Max(y - 1, 0); cy <= Math.Min(y + 1, ny - 1); cy++)
            {
                for (int cx = Math.Max(x - 1, 0); cx <= Math.Min(x + 1, nx - 1); cx++)
                {
                    int c = (cz * ny + cy) * nx + cx;
                    for (int p = _cellStart[c]; p < _cellStart[c + 1]; p++)
                    {
                        int j = _cellItems[p];
                        if (j <= item)
                        {
                            continue;
                        }

                        if (count == _candidates.Length)
                        {
                            Array.Resize(ref _candidates, Math.Max(64, 2 * count));
                        }

                        _candidates[count++] = j;
                    }
                }
            }
        }

        return _candidates.AsSpan(0, count);
    }

    private int[] _listStart = [];
    private int[] _listItems = [];

    /// <summary>
    /// Lists <see cref="Candidates"/> of items 0 .. <paramref name="items"/> - 1 once, for callers that scan them more than
    /// once a build (the safety filter's recovery pushes, then its pairs); <see cref="Listed"/> gives them back, in the same
    /// order.
    /// </summary>
    public void ListCandidates(int items)
    {
        if (_listStart.Length < items + 1)
        {
            _listStart = new int[Math.Max(items + 1, 2 * _listStart.Length)];
        }

        int used = 0;
        for (int i = 0; i < items; i++)
        {
            _listStart[i] = used;
            var c = Candidates(i);
            if (_listItems.Length < used + c.Length)
            {
                Array.Resize(ref _listItems, Math.Max(used + c.Length, 2 * _listItems.Length));
            }

            c.CopyTo(_listItems.AsSpan(used));
            used += c.Length;
        }

        _listStart[items] = used;
    }

    /// <summary>Candidates listed by the last <see cref="ListCandidates"/> for the items before <paramref name="item"/> (0 .. the items listed).</summary>
    public int ListedBefore(int item) => _listStart[item];

    /// <summary>The candidates of item <paramref name="item"/> listed by the last <see cref="ListCandidates"/>.</summary>
    public ReadOnlySpan<int> Listed(int item) => _listItems.AsSpan(_listStart[item], _listStart[item + 1] - _listStart[item]);

    private readonly record struct Cells(double X0, double Y0, double Z0, double InvSize, int Nx, int Ny, int Nz)
    {
        public void CellOf(ReadOnlySpan<double> p, Span<int> idx)
        {
            idx[0] = Clamp((p[0] - X0) * InvSize, Nx);
            idx[1] = Clamp((p[1] - Y0) * InvSize, Ny);
            idx[2] = p.Length == 3 ? Clamp((p[2] - Z0) * InvSize, Nz) : 0;
        }

        private static int Clamp(double x, int count)
        {
            double f = Math.Floor(x);
            return f < 0 ? 0 : f >= count ? count - 1 : (int)f;
        }
    }
}
