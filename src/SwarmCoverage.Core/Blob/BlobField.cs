using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using SwarmCoverage.Core.Parallel;
using SwarmCoverage.Core.Targets;

namespace SwarmCoverage.Core.Blob;

/// <summary>What one evaluation of the field measured besides the velocities.</summary>
/// <param name="Energy">E_h = 1/2 cellvol sum over box cells U^2 / rhobar.</param>
/// <param name="Chi2">chi2_eps = cellvol sum over box cells (U - rhobar)^2 / rhobar.</param>
/// <param name="Mass">cellvol sum over box cells U (1 up to the quadrature error).</param>
/// <param name="MaxRatio">max over box cells of W = U / rhobar (sets the explicit time step).</param>
public readonly record struct BlobEvaluation(double Energy, double Chi2, double Mass, double MaxRatio)
{
    /// <summary>Linear stability bound of explicit Euler, <c>2 e eps^2 / max W</c> (docs/method.md section 5).</summary>
    public double StableTimeStep(double epsilon) => 2 * Math.E * epsilon * epsilon / MaxRatio;
}

/// <summary>
/// The discrete blob field of docs/method.md sections 2 to 4: particles -> grid -> particles with mirror
/// walls. <see cref="Evaluate"/> gives <c>v_i = -cellvol sum_l grad phi_eps(x_i - y_l) W_l</c> with
/// <c>W = U / rhobar</c>, exactly <c>-(1/m_i) dE_h/dx_i</c>.
/// <para>
/// Positions are interleaved <c>(x0, y0, x1, y1, ...)</c>, N x d; masses are N positive numbers summing to
/// one, or empty for equal masses 1/N. Results are bit-identical whatever the thread count and the
/// vector width: particles are deposited in fixed chunks (chosen from N and the grid only) onto private
/// grids that are summed in a fixed order, and every kernel path computes the same 4-lane arithmetic.
/// Not thread-safe: one evaluation at a time per instance. Buffers are allocated once per particle count.
/// </para>
/// </summary>
public sealed unsafe class BlobField : IDisposable, IParallelWork
{
    private const int GatherBlock = 256;
    private const long WorkPerChunk = 1L << 21;    // stencil cells per deposit chunk
    private const int MaxChunks = 16;
    private const long ChunkMemoryBudget = 256L << 20;
    private const long ParallelThreshold = 1L << 19; // stencil cells below which everything runs serially

    private readonly BlobGrid _grid;
    private readonly KernelPath _path;
    private readonly int _threads;
    private readonly double _invEps2;
    private readonly double _norm1;           // (2 pi eps^2)^(-1/2)
    private readonly double[] _ck;             // exp(-k^2 delta_axis^2 / (2 eps^2)), per axis
    private readonly double[] _kh;             // k delta_axis, per axis
    private readonly int _ckStride;
    private readonly int _scratchStride;
    private readonly double[][] _scratch;      // per worker: g and dg per axis
    private double[] _rhobar = [];
    private double[] _invRhobar = [];
    private readonly double[] _uBox;
    private readonly int[][] _mirror;          // per axis: extended index -> extended index of the box cell it mirrors
    private readonly double[] _wExt;
    private double[][] _chunkGrids = [];
    private WorkerPool? _pool;

    // State of the evaluation in progress (read by Execute).
    private Stage _stage;
    private int _n;
    private int _chunks;
    private int _chunkSize;
    private double* _pos;
    private double* _mass;
    private double _equalMass;
    private double* _vel;

    private enum Stage { Deposit, Reduce, Gather }

