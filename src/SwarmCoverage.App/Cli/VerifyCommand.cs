using System.CommandLine;
using SwarmCoverage.Core;
using SwarmCoverage.Core.Verification;

namespace SwarmCoverage.App.Cli;

internal static class VerifyCommand
{
    /// <summary>The fitted 1-D order must reach this (docs/method.md section 6).</summary>
    public const double RequiredOrder1D = 1.5;

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var cmd = new Command("verify", "Verify the method against exact solutions.");
        var dim = new Option<int>("--dim") { Description = "Dimension of the study: 1 or 2.", DefaultValueFactory = _ => 1 };
        var spacings = new Option<double[]>("--h") { Description = "Lattice spacings (default 0.04 0.02 0.01 in 1-D, 0.08 0.04 0.02 in 2-D).", AllowMultipleArgumentsPerToken = true };
        var tolerance = new Option<double>("--tolerance") { Description = "Time-integration tolerance in units of eps.", DefaultValueFactory = _ => 1e-8 };
        var barenblatt = new Command("barenblatt", "Porous-medium convergence study (docs/method.md section 6): uniform target on a large box, lattice start with exact cell masses at t=0.125, exact Barenblatt solution at t=1.125, mass-matched l2 error, eps = h^0.99. Exits 1 if the fitted 1-D order is below 1.5.");
        barenblatt.Options.Add(dim);
        barenblatt.Options.Add(spacings);
        barenblatt.Options.Add(tolerance);
        barenblatt.SetAction((p, ct) =>
        {
            int d = p.GetValue(dim);
            if (d is not (1 or 2)) throw new InputException($"--dim must be 1 or 2 (got {d})");
            var hs = p.GetValue(spacings) is { Length: > 0 } given ? given : BarenblattSettings.DefaultSpacings(d);
            foreach (var h in hs)
                if (!(h > 0 && h < 0.5)) throw new InputException($"--h values must be in (0, 0.5) (got {Format.F(h)})");
            if (hs.Length < 2) throw new InputException("--h needs at least two spacings to measure an order");
            var settings = new BarenblattSettings { Dimension = d, Spacings = hs, Tolerance = p.GetValue(tolerance) };
            stdout.WriteLine($"Barenblatt convergence study, d = {d}, t = {Format.G(settings.StartTime)} -> {Format.G(settings.EndTime)}, eps = h^{Format.G(settings.EpsilonExponent)}");
            stdout.WriteLine($"{"h",8} {"eps",10} {"N",7} {"l2 error",11} {"order",6} {"steps",6} {"seconds",8}");
            var rows = BarenblattStudy.Run(settings, null, ct);
            foreach (var r in rows)
                stdout.WriteLine($"{Format.G(r.H),8} {Format.G(r.Epsilon),10} {r.Particles,7} {r.Error.ToString("E3", System.Globalization.CultureInfo.InvariantCulture),11} {(r.Order is { } o ? o.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) : "-"),6} {r.Steps,6} {r.Seconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture),8}");
            double fitted = BarenblattStudy.FittedOrder(rows);
            stdout.WriteLine($"observed order (least-squares fit of log error against log h): {fitted.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)}");
            if (d == 1 && !(fitted >= RequiredOrder1D))
            {
                stderr.WriteLine($"FAIL: 1-D order {fitted.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)} is below {RequiredOrder1D}");
                return Task.FromResult(CommandLine.CheckFailed);
            }
            return Task.FromResult(CommandLine.Ok);
        });
        cmd.Subcommands.Add(barenblatt);
        return cmd;
    }
}
