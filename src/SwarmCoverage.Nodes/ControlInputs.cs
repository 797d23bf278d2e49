using System.Globalization;
using SwarmCoverage.Control.Parameters;
using SwarmCoverage.Control.Session;
using SwarmCoverage.Core;
using SwarmCoverage.Core.Targets;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using RosTarget = SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs.Target;

namespace SwarmCoverage.Nodes;

/// <summary>
/// The one door every control input goes through, whatever carried it (a DDS topic, a Foxglove client's publish):
/// each is checked and handed to the session, or refused with a reason naming what was wrong. Nothing a peer sends
/// throws out of here.
/// </summary>
public static class ControlInputs
{
    /// <summary>A target message: null when the session took it, else why not.</summary>
    public static string? Target(ControlSession session, in RosTarget msg, Box arena, string origin)
    {
        ArgumentNullException.ThrowIfNull(session);
        try
        {
            return session.RequestTarget(TargetMessages.FromTarget(msg, arena, origin), origin);
        }
        catch (InputException e)
        {
            return e.Message;
        }
    }

    /// <summary>A painted occupancy grid as the target (the floor of the target in force).</summary>
    public static string? Grid(ControlSession session, in OccupancyGrid msg, Box arena, string origin)
    {
        ArgumentNullException.ThrowIfNull(session);
        try
        {
            return session.RequestTarget(TargetMessages.FromOccupancyGrid(msg, arena, session.Target.Floor, origin), origin);
        }
        catch (InputException e)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// A clicked point (the 3D panel's publish tool): the nearest Gaussian component's mean moves to it, weight and
    /// sigma kept, through the parameters (so it is validated, recorded and replayed as any parameter change).
    /// </summary>
    public static string? ClickedPoint(ControlSession session, in PointStamped msg, string origin)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.Target is not GaussianMixtureDensity g)
            return $"{origin}: a clicked point moves the nearest Gaussian component; the target in force is {session.Target.Kind}, not a gaussian_mixture";
        int d = g.Domain.Dimension;
        double[] p = [msg.Point.X, msg.Point.Y, msg.Point.Z];
        if (!p.Take(d).All(double.IsFinite)) return $"{origin}: the point ({string.Join(", ", p.Take(d).Select(v => v.ToString("G6", CultureInfo.InvariantCulture)))}) is not finite";
        for (int k = 0; k < d; k++)
            if (p[k] < g.Domain.Min[k] || p[k] > g.Domain.Max[k])
                return string.Create(CultureInfo.InvariantCulture, $"{origin}: the point ({p[0]:G6}, {p[1]:G6}) is outside the arena {g.Domain}");
        var means = session.Value("target.means")?.AsDoubles.ToArray();
        if (means is null || means.Length != g.Components.Count * d) return $"{origin}: the target's means are not set as parameters; set target.means instead";
        int best = 0;
        double bestD = double.PositiveInfinity;
        for (int c = 0; c < g.Components.Count; c++)
        {
            double s = 0;
            for (int k = 0; k < d; k++) s += (means[c * d + k] - p[k]) * (means[c * d + k] - p[k]);
            if (s < bestD) (best, bestD) = (c, s);
        }

        for (int k = 0; k < d; k++) means[best * d + k] = p[k];
        var result = session.SetParameters([("target.means", ParameterValue.Of(means))], origin);
        return result.Accepted ? null : string.Join("; ", result.Refusals.Select(r => r.Reason));
    }
}
