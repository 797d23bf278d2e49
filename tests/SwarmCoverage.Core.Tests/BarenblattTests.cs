using SwarmCoverage.Core.Verification;

namespace SwarmCoverage.Core.Tests;

public class BarenblattTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Exact_solution_has_mass_one_and_the_mass_coordinate_inverts_the_enclosed_mass(int d)
    {
        Assert.Equal(1.0, Barenblatt.EnclosedMass(10, 0.5, d), 13);
        foreach (double m in new[] { 0.01, 0.3, 0.5, 0.77, 0.99 })
        {
            double q = Barenblatt.MassCoordinate(m, 0.7, d);
            double enclosed = d == 1 ? 0.5 + 0.5 * Math.Sign(q) * Barenblatt.EnclosedMass(Math.Abs(q), 0.7, 1) : Barenblatt.EnclosedMass(q, 0.7, 2);
            Assert.Equal(m, enclosed, 12);
        }
        // Density integrates to one (midpoint rule on a fine grid, independent of the closed forms above).
        double r = Barenblatt.SupportRadius(0.3, d), h = r / 2000, s = 0;
        if (d == 1)
            for (double x = -r + h / 2; x < r; x += h) s += Barenblatt.Density(Math.Abs(x), 0.3, 1) * h;
        else
            for (double x = h / 2; x < r; x += h) s += 2 * Math.PI * x * Barenblatt.Density(x, 0.3, 2) * h;
        Assert.Equal(1.0, s, 5);
    }

    [Fact]
    public void Lattice_cells_carry_their_exact_mass()
    {
        var (x, m) = Barenblatt.Lattice(0.04, 0.125, 2);
        Assert.Equal(1.0, m.Sum(), 12);
        // the centre cell, by brute-force midpoint quadrature of the density
        int centre = Enumerable.Range(0, m.Length).Single(i => x[2 * i] == 0 && x[2 * i + 1] == 0);
        double h = 0.04, q = 0;
        int k = 400;
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                double px = -h / 2 + (i + 0.5) * h / k, py = -h / 2 + (j + 0.5) * h / k;
                q += Barenblatt.Density(Math.Sqrt(px * px + py * py), 0.125, 2) * (h / k) * (h / k);
            }
        Assert.Equal(q, m[centre], 9);
    }

    [Fact]
    public void One_d_study_reproduces_the_design_figures_and_an_order_of_at_least_one_and_a_half()
    {
        var rows = BarenblattStudy.Run(new BarenblattSettings { Dimension = 1, Spacings = BarenblattSettings.DefaultSpacings(1) });
        // docs/method.md section 6, measured independently: 1.45e-3 (h = 0.04) and 1.35e-4 (h = 0.01).
        Assert.Equal(1.45e-3, rows[0].Error, 0.03 * 1.45e-3);
        Assert.Equal(1.35e-4, rows[2].Error, 0.03 * 1.35e-4);
        Assert.True(BarenblattStudy.FittedOrder(rows) >= 1.5, $"order {BarenblattStudy.FittedOrder(rows)}");
    }

    [Fact]
    public void Two_d_study_converges_with_order_above_one_and_a_half()
    {
        var rows = BarenblattStudy.Run(new BarenblattSettings { Dimension = 2, Spacings = [0.16, 0.08, 0.04] });
        Assert.True(rows[0].Error > rows[1].Error && rows[1].Error > rows[2].Error);
        double order = BarenblattStudy.FittedOrder(rows);
        Assert.True(order >= 1.45, $"2-D order {order}");
    }
}
