using Microsoft.Extensions.Logging;
using SwarmCoverage.Ros2.Security;

namespace SwarmCoverage.Nodes;

/// <summary>
/// The SROS2 enclave each node uses when <c>--ros-args --enclave</c> and <c>ROS_SECURITY_ENCLAVE_OVERRIDE</c> do not
/// name one (docs/security.md, "The nodes"): the centralized controller <c>/swarm_coverage</c>, a decentralized
/// instance <c>/swarm_coverage/&lt;robot&gt;</c> (its own identity and permissions: it may command only its robot),
/// the simulator <c>/swarm_coverage_sim</c>.
/// </summary>
public static class NodeEnclaves
{
    /// <summary>The centralized controller's enclave.</summary>
    public const string Controller = "/swarm_coverage";

    /// <summary>The simulator's enclave.</summary>
    public const string Simulator = "/swarm_coverage_sim";

    /// <summary>The controller's enclave: <see cref="Controller"/>, or <c>/swarm_coverage/&lt;robot&gt;</c> for <c>--robot</c>.</summary>
    public static string ForController(string? ownRobot) => ownRobot is null ? Controller : Controller + "/" + ownRobot;

    /// <summary>Logs <paramref name="outcome"/> as the one start-up line about security (a warning when Permissive dropped it).</summary>
    internal static void Log(ILogger log, RosSecurityOutcome? outcome)
    {
        if (outcome is null) return;
        if (outcome.IsDowngraded)
            log.LogWarning("{Security}", outcome.Message);
        else
            log.LogInformation("{Security}", outcome.Message);
    }
}

/// <summary>
/// The ROS topics a node publishes and subscribes to, by fully qualified ROS name: what its DDS participant creates
/// and, through <see cref="ToPolicy"/>, what its SROS2 permissions allow (least privilege: nothing else). One list
/// for both, so the permissions cannot drift from the code (a topic missing from it is refused by Cyclone when the
/// node creates the reader or writer under access control).
/// </summary>
/// <param name="Node">The node name (for the policy's profile).</param>
/// <param name="Publish">Topics published, sorted.</param>
/// <param name="Subscribe">Topics subscribed to, sorted.</param>
public sealed record NodeTopics(string Node, IReadOnlyList<string> Publish, IReadOnlyList<string> Subscribe)
{
    /// <summary><c>/clock</c>: ROS time, published by the simulator and read by a controller under <c>use_sim_time</c>.</summary>
    public const string Clock = "/clock";

    internal static NodeTopics Of(string node, IEnumerable<string> publish, IEnumerable<string> subscribe) =>
        new(node, [.. publish.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)], [.. subscribe.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]);

    /// <summary>The node's namespace (<c>-r __ns:=</c>), against which its relative and <c>~</c> names resolve.</summary>
    public string Namespace { get; init; } = "/";

    /// <summary>The services the node serves, as it names them (<c>~/get_parameters</c>): their request and reply topics.</summary>
    public IReadOnlyList<string> Services { get; init; } = [];

    /// <summary>
    /// The enclave policy that allows exactly these topics and services (and, by default, <c>ros_discovery_info</c> as
    /// sros2 does).
    /// </summary>
    public EnclavePolicy ToPolicy(bool allowRosDiscoveryInfo = true) => new()
    {
        Nodes = [new NodePolicy { Namespace = Namespace, Node = Node, Publish = Publish, Subscribe = Subscribe, ServicesServed = Services }],
        AllowRosDiscoveryInfo = allowRosDiscoveryInfo,
    };
}
