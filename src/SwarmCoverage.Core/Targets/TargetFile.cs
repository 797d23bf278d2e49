using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace SwarmCoverage.Core.Targets;

/// <summary>
/// Reads target files in the YAML format of docs/method.md section 2 (JSON with the same keys loads
/// too). Every error names the file, the line and the key.
/// <code>
/// domain: { min: [0.0, 0.0], max: [4.0, 3.0] }
/// density:
///   type: gaussian_mixture        # or: uniform, grid
///   floor: 1.0e-3                 # optional
///   components:
///     - { weight: 0.6, mean: [1.0, 1.2], sigma: [0.5, 0.4] }
/// </code>
/// A <c>grid</c> density names a raster: <c>file: map.pgm</c> (PGM P2/P5, brighter = denser unless
/// <c>invert: true</c>) or <c>file: values.csv</c> (rows of non-negative numbers; the first row is the
/// largest y; in 3-D, blocks of rows separated by a blank line, from the smallest z), relative to the
/// target file.
/// </summary>
public static class TargetFile
{
    public static TargetDensity Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text = InputFiles.ReadAllText(path, "target file");
        return Parse(text, path, Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    /// <summary>Parses target text; <paramref name="source"/> names it in messages, relative raster paths resolve against <paramref name="baseDirectory"/>.</summary>
    public static TargetDensity Parse(string text, string source, string? baseDirectory = null)
    {
        var stream = InputFiles.ParseYaml(text, source);
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new InputException($"{source}: a target file must be a mapping with keys 'domain' and 'density'");
        return FromNode(root, source, baseDirectory);
    }

    /// <summary>Builds a target from an already parsed mapping (used by params files that embed a target).</summary>
    public static TargetDensity FromNode(YamlMappingNode root, string source, string? baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(root);
        var r = new Reader(source);
        r.OnlyKeys(root, "target", "domain", "density");
        var domainNode = r.Mapping(r.Required(root, "domain", "target"), "domain");
        r.OnlyKeys(domainNode, "domain", "min", "max");
        var min = r.Numbers(r.Required(domainNode, "min", "domain"), "domain.min");
        var max = r.Numbers(r.Required(domainNode, "max", "domain"), "domain.max");
        if (min.Length != max.Length)
            throw r.Error(domainNode, $"domain.min has {min.Length} coordinates but domain.max has {max.Length}");
        if (min.Length is < 1 or > 3)
            throw r.Error(domainNode, $"domain has {min.Length} coordinates; 1, 2 or 3 are supported");
        Box box;
        try
        {
            box = new Box(min, max);
        }
        catch (InputException e)
        {
            throw r.Error(domainNode, e.Message.Replace("box: ", "domain: ", StringComparison.Ordinal));
        }

        var density = r.Mapping(r.Required(root, "density", "target"), "density");
        string type = r.String(r.Required(density, "type", "density"), "density.type");
        double floor = density.Children.TryGetValue(new YamlScalarNode("floor"), out var floorNode)
            ? r.Number(floorNode, "density.floor")
            : TargetDensity.DefaultFloor;
        if (!(floor > 0))
            throw r.Error(floorNode!, $"density.floor must be > 0 (got {floor.ToString("R", CultureInfo.InvariantCulture)}); it keeps U/rhobar bounded");
        switch (type)
        {
            case "uniform":
                r.OnlyKeys(density, "density (uniform)", "type", "floor");
                return new UniformDensity(box, floor, source);
            case "gaussian_mixture":
            {
                r.OnlyKeys(density, "density (gaussian_mixture)", "type", "floor", "components");
                var list = r.Sequence(r.Required(density, "components", "density"), "density.components");
                if (list.Children.Count == 0)
                    throw r.Error(list, "density.components is empty; a gaussian_mixture needs at least one component");
                var comps = new List<GaussianComponent>();
                for (int c = 0; c < list.Children.Count; c++)
                {
                    string where = $"density.components[{c}]";
                    var node = r.Mapping(list.Children[c], where);
                    r.OnlyKeys(node, where, "weight", "mean", "sigma");
                    double w = r.Number(r.Required(node, "weight", where), where + ".weight");
                    var mean = r.Numbers(r.Required(node, "mean", where), where + ".mean");
                    var sigma = r.Numbers(r.Required(node, "sigma", where), where + ".sigma");
                    if (!(w > 0)) throw r.Error(node, $"{where}.weight must be > 0 (got {w.ToString("R", CultureInfo.InvariantCulture)})");
                    if (mean.Length != box.Dimension) throw r.Error(node, $"{where}.mean has {mean.Length} coordinates, the domain has {box.Dimension}");
                    if (sigma.Length != box.Dimension) throw r.Error(node, $"{where}.sigma has {sigma.Length} coordinates, the domain has {box.Dimension} (sigma is per axis)");
                    foreach (var s in sigma)
                        if (!(s > 0)) throw r.Error(node, $"{where}.sigma must be > 0 on every axis");
                    comps.Add(new GaussianComponent(w, mean, sigma));
                }
                return new GaussianMixtureDensity(box, comps, floor, source);
            }
            case "grid":
            {
                r.OnlyKeys(density, "density (grid)", "type", "floor", "file", "invert");
                var fileNode = r.Required(density, "file", "density");
                string file = r.String(fileNode, "density.file");
                bool invert = density.Children.TryGetValue(new YamlScalarNode("invert"), out var invNode) && r.Bool(invNode, "density.invert");
                string path = Path.IsPathRooted(file) || baseDirectory is null ? file : Path.Combine(baseDirectory, file);
                if (!File.Exists(path))
                    throw r.Error(fileNode, $"density.file '{file}' not found (looked for {path})");
                var (size, values) = RasterFiles.Read(path, box.Dimension, invert);
                return new RasterDensity(box, size, values, floor, source);
            }
            default:
                throw r.Error(density.Children[new YamlScalarNode("type")],
                    $"density.type '{type}' is unknown; use uniform, gaussian_mixture or grid");
        }
    }

    /// <summary>Small strict reader over the YAML representation model: every error carries file:line.</summary>
    private sealed class Reader(string source)
    {
        public InputException Error(YamlNode node, string message) =>
            new($"{source}:{node.Start.Line}: {message}");

        public void OnlyKeys(YamlMappingNode map, string where, params string[] allowed)
        {
            foreach (var key in map.Children.Keys)
            {
                string name = key is YamlScalarNode s ? s.Value ?? "" : key.ToString();
                if (Array.IndexOf(allowed, name) < 0)
                    throw Error(key, $"unknown key '{name}' in {where}; allowed: {string.Join(", ", allowed)}");
            }
        }

        public YamlNode Required(YamlMappingNode map, string key, string where)
        {
            if (map.Children.TryGetValue(new YamlScalarNode(key), out var node)) return node;
            throw Error(map, $"missing key '{key}' in {where}");
        }

        public YamlMappingNode Mapping(YamlNode node, string key) =>
            node as YamlMappingNode ?? throw Error(node, $"'{key}' must be a mapping");

        public YamlSequenceNode Sequence(YamlNode node, string key) =>
            node as YamlSequenceNode ?? throw Error(node, $"'{key}' must be a list");

        public string String(YamlNode node, string key) =>
            node is YamlScalarNode { Value: { Length: > 0 } v } ? v : throw Error(node, $"'{key}' must be a non-empty string");

        public bool Bool(YamlNode node, string key) =>
            node is YamlScalarNode { Value: "true" or "True" or "false" or "False" } s
                ? s.Value is "true" or "True"
                : throw Error(node, $"'{key}' must be true or false");

        public double Number(YamlNode node, string key)
        {
            if (node is YamlScalarNode { Value: { } v } &&
                double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && double.IsFinite(x))
                return x;
            throw Error(node, $"'{key}' must be a finite number (got '{(node as YamlScalarNode)?.Value ?? node.NodeType.ToString()}')");
        }

        public double[] Numbers(YamlNode node, string key)
        {
            var seq = Sequence(node, key);
            var xs = new double[seq.Children.Count];
            for (int i = 0; i < xs.Length; i++) xs[i] = Number(seq.Children[i], $"{key}[{i}]");
            return xs;
        }
    }
}
