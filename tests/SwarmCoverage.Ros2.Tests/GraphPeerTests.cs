using System.Text.Json;
using SwarmCoverage.Ros2.Interop;
using SwarmCoverage.Ros2.Tests.Infrastructure;

namespace SwarmCoverage.Ros2.Tests;

/// <summary>
/// The C graph peer (Assets/graph_peer, built by <see cref="GraphPeer"/>) on its own, before the nodes announce
/// themselves: it builds for both Gid layouts, sees an empty domain as empty, sees a participant of this process in
/// DCPSParticipant with its enclave, and reports a missing service by name.
/// </summary>
public sealed class GraphPeerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [RequiresGraphPeerTheory]
    [InlineData("jazzy")]
    [InlineData("humble")]
    public void Both_gid_layouts_build_and_run(string distro)
    {
        GraphPeer peer = GraphPeer.For(distro);
        Assert.True(File.Exists(peer.Executable), peer.Executable);
        Assert.Same(peer, GraphPeer.For(distro));

        GraphPeerResult result = peer.Execute(Dds.NewDomainId(), Timeout, "graph", "0.5");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"Gid of {(distro == "humble" ? 24 : 16)} bytes", result.Errors, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Array, result.Last.GetProperty("nodes").ValueKind);
    }

    [Fact]
    public void The_humble_gid_is_24_chars_with_a_comment_header()
    {
        string[] lines = File.ReadAllLines(Path.Combine(Tools.Assets, "humble", "rmw_dds_common", "msg", "Gid.msg"));
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("# ROS 2 Humble's rmw_dds_common/msg/Gid.msg (Apache-2.0", lines[0], StringComparison.Ordinal);
        Assert.Equal("char[24] data", lines[1]);
    }

    [RequiresGraphPeerFact]
    public void An_empty_domain_has_no_nodes_and_waiting_for_one_times_out()
    {
        GraphPeerResult result = GraphPeer.For("jazzy").Execute(Dds.NewDomainId(), Timeout, "graph", "2", "--until-node", "/swarm_coverage");

        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.Lines);
        Assert.Empty(result.Last.GetProperty("nodes").EnumerateArray());
        Assert.Contains("condition timed out", result.Errors, StringComparison.Ordinal);
    }

    [RequiresGraphPeerFact]
    public void A_participant_of_this_process_is_seen_with_its_guid_and_enclave()
    {
        uint domain = Dds.NewDomainId();
        using RosParticipant participant = NetworkSandbox.Instance.Run(() => new RosParticipant(new RosParticipantOptions
        {
            DomainId = domain,
            CycloneDdsConfig = RosParticipantOptions.LoopbackOnlyConfig,
        }));
        string guid = GuidOf(participant);

        foreach (string distro in (string[])["jazzy", "humble"])
        {
            GraphPeerResult result = GraphPeer.For(distro).Execute(domain, Timeout, "graph", "20", "--until-participant", guid);

            Assert.True(result.ExitCode == 0, $"participant {guid} not seen\n{result.Errors}\n{result.Last}");
            JsonElement seen = Assert.Single(result.Last.GetProperty("participants").EnumerateArray(), p => p.GetProperty("gid").GetString() == guid);
            Assert.Equal("/", seen.GetProperty("enclave").GetString()); // rmw_cyclonedds's USER_DATA enclave=/;
        }
    }

    [RequiresGraphPeerFact]
    public void Another_peer_is_seen_with_the_enclave_of_its_user_data()
    {
        uint domain = Dds.NewDomainId();
        using GraphPeerProcess other = GraphPeer.For("jazzy").Start(domain, "events", "30");
        string guid = GuidFromLog(other);

        GraphPeerResult result = GraphPeer.For("humble").Execute(domain, Timeout, "graph", "20", "--until-participant", guid);

        Assert.True(result.ExitCode == 0, $"participant {guid} not seen\n{result.Errors}\n{other.Describe()}");
        JsonElement seen = Assert.Single(result.Last.GetProperty("participants").EnumerateArray());
        Assert.Equal(guid, seen.GetProperty("gid").GetString());
        Assert.Equal("/", seen.GetProperty("enclave").GetString()); // the peer's own USER_DATA enclave=/;
    }

    [RequiresGraphPeerFact]
    public void A_call_to_a_missing_service_times_out_naming_the_service()
    {
        GraphPeerResult result = GraphPeer.For("jazzy").Execute(Dds.NewDomainId(), Timeout, "call", "/nobody", "list_parameters", "--timeout", "1");

        Assert.Equal(1, result.ExitCode);
        string error = result.Last.GetProperty("error").GetString()!;
        Assert.Contains("/nobody/list_parameters", error, StringComparison.Ordinal);
        Assert.Contains("rq/nobody/list_parametersRequest", result.Errors, StringComparison.Ordinal);
    }

    [RequiresGraphPeerFact]
    public void Parameter_events_end_at_the_timeout_without_events()
    {
        using GraphPeerProcess events = GraphPeer.For("jazzy").Start(Dds.NewDomainId(), "events", "1", "--count", "1");
        Assert.Equal(0, events.WaitForExit(Timeout));
        Assert.Empty(events.Events);
    }

    /// <summary>The GUID a running peer logs first ("graph_peer: participant GUID on domain N").</summary>
    private static string GuidFromLog(GraphPeerProcess peer)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        while (System.Diagnostics.Stopwatch.GetElapsedTime(start) < Timeout)
        {
            System.Text.RegularExpressions.Match m = System.Text.RegularExpressions.Regex.Match(peer.Errors, "participant ([0-9a-f]{32}) on domain");
            if (m.Success)
            {
                return m.Groups[1].Value;
            }

            Thread.Sleep(20);
        }

        throw new TimeoutException($"no participant line\n{peer.Describe()}");
    }

    /// <summary>The participant's DDS GUID as the peer prints it: 32 lower-case hex digits.</summary>
    private static unsafe string GuidOf(RosParticipant participant)
    {
        DdsGuid guid;
        Assert.Equal(0, Libddsc.dds_get_guid(participant.Handle.Entity, &guid));
        return Convert.ToHexStringLower(new ReadOnlySpan<byte>(guid.V, 16));
    }
}
