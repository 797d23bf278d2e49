namespace SwarmCoverage.Control.Configuration;

/// <summary>
/// The largest inputs a node accepts from a peer (docs/inputs.md): checked before anything is allocated for them, so a
/// message with absurd sizes is refused with a reason instead of exhausting memory or stalling a preparation.
/// </summary>
public sealed record InputLimits
{
    /// <summary>The default of <see cref="MaxGridCells"/>: a 4,096 x 4,096 map.</summary>
    public const int DefaultMaxGridCells = 1 << 24;

    /// <summary>The default of <see cref="MaxComponents"/>.</summary>
    public const int DefaultMaxComponents = 1024;

    /// <summary>The defaults.</summary>
    public static InputLimits Default { get; } = new();

    /// <summary>The most cells of a raster target or painted grid (<c>inputs.max_grid_cells</c>).</summary>
    public int MaxGridCells { get; init; } = DefaultMaxGridCells;

    /// <summary>The most components of a mixture target (<c>inputs.max_components</c>).</summary>
    public int MaxComponents { get; init; } = DefaultMaxComponents;
}