    public BlobField(TargetDensity target, BlobOptions options, KernelPath path = KernelPath.Auto)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _grid = new BlobGrid(target.Domain, options);
        Options = options;
        _path = path switch
        {
            KernelPath.Auto when Vector256.IsHardwareAccelerated => KernelPath.Vector256,
            KernelPath.Auto when Vector128.IsHardwareAccelerated => KernelPath.Vector128,
            KernelPath.Auto => KernelPath.Scalar,
            _ => path,
        };
        _threads = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount;
        double eps = options.Epsilon;
        _invEps2 = 1.0 / (eps * eps);
        _norm1 = 1.0 / Math.Sqrt(2 * Math.PI * eps * eps);
        int d = _grid.D;
        int kmax = 0;
        for (int k = 0; k < d; k++) kmax = Math.Max(kmax, _grid.Taps[k]);
        _scratchStride = ((Math.Max(kmax, _grid.LastTapsPadded) + 3) & ~3) + 4;
        _ckStride = _scratchStride;
        _ck = new double[d * _ckStride];
        _kh = new double[d * _ckStride];
        for (int k = 0; k < d; k++)
            for (int j = 0; j < _ckStride; j++)
            {
                double t = j * _grid.Delta[k];
                _ck[k * _ckStride + j] = DetMath.Exp(-0.5 * t * t * _invEps2);
                _kh[k * _ckStride + j] = t;
            }
        _mirror = new int[d][];
        for (int k = 0; k < d; k++)
        {
            _mirror[k] = new int[_grid.Ext[k]];
            for (int j = 0; j < _grid.Ext[k]; j++) _mirror[k][j] = _grid.Pad[k] + _grid.FoldIndex(k, j);
        }
        _scratch = new double[_threads][];
        _uBox = new double[_grid.BoxCellCount];
        _wExt = GC.AllocateArray<double>(_grid.ExtendedLength, pinned: true);
        SetTarget(target);
    }

    public BlobOptions Options { get; }
    public BlobGrid Grid => _grid;
    public TargetDensity Target { get; private set; } = null!;
    public int Dimension => _grid.D;
    public Box Domain => _grid.Box;
    public double Epsilon => _grid.Epsilon;

    /// <summary>The kernel path actually used (Vector256, Vector128 or Scalar).</summary>
    public KernelPath Path => _path;

    /// <summary>rhobar on the box cells (last axis fastest), floored and normalized.</summary>
    public ReadOnlySpan<double> Rhobar => _rhobar;

    /// <summary>The blob density U on the box cells after the last evaluation.</summary>
    public ReadOnlySpan<double> Density => _uBox;

    /// <summary>
    /// Neighbouring cells of a resolved rhobar differ by at most this factor. The design's measurements (2-D Gaussian
    /// mixture, sigma 0.3 to 0.6, eps 0.25) put a ratio of about 2 at a 2 % difference between the discrete and the
    /// continuous field and about 4.5 at 9 %.
    /// </summary>
    public const double ResolutionRatioLimit = 2.0;

    /// <summary>Largest neighbouring-cell ratio of rhobar and the spacing that would resolve it (see <see cref="BlobGrid.Resolution"/>).</summary>
    public (double MaxNeighbourRatio, double SuggestedSpacing) Resolution { get; private set; }

    /// <summary>Replaces the target (same box); the grid and buffers are kept.</summary>
    public void SetTarget(TargetDensity target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var rhobar = _grid.DiscretizeTarget(target);
        var inv = new double[rhobar.Length];
        for (int l = 0; l < inv.Length; l++) inv[l] = 1.0 / rhobar[l];
        _rhobar = rhobar;
        _invRhobar = inv;
        Target = target;
        Resolution = _grid.Resolution(rhobar);
    }

    /// <summary>Velocities of all particles (pass 1, divide, pass 2) and the energy of the configuration.</summary>
    public BlobEvaluation Evaluate(ReadOnlySpan<double> positions, ReadOnlySpan<double> masses, Span<double> velocities)
    {
        int n = CheckInputs(positions, masses);
        if (velocities.Length != positions.Length)
            throw new ArgumentException($"velocities has length {velocities.Length}, expected {positions.Length} (N x d)", nameof(velocities));
        return Run(positions, masses, velocities, n, gather: true);
    }

    /// <summary>Only pass 1 and the energy (no velocities): E_h, chi2_eps, mass and max W.</summary>
    public BlobEvaluation Measure(ReadOnlySpan<double> positions, ReadOnlySpan<double> masses)
    {
        int n = CheckInputs(positions, masses);
        return Run(positions, masses, default, n, gather: false);
    }

    private int CheckInputs(ReadOnlySpan<double> positions, ReadOnlySpan<double> masses)
    {
        int d = _grid.D;
        if (positions.Length == 0 || positions.Length % d != 0)
            throw new ArgumentException($"positions has length {positions.Length}, not a positive multiple of the dimension {d}", nameof(positions));
        int n = positions.Length / d;
        if (masses.Length != 0 && masses.Length != n)
            throw new ArgumentException($"masses has length {masses.Length}, expected 0 (equal) or {n}", nameof(masses));
        for (int i = 0; i < n; i++)
            for (int k = 0; k < d; k++)
            {
                double x = positions[i * d + k];
                if (!(x >= _grid.Min[k] && x <= _grid.Max[k]))
                    throw new ArgumentOutOfRangeException(nameof(positions), x,
                        $"particle {i} coordinate {k} is {x}, outside the box [{_grid.Min[k]}, {_grid.Max[k]}]");
            }
        for (int i = 0; i < masses.Length; i++)
            if (!(masses[i] > 0) || !double.IsFinite(masses[i]))
                throw new ArgumentOutOfRangeException(nameof(masses), masses[i], $"mass {i} must be a finite number > 0");
        return n;
    }

    private BlobEvaluation Run(ReadOnlySpan<double> positions, ReadOnlySpan<double> masses, Span<double> velocities, int n, bool gather)
    {
        int d = _grid.D;
        long stencil = 1;
        for (int k = 0; k < d; k++) stencil *= _grid.Taps[k];
        long work = n * stencil;
        EnsureBuffers(n, work);
        bool parallel = _threads > 1 && work >= ParallelThreshold;
        if (parallel && gather && _chunks == 1)
        {
            // One chunk: the deposit runs on this thread, and the helpers would wake too late for the gather after it.
            // (With more, the deposit's and the reduction's loops keep them awake.)
            _pool ??= new WorkerPool(Math.Min(_threads, _scratch.Length));
            _pool.WakeAhead();
        }

        fixed (double* pos = positions)
        fixed (double* mass = masses)
        fixed (double* vel = velocities)
        {
            _pos = pos;
            _mass = masses.Length == 0 ? null : mass;
            _equalMass = 1.0 / n;
            _vel = vel;
            _n = n;
            try
            {
                _stage = Stage.Deposit;
                RunItems(_chunks, parallel);
                if (_chunks > 1)
                {
                    _stage = Stage.Reduce;
                    RunItems(ReduceBlocks, parallel);
                }
                var chunk0 = _chunkGrids[0];
                Fold(chunk0);
                var result = Divide(chunk0);
                if (gather)
                {
                    Unfold();
                    _stage = Stage.Gather;
                    RunItems((n + GatherBlock - 1) / GatherBlock, parallel);
                }
                return result;
            }
            finally
            {
                _pos = null; _mass = null; _vel = null;
            }
        }
    }

    private const int ReduceBlocks = 64;

    private void RunItems(int count, bool parallel)
    {
        if (!parallel || count == 1)
        {
            for (int i = 0; i < count; i++) Execute(i, 0);
            return;
        }
        _pool ??= new WorkerPool(Math.Min(_threads, _scratch.Length));
        _pool.Run(this, count);
    }

    private void EnsureBuffers(int n, long work)
    {
        // The chunk count depends only on N and the grid, never on the thread count.
        long byWork = Math.Max(1, work / WorkPerChunk);
        long byMemory = Math.Max(1, ChunkMemoryBudget / (8L * _grid.ExtendedLength));
        int chunks = (int)Math.Min(Math.Min(byWork, byMemory), Math.Min(MaxChunks, n));
        if (_chunkGrids.Length != chunks)
        {
            var grids = new double[chunks][];
            for (int c = 0; c < chunks; c++)
                grids[c] = c < _chunkGrids.Length ? _chunkGrids[c] : GC.AllocateArray<double>(_grid.ExtendedLength, pinned: true);
            _chunkGrids = grids;
        }
        _chunks = chunks;
        _chunkSize = (n + chunks - 1) / chunks;
        for (int w = 0; w < _scratch.Length; w++)
            _scratch[w] ??= GC.AllocateArray<double>(Batch * SlotLength, pinned: true);
    }

    void IParallelWork.Execute(int item, int worker) => Execute(item, worker);

    private void Execute(int item, int worker)
    {
        switch (_stage)
        {
            case Stage.Deposit:
                DepositChunk(item, worker);
                break;
            case Stage.Reduce:
                ReduceBlock(item);
                break;
            default:
                GatherBlockOf(item, worker);
                break;
        }
    }

    // ---------------- weights ----------------

    /// <summary>Particles whose weights are computed together (the lanes of one <see cref="DetMath.Exp4"/> per axis and kind).</summary>
    private const int Batch = 4;

    /// <summary>Doubles of one particle's weights in the scratch: g and dg for each axis.</summary>
    private int SlotLength => 2 * _grid.D * _scratchStride;

    /// <summary>
    /// 1-D Gaussian weights g and derivative weights dg (d/dx of g(x - c_j)) for the cells within the cut-off along
    /// each axis of particles <c>first .. first + n - 1</c> (n &lt;= 4), starting at the first cell inside it; particle p's go to
    /// slot p of the scratch. The two exponentials of one axis and kind for the four particles are one
    /// <see cref="DetMath.Exp4"/> (the same bits as one at a time), then each recurrence runs in 4-lane blocks. Doing four
    /// particles at once gives the processor independent chains: one particle alone is a chain of dependent
    /// multiplications. Entries past the active taps, up to the axis's padded width, are zero. Pass 1 asks for the values
    /// alone.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BatchWeights(int first, int n, double* scratch, int* start, int* count, bool derivatives)
    {
        int d = _grid.D;
        // Per axis k, lanes p = the batch's particles: t0 (offset of the first tap), e0 / norm = exp(-t0^2 / (2 eps^2)),
        // q = exp(t0 h / eps^2), and the first and last tap. The lanes do exactly the scalar operations, in the same
        // order, so each particle gets the bits it would get alone; missing lanes take the box's edge and are not read.
        double* t0 = stackalloc double[3 * Batch];
        double* argE = stackalloc double[3 * Batch];
        double* argQ = stackalloc double[3 * Batch];
        double* first0 = stackalloc double[3 * Batch];
        double* last0 = stackalloc double[3 * Batch];
        var invEps2 = Vector256.Create(_invEps2);
        for (int k = 0; k < d; k++)
        {
            double a = _grid.Min[k], h = _grid.Delta[k];
            double* pk = _pos + first * d + k;
            var x = Vector256.Create(pk[0], n > 1 ? pk[d] : a, n > 2 ? pk[2 * d] : a, n > 3 ? pk[3 * d] : a);
            var av = Vector256.Create(a);
            var hv = Vector256.Create(h);
            var pad = Vector256.Create((double)_grid.Pad[k]);
            var reach = Vector256.Create(_grid.CutoffRadius / h);
            var u = (x - av) / hv + pad - Vector256.Create(0.5);
            var s = Vector256.Ceiling(u - reach);
            var e = Vector256.Floor(u + reach);
            var t = x - (av + (s - pad + Vector256.Create(0.5)) * hv);
            t.Store(t0 + Batch * k);
            DetMath.Exp4(Vector256.Create(-0.5) * t * t * invEps2).Store(argE + Batch * k);
            DetMath.Exp4(t * hv * invEps2).Store(argQ + Batch * k);
            s.Store(first0 + Batch * k);
            e.Store(last0 + Batch * k);
            for (int p = 0; p < n; p++)
            {
                int sp = (int)first0[Batch * k + p];
                start[3 * p + k] = sp;
                count[3 * p + k] = (int)last0[Batch * k + p] - sp + 1;
            }
        }
        int slot = SlotLength;
        fixed (double* ck = _ck)
        fixed (double* kh = _kh)
        {
            for (int p = 0; p < n; p++)
            {
                for (int k = 0; k < d; k++)
                {
                    double* g = scratch + p * slot + 2 * k * _scratchStride;
                    double* dg = g + _scratchStride;
                    int clearTo = k == d - 1 ? _grid.LastTapsPadded : _grid.Taps[k];
                    double e0 = _norm1 * argE[Batch * k + p];
                    double q = argQ[Batch * k + p];
                    double tk = t0[Batch * k + p];
                    int blocks = (clearTo + 3) >> 2;
                    int off = k * _ckStride;
                    if (!derivatives)
                    {
                        switch (_path)
                        {
                            case KernelPath.Vector256: BlobKernels<Lanes256>.Values(e0, q, ck + off, blocks, g); break;
                            case KernelPath.Vector128: BlobKernels<Lanes128x2>.Values(e0, q, ck + off, blocks, g); break;
                            default: BlobKernels<LanesScalar>.Values(e0, q, ck + off, blocks, g); break;
                        }
                        for (int c = count[3 * p + k]; c < clearTo; c++) g[c] = 0;
                        continue;
                    }
                    switch (_path)
                    {
                        case KernelPath.Vector256: BlobKernels<Lanes256>.Weights(tk, e0, q, -_invEps2, ck + off, kh + off, blocks, g, dg); break;
                        case KernelPath.Vector128: BlobKernels<Lanes128x2>.Weights(tk, e0, q, -_invEps2, ck + off, kh + off, blocks, g, dg); break;
                        default: BlobKernels<LanesScalar>.Weights(tk, e0, q, -_invEps2, ck + off, kh + off, blocks, g, dg); break;
                    }
                    for (int c = count[3 * p + k]; c < clearTo; c++) { g[c] = 0; dg[c] = 0; }
                }
            }
        }
    }

    // ---------------- pass 1 ----------------

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DepositChunk(int chunk, int worker)
    {
        var grid = _chunkGrids[chunk];
        Array.Clear(grid);
        int lo = chunk * _chunkSize, hi = Math.Min(_n, lo + _chunkSize);
        int d = _grid.D;
        int blocks = _grid.LastTapsPadded / 4;
        int slot = SlotLength;
        int* start = stackalloc int[3 * Batch];
        int* count = stackalloc int[3 * Batch];
        fixed (double* u = grid)
        fixed (double* scratch = _scratch[worker])
        {
            for (int b = lo; b < hi; b += Batch)
            {
                int n = Math.Min(Batch, hi - b);
                BatchWeights(b, n, scratch, start, count, derivatives: false);
                for (int p = 0; p < n; p++)
                {
                    int i = b + p;
                    double m = _mass == null ? _equalMass : _mass[i];
                    double* g0 = scratch + p * slot, g1 = g0 + 2 * _scratchStride, g2 = g0 + 4 * _scratchStride;
                    int* st = start + 3 * p;
                    switch (d)
                    {
                        case 1:
                            Deposit1(u + st[0], m, g0, blocks);
                            break;
                        case 2:
                            Deposit2(u + st[0] * _grid.Stride[0] + st[1], _grid.Stride[0], m, g0, count[3 * p], g1, blocks);
                            break;
                        default:
                            Deposit3(u + st[0] * _grid.Stride[0] + st[1] * _grid.Stride[1] + st[2], _grid.Stride[0], _grid.Stride[1],
                                m, g0, count[3 * p], g1, count[3 * p + 1], g2, blocks);
                            break;
                    }
                }
            }
        }
    }

    private void Deposit1(double* u, double m, double* g0, int blocks)
    {
        switch (_path)
        {
            case KernelPath.Vector256: BlobKernels<Lanes256>.Deposit1(u, m, g0, blocks); break;
            case KernelPath.Vector128: BlobKernels<Lanes128x2>.Deposit1(u, m, g0, blocks); break;
            default: BlobKernels<LanesScalar>.Deposit1(u, m, g0, blocks); break;
        }
    }

    private void Deposit2(double* u, int s0, double m, double* g0, int n0, double* g1, int blocks)
    {
        switch (_path)
        {
            case KernelPath.Vector256: BlobKernels<Lanes256>.Deposit2(u, s0, m, g0, n0, g1, blocks); break;
            case KernelPath.Vector128: BlobKernels<Lanes128x2>.Deposit2(u, s0, m, g0, n0, g1, blocks); break;
            default: BlobKernels<LanesScalar>.Deposit2(u, s0, m, g0, n0, g1, blocks); break;
        }
    }

    private void Deposit3(double* u, int s0, int s1, double m, double* g0, int n0, double* g1, int n1, double* g2, int blocks)
    {
        switch (_path)
        {
            case KernelPath.Vector256: BlobKernels<Lanes256>.Deposit3(u, s0, s1, m, g0, n0, g1, n1, g2, blocks); break;
            case KernelPath.Vector128: BlobKernels<Lanes128x2>.Deposit3(u, s0, s1, m, g0, n0, g1, n1, g2, blocks); break;
            default: BlobKernels<LanesScalar>.Deposit3(u, s0, s1, m, g0, n0, g1, n1, g2, blocks); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReduceBlock(int block)
    {
        int len = _grid.ExtendedLength;
        int size = (len + ReduceBlocks - 1) / ReduceBlocks;
        int lo = block * size;
        if (lo >= len) return;
        int cnt = Math.Min(size, len - lo);
        var target = _chunkGrids[0].AsSpan(lo, cnt);
        for (int c = 1; c < _chunks; c++)
            AddInto(target, _chunkGrids[c].AsSpan(lo, cnt));
    }

    /// <summary>
    /// <c>target[i] += source[i]</c>. One IEEE addition per element, so the same bits however it is vectorized. Our own
    /// loop rather than TensorPrimitives.Add: that generic method is compiled at its first call, which cost the first
    /// evaluation of a run about 7 ms, and the warm-up (JitPreparation) compiles this one with the field.
    /// </summary>
    internal static void AddInto(Span<double> target, ReadOnlySpan<double> source)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 4 <= target.Length; i += 4)
                (Vector256.Create(target.Slice(i, 4)) + Vector256.Create(source.Slice(i, 4))).CopyTo(target.Slice(i, 4));
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 2 <= target.Length; i += 2)
                (Vector128.Create(target.Slice(i, 2)) + Vector128.Create(source.Slice(i, 2))).CopyTo(target.Slice(i, 2));
        }

        for (; i < target.Length; i++) target[i] += source[i];
    }

    // ---------------- walls, divide, energy ----------------

    /// <summary>Adds every padding cell onto the box cell it mirrors, axis by axis (the image sum).</summary>
    private void Fold(double[] u)
    {
        int d = _grid.D;
        Span<int> lo = stackalloc int[3];
        Span<int> hi = stackalloc int[3];
        for (int axis = 0; axis < d; axis++)
        {
            for (int k = 0; k < d; k++)
            {
                // Axes already folded: box range only; axes not yet folded: the whole extended range.
                lo[k] = k < axis ? _grid.Pad[k] : 0;
                hi[k] = k < axis ? _grid.Pad[k] + _grid.N[k] : _grid.Ext[k];
            }
            ForEachLine(axis, lo, hi, u, fold: true);
        }
    }

    /// <summary>Copies box values of W onto the padding cells that mirror them.</summary>
    private void Unfold()
    {
        int d = _grid.D;
        Span<int> lo = stackalloc int[3];
        Span<int> hi = stackalloc int[3];
        for (int axis = 0; axis < d; axis++)
        {
            for (int k = 0; k < d; k++)
            {
                lo[k] = k < axis ? 0 : _grid.Pad[k];
                hi[k] = k < axis ? _grid.Ext[k] : _grid.Pad[k] + _grid.N[k];
            }
            ForEachLine(axis, lo, hi, _wExt, fold: false);
        }
    }

    /// <summary>
    /// For every line along <paramref name="axis"/> through the cells of [lo, hi) on the other axes, and every padding cell j
    /// of it in increasing order: fold adds it onto the box cell it mirrors, unfold copies that box cell onto it. Padding
    /// and box cells are disjoint, so each box cell receives its images in increasing j whatever the loop nesting: along
    /// an axis other than the last, whole contiguous rows of the last axis are added (or copied) at once, with the same
    /// bits as one cell at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ForEachLine(int axis, ReadOnlySpan<int> lo, ReadOnlySpan<int> hi, double[] a, bool fold)
    {
        int d = _grid.D, last = d - 1;
        int stride = _grid.Stride[axis];
        int ext = _grid.Ext[axis], pad = _grid.Pad[axis], n = _grid.N[axis];
        int[] mirror = _mirror[axis];
        Span<int> idx = stackalloc int[3];
        if (axis == last)
        {
            // Lines are contiguous: the odometer runs over every other axis, the padding cells are the two ends.
            for (int k = 0; k < d; k++) idx[k] = lo[k];
            while (true)
            {
                int baseIndex = 0;
                for (int k = 0; k < last; k++) baseIndex += idx[k] * _grid.Stride[k];
                for (int j = 0; j < pad; j++) Image(a, baseIndex + mirror[j], baseIndex + j, fold);
                for (int j = pad + n; j < ext; j++) Image(a, baseIndex + mirror[j], baseIndex + j, fold);
                if (!Advance(idx, lo, hi, skip: last, below: d)) return;
            }
        }

        int len = hi[last] - lo[last];
        for (int j = 0; j < ext; j++)
        {
            if (j == pad) j += n;
            if (j >= ext) break;
            int from = (mirror[j] - j) * stride; // box cell minus padding cell, the same on every row
            for (int k = 0; k < last; k++) idx[k] = lo[k];
            while (true)
            {
                int row = lo[last] + j * stride;
                for (int k = 0; k < last; k++) if (k != axis) row += idx[k] * _grid.Stride[k];
                var image = a.AsSpan(row, len);
                var box = a.AsSpan(row + from, len);
                if (fold) AddInto(box, image);
                else box.CopyTo(image);
                if (!Advance(idx, lo, hi, skip: axis, below: last)) break;
            }
        }
    }

    private static void Image(double[] a, int box, int image, bool fold)
    {
        if (fold) a[box] += a[image];
        else a[image] = a[box];
    }

    /// <summary>Odometer over the axes below <paramref name="below"/> other than <paramref name="skip"/>; false when it wraps.</summary>
    private static bool Advance(Span<int> idx, ReadOnlySpan<int> lo, ReadOnlySpan<int> hi, int skip, int below)
    {
        for (int k = below - 1; k >= 0; k--)
        {
            if (k == skip) continue;
            if (++idx[k] < hi[k]) return true;
            idx[k] = lo[k];
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private BlobEvaluation Divide(double[] u)
    {
        int d = _grid.D;
        double cv = _grid.CellVolume;
        double e = 0, chi = 0, mass = 0, maxW = 0;
        int last = d - 1, nLast = _grid.N[last];
        for (int l = 0; l < _uBox.Length; l += nLast)
        {
            // Extended index of the first cell of this row of box cells.
            int rem = l / nLast, ext = _grid.Pad[last];
            for (int k = last - 1; k >= 0; k--)
            {
                ext += (rem % _grid.N[k] + _grid.Pad[k]) * _grid.Stride[k];
                rem /= _grid.N[k];
            }
            for (int c = 0; c < nLast; c++)
            {
                double uu = u[ext + c];
                double w = uu * _invRhobar[l + c];
                _uBox[l + c] = uu;
                _wExt[ext + c] = w;
                e += uu * w;
                double diff = uu - _rhobar[l + c];
                chi += diff * diff * _invRhobar[l + c];
                mass += uu;
                if (w > maxW) maxW = w;
            }
        }
        return new BlobEvaluation(0.5 * cv * e, cv * chi, cv * mass, maxW);
    }

    // ---------------- pass 2 ----------------

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void GatherBlockOf(int block, int worker)
    {
        int lo = block * GatherBlock, hi = Math.Min(_n, lo + GatherBlock);
        int d = _grid.D;
        int blocks = _grid.LastTapsPadded / 4;
        double scale = -_grid.CellVolume;
        int slot = SlotLength;
        int* start = stackalloc int[3 * Batch];
        int* count = stackalloc int[3 * Batch];
        fixed (double* w = _wExt)
        fixed (double* scratch = _scratch[worker])
        {
            for (int b = lo; b < hi; b += Batch)
            {
                int n = Math.Min(Batch, hi - b);
                BatchWeights(b, n, scratch, start, count, derivatives: true);
                for (int p = 0; p < n; p++)
                {
                    double* v = _vel + (b + p) * d;
                    double* g0 = scratch + p * slot, dg0 = g0 + _scratchStride;
                    double* g1 = g0 + 2 * _scratchStride, dg1 = g0 + 3 * _scratchStride;
                    double* g2 = g0 + 4 * _scratchStride, dg2 = g0 + 5 * _scratchStride;
                    int* st = start + 3 * p;
                    switch (d)
                    {
                        case 1:
                            v[0] = scale * Gather1(w + st[0], dg0, blocks);
                            break;
                        case 2:
                        {
                            Gather2(w + st[0] * _grid.Stride[0] + st[1], _grid.Stride[0], g0, dg0, count[3 * p], g1, dg1, blocks, out double s0, out double s1);
                            v[0] = scale * s0;
                            v[1] = scale * s1;
                            break;
                        }
                        default:
                        {
                            Gather3(w + st[0] * _grid.Stride[0] + st[1] * _grid.Stride[1] + st[2], _grid.Stride[0], _grid.Stride[1],
                                g0, dg0, count[3 * p], g1, dg1, count[3 * p + 1], g2, dg2, blocks, out double s0, out double s1, out double s2);
                            v[0] = scale * s0;
                            v[1] = scale * s1;
                            v[2] = scale * s2;
                            break;
                        }
                    }
                }
            }
        }
    }

    private double Gather1(double* w, double* dg0, int blocks) => _path switch
    {
        KernelPath.Vector256 => BlobKernels<Lanes256>.Gather1(w, dg0, blocks),
        KernelPath.Vector128 => BlobKernels<Lanes128x2>.Gather1(w, dg0, blocks),
        _ => BlobKernels<LanesScalar>.Gather1(w, dg0, blocks),
    };

    private void Gather2(double* w, int s0, double* g0, double* dg0, int n0, double* g1, double* dg1, int blocks, out double r0, out double r1)
    {
        switch (_path)
        {
            case KernelPath.Vector256: BlobKernels<Lanes256>.Gather2(w, s0, g0, dg0, n0, g1, dg1, blocks, out r0, out r1); break;
            case KernelPath.Vector128: BlobKernels<Lanes128x2>.Gather2(w, s0, g0, dg0, n0, g1, dg1, blocks, out r0, out r1); break;
            default: BlobKernels<LanesScalar>.Gather2(w, s0, g0, dg0, n0, g1, dg1, blocks, out r0, out r1); break;
        }
    }

    private void Gather3(double* w, int s0, int s1, double* g0, double* dg0, int n0, double* g1, double* dg1, int n1, double* g2, double* dg2, int blocks,
        out double r0, out double r1, out double r2)
    {
        switch (_path)
        {
            case KernelPath.Vector256: BlobKernels<Lanes256>.Gather3(w, s0, s1, g0, dg0, n0, g1, dg1, n1, g2, dg2, blocks, out r0, out r1, out r2); break;
            case KernelPath.Vector128: BlobKernels<Lanes128x2>.Gather3(w, s0, s1, g0, dg0, n0, g1, dg1, n1, g2, dg2, blocks, out r0, out r1, out r2); break;
            default: BlobKernels<LanesScalar>.Gather3(w, s0, s1, g0, dg0, n0, g1, dg1, n1, g2, dg2, blocks, out r0, out r1, out r2); break;
        }
    }

    public void Dispose() => _pool?.Dispose();
}
