using System.CommandLine;
using System.Globalization;
using SwarmCoverage.Core;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.Targets;

namespace SwarmCoverage.App.Cli;

/// <summary>Options shared by the numerical verbs.</summary>
internal sealed class FieldOptions
{
    public Option<FileInfo> Target { get; } = new("--target") { Description = "Target density file (YAML or JSON, docs/method.md section 2).", Required = true };
    public Option<double?> Epsilon { get; }
    public Option<double?> GridSpacing { get; } = new("--grid-spacing") { Description = "Largest grid cell size delta_max (default eps/2)." };
    public Option<double> Cutoff { get; } = new("--cutoff") { Description = "Kernel cut-off in units of eps.", DefaultValueFactory = _ => 8.0 };
    public Option<int?> Threads { get; } = new("--threads") { Description = "Threads to use (default: all processors; results do not depend on it)." };

    public FieldOptions(bool epsilonRequired)
    {
        Epsilon = new Option<double?>("--epsilon", "-e")
        {
            Description = epsilonRequired ? "Mollifier width eps (standard deviation, box units)." : "Mollifier width eps (default: 0.75 x the mean spacing (|box|/N)^(1/d)).",
            Required = epsilonRequired,
        };
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Target);
        command.Options.Add(Epsilon);
        command.Options.Add(GridSpacing);
        command.Options.Add(Cutoff);
        command.Options.Add(Threads);
    }

    public TargetDensity LoadTarget(ParseResult p)
    {
        var file = p.GetValue(Target)!;
        if (!file.Exists) throw new InputException($"{file}: target file not found");
        return TargetFile.Load(file.FullName);
    }

    public BlobOptions Blob(ParseResult p, double epsilon)
    {
        var o = new BlobOptions
        {
            Epsilon = epsilon,
            GridSpacing = p.GetValue(GridSpacing),
            Cutoff = p.GetValue(Cutoff),
            MaxDegreeOfParallelism = p.GetValue(Threads),
        };
        o.Validate();
        return o;
    }

    /// <summary>Warns on stderr when the grid does not resolve rhobar, naming the spacing that would.</summary>
    public static void WarnIfUnresolved(BlobField field, TextWriter stderr)
    {
        var (ratio, suggested) = field.Resolution;
        double h = 0;
        for (int k = 0; k < field.Dimension; k++) h = Math.Max(h, field.Grid.SpacingAlong(k));
        if (ratio > ResolutionRatioLimit)
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"warning: the grid (spacing {h:G4}) does not resolve the target: rhobar differs by up to {ratio:G3}x between neighbouring cells; --grid-spacing {suggested:G3} would resolve it (docs/method.md section 4)"));
    }

    /// <summary>See <see cref="BlobField.ResolutionRatioLimit"/>.</summary>
    public const double ResolutionRatioLimit = BlobField.ResolutionRatioLimit;
}

internal static class Format
{
    public static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    public static string G(double v, int digits = 4) => v.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
