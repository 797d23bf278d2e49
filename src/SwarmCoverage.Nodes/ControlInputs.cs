using System.Globalization;
using SwarmCoverage.Control.Parameters;
using SwarmCoverage.Control.Session;
using SwarmCoverage.Core;
using SwarmCoverage.Core.Targets;
using SwarmCoverage.Ros2;
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
    /// <summary>A target message: null when the session took it, else why not. Counted under <paramref name="origin"/>.</summary>
    public static string? Target(ControlSession session, in RosTarget msg, Box arena, string origin)
    {
        ArgumentNullException.ThrowIfNull(session);
        var m = msg;
        var limits = session.Settings.Inputs;
        return Door(session.Inputs.For(origin), () => session.RequestTarget(TargetMessages.FromTarget(m, arena, origin, limits), origin));
    }

    /// <summary>A painted occupancy grid as the target (the floor of the target in force).</summary>
    public static string? Grid(ControlSession session, in OccupancyGrid msg, Box arena, string origin)
    {
        ArgumentNullException.ThrowIfNull(session);
        var m = msg;
        var limits = session.Settings.Inputs;
        return Door(session.Inputs.For(origin), () => session.RequestTarget(TargetMessages.FromOccupancyGrid(m, arena, session.Target.Floor, origin, limits), origin));
    }

    /// <summary>The emergency stop (a Bool: nothing to refuse, but counted as every input is).</summary>
    public static void EmergencyStop(ControlSession session, bool stop, string origin)
    {
        ArgumentNullException.ThrowIfNull(session);
        session.SetEmergencyStop(stop, origin);
        session.Inputs.For(origin).Accept();
    }

    /// <summary>
    /// A clicked point (the 3D panel's publish tool): the nearest Gaussian component's mean moves to it, weight and
    /// sigma kept, through the parameters (so it is validated, recorded and replayed as any parameter change).
    /// </summary>
    public static string? ClickedPoint(ControlSession session, in PointStamped msg, string origin)
    {
        ArgumentNullException.ThrowIfNull(session);
        var m = msg;
        return Door(session.Inputs.For(origin), () => MoveNearestComponent(session, m, origin));
    }

    /// <summary>
    /// Takes a message off a DDS reader (the oldest, or with <paramref name="latest"/> the newest; false when there was
    /// none) under the door's guarantee: a decoder that throws is counted as a defect of <paramref name="origin"/> and
    /// the message dropped (false). No closure, no allocation: the control loop calls it every tick.
    /// </summary>
    public static bool Receive<T>(ControlSession session, string origin, RosSubscription<T> sub, ref T message, bool latest)
        where T : IRosMessage<T>
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(sub);
        try
        {
            return latest ? sub.TryTakeLatest(ref message) : sub.TryTake(ref message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            session.Inputs.For(origin).Defect(e);
            return false;
        }
    }

    /// <summary>
    /// Runs <paramref name="admit"/> (null: taken, else why not) and counts the outcome: an <see cref="InputException"/> is
    /// the refusal it names, any other exception a defect (logged with the input, the message dropped). Never throws.
    /// </summary>
    public static string? Door(InputTally tally, Func<string?> admit)
    {
        ArgumentNullException.ThrowIfNull(tally);
        ArgumentNullException.ThrowIfNull(admit);
        string? refused;
        try
        {
            refused = admit();
        }
        catch (InputException e)
        {
            refused = e.Message;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            tally.Defect(e);
            return $"{tally.Name}: the message could not be read ({e.GetType().Name}); it was dropped";
        }

        if (refused is null) tally.Accept();
        else tally.Reject(refused);
        return refused;
    }

    private static string? MoveNearestComponent(ControlSession session, in PointStamped msg, string origin)
    {
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
