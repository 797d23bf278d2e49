using SwarmCoverage.Core;
using SwarmCoverage.Core.Targets;

namespace SwarmCoverage.Control.Configuration;

/// <summary>
/// The target of a params file: <c>target.file</c> (a target file, relative to the params file) or the target
/// inline as ROS parameters (ROS parameters cannot hold lists of maps, so mixture components are flattened):
/// <code>
/// target:
///   domain_min: [0.0, 0.0]
///   domain_max: [4.0, 3.0]
///   type: gaussian_mixture            # or uniform
///   floor: 0.001
///   weights: [0.6, 0.4]
///   means: [1.0, 1.2, 3.0, 2.0]       # d numbers per component
///   sigmas: [0.5, 0.4, 0.3, 0.6]      # d numbers per component
/// </code>
/// </summary>
public static class TargetParams
{
    public static TargetDensity Read(RosParamsFile p)
    {
        ArgumentNullException.ThrowIfNull(p);
        string? file = p.Path(ControlParameters.TargetFile);
        string[] inline = ["target.domain_min", "target.domain_max", "target.type", "target.floor", "target.weights", "target.means", "target.sigmas"];
        if (file is not null)
        {
            foreach (var name in inline)
                if (p.Has(name)) throw new InputException($"{p.Source}: parameter '{name}' conflicts with 'target.file'; give the target inline or as a file, not both");
            if (!File.Exists(file)) throw new InputException($"{p.Source}: parameter 'target.file' names {file}, which does not exist");
            return TargetFile.Load(file);
        }
        if (!p.Has("target.domain_min"))
            throw new InputException($"{p.Source}: no target: set 'target.file' or the inline target parameters target.domain_min, target.domain_max, target.type, ...");
        var min = p.Doubles(ControlParameters.TargetDomainMin);
        var max = p.Doubles(ControlParameters.TargetDomainMax, min.Length);
        Box box;
        try
        {
            box = new Box(min, max);
        }
        catch (InputException e)
        {
            throw new InputException($"{p.Source}: target.domain_min/max: {e.Message}", e);
        }
        double floor = p.Double(ControlParameters.TargetFloor);
        string type = p.String(ControlParameters.TargetType);
        string source = $"{p.Source} (target)";
        if (type == "uniform")
        {
            foreach (var name in new[] { "target.weights", "target.means", "target.sigmas" })
                if (p.Has(name)) throw new InputException($"{p.Source}: parameter '{name}' does not apply to target.type uniform");
            return new UniformDensity(box, floor, source);
        }
        var w = p.Doubles(ControlParameters.TargetWeights);
        int d = box.Dimension;
        var means = p.Doubles(ControlParameters.TargetMeans, w.Length * d);
        var sigmas = p.Doubles(ControlParameters.TargetSigmas, w.Length * d);
        if (w.Length == 0) throw new InputException($"{p.Source}: parameter 'target.weights' needs at least one component weight");
        var comps = new List<GaussianComponent>();
        for (int c = 0; c < w.Length; c++)
            comps.Add(new GaussianComponent(w[c], means.AsSpan(c * d, d).ToArray(), sigmas.AsSpan(c * d, d).ToArray()));
        return new GaussianMixtureDensity(box, comps, floor, source);
    }
}
