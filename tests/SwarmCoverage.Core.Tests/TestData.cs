using SwarmCoverage.Core;
using SwarmCoverage.Core.Targets;

namespace SwarmCoverage.Core.Tests;

internal static class TestData
{
    public static Box Box2 => new([0.0, 0.0], [1.3, 1.0]);

    public static GaussianMixtureDensity Mixture2(Box box) => new(box,
    [
        new GaussianComponent(0.6, [0.4, 0.35], [0.2, 0.15]),
        new GaussianComponent(0.4, [0.95, 0.7], [0.12, 0.25]),
    ]);

    /// <summary>Random points in the box plus points on walls and in corners (the hard cases for images).</summary>
    public static double[] Positions(Box box, int random, int seed, bool walls = true)
    {
        int d = box.Dimension;
        var rng = new Random(seed);
        var list = new List<double>();
        if (walls)
        {
            // every corner
            for (int c = 0; c < (1 << d); c++)
                for (int k = 0; k < d; k++) list.Add(((c >> k) & 1) == 0 ? box.Min[k] : box.Max[k]);
            // a point on each face and a point just inside each face
            for (int k = 0; k < d; k++)
                foreach (var (face, off) in new[] { (box.Min[k], 0.0), (box.Max[k], 0.0), (box.Min[k], 1e-9), (box.Max[k], -1e-9), (box.Min[k], 0.013), (box.Max[k], -0.021) })
                    for (int q = 0; q < d; q++)
                        list.Add(q == k ? face + off : box.Min[q] + box.Length(q) * rng.NextDouble());
        }
        for (int i = 0; i < random; i++)
            for (int k = 0; k < d; k++) list.Add(box.Min[k] + box.Length(k) * rng.NextDouble());
        return list.ToArray();
    }

    public static double[] Masses(int n, int seed)
    {
        var rng = new Random(seed);
        var m = new double[n];
        for (int i = 0; i < n; i++) m[i] = 0.5 + rng.NextDouble();
        double s = m.Sum();
        for (int i = 0; i < n; i++) m[i] /= s;
        return m;
    }

    public static double[][] Split(double[] flat, int d) =>
        Enumerable.Range(0, flat.Length / d).Select(i => flat.AsSpan(i * d, d).ToArray()).ToArray();

    public static double MaxNorm(double[] v) => v.Max(Math.Abs);
}
