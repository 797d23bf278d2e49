using SwarmCoverage.Control;

namespace SwarmCoverage.Control.Tests;

/// <summary>
/// The union-find that groups coupled robots (docs/safety-filter.md, "Parts"), checked for its properties on seeded random
/// union sequences against the connected components of the same graph found by breadth-first search.
/// </summary>
public sealed class DisjointSetTests
{
    public static TheoryData<int, int, int> Graphs => new()
    {
        // seed, elements, unions
        { 1, 1, 0 },
        { 2, 10, 4 },
        { 3, 100, 60 },
        { 4, 300, 290 },
        { 5, 500, 2000 },
        { 6, 64, 0 },
    };

    [Theory]
    [MemberData(nameof(Graphs))]
    public void Sets_are_the_connected_components_with_the_smallest_element_as_root(int seed, int n, int unions)
    {
        var edges = RandomEdges(seed, n, unions);
        var sets = new DisjointSet();
        sets.Reset(n);
        foreach (var (a, b) in edges)
        {
            sets.Union(a, b);
        }

        var component = Components(n, edges);
        for (int i = 0; i < n; i++)
        {
            // The root is the smallest element of the component (which BFS numbers by its smallest element too).
            Assert.Equal(component[i], sets.Find(i));
        }

        var labels = new int[n];
        int count = sets.Label(labels);
        Assert.Equal(component.Distinct().Count(), count);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j += 7)
            {
                Assert.Equal(component[i] == component[j], labels[i] == labels[j]);
            }
        }

        // Numbered 0, 1, ... in the order of the sets' smallest elements.
        var firstLabels = Enumerable.Range(0, n).Where(i => component[i] == i).Select(i => labels[i]).ToArray();
        Assert.Equal(Enumerable.Range(0, count), firstLabels);
    }

    [Theory]
    [MemberData(nameof(Graphs))]
    public void The_labels_do_not_depend_on_the_order_or_direction_of_the_unions(int seed, int n, int unions)
    {
        var edges = RandomEdges(seed, n, unions);
        var reference = LabelsAfter(n, edges);
        var rng = new Random(seed + 1000);
        for (int trial = 0; trial < 5; trial++)
        {
            var shuffled = edges.OrderBy(_ => rng.Next()).Select(e => rng.Next(2) == 0 ? e : (e.B, e.A)).ToList();
            Assert.Equal(reference, LabelsAfter(n, shuffled));
        }
    }

    [Fact]
    public void Union_within_a_set_and_find_change_nothing()
    {
        var sets = new DisjointSet();
        sets.Reset(6);
        sets.Union(4, 5);
        sets.Union(5, 3);
        sets.Union(0, 1);
        var before = LabelsOf(sets, 6);
        sets.Union(3, 4);
        sets.Union(2, 2);
        for (int i = 0; i < 6; i++)
        {
            sets.Find(i);
        }

        Assert.Equal(before, LabelsOf(sets, 6));
        Assert.Equal([0, 0, 1, 2, 2, 2], before);
        Assert.Equal(3, sets.Find(5));
    }

    [Fact]
    public void Reset_makes_every_element_a_set_of_its_own_again()
    {
        var sets = new DisjointSet();
        sets.Reset(50);
        for (int i = 1; i < 50; i++)
        {
            sets.Union(i - 1, i);
        }

        Assert.Equal(1, sets.Label(new int[50]));
        sets.Reset(20);
        Assert.Equal(20, sets.Count);
        var labels = new int[20];
        Assert.Equal(20, sets.Label(labels));
        Assert.Equal(Enumerable.Range(0, 20), labels);
    }

    private static int[] LabelsAfter(int n, IEnumerable<(int A, int B)> edges)
    {
        var sets = new DisjointSet();
        sets.Reset(n);
        foreach (var (a, b) in edges)
        {
            sets.Union(a, b);
        }

        return LabelsOf(sets, n);
    }

    private static int[] LabelsOf(DisjointSet sets, int n)
    {
        var labels = new int[n];
        sets.Label(labels);
        return labels;
    }

    private static List<(int A, int B)> RandomEdges(int seed, int n, int count)
    {
        var rng = new Random(seed);
        var edges = new List<(int, int)>();
        for (int e = 0; e < count; e++)
        {
            // Mostly local edges (chains and clusters, as neighbours in a swarm), some long ones.
            int a = rng.Next(n);
            int b = rng.Next(4) == 0 ? rng.Next(n) : Math.Clamp(a + rng.Next(-3, 4), 0, n - 1);
            edges.Add((a, b));
        }

        return edges;
    }

    private static int[] Components(int n, List<(int A, int B)> edges)
    {
        var adj = Enumerable.Range(0, n).Select(_ => new List<int>()).ToArray();
        foreach (var (a, b) in edges)
        {
            adj[a].Add(b);
            adj[b].Add(a);
        }

        var result = new int[n];
        var seen = new bool[n];
        for (int s = 0; s < n; s++)
        {
            if (seen[s])
            {
                continue;
            }

            var members = new List<int>();
            var queue = new Queue<int>([s]);
            seen[s] = true;
            while (queue.Count > 0)
            {
                int v = queue.Dequeue();
                members.Add(v);
                foreach (int w in adj[v].Where(w => !seen[w]))
                {
                    seen[w] = true;
                    queue.Enqueue(w);
                }
            }

            foreach (int v in members)
            {
                result[v] = s; // the smallest: the start elements are taken in increasing order
            }
        }

        return result;
    }
}
