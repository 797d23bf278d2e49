using System.Globalization;
using System.Text;
using SwarmCoverage.Ros2.Interop;
using SwarmCoverage.Ros2.Security;

namespace SwarmCoverage.Ros2;

/// <summary>Settings of a <see cref="RosParticipant"/>.</summary>
public sealed record RosParticipantOptions
{
    /// <summary>The ROS domain id (0..232). Null: <c>ROS_DOMAIN_ID</c> from the environment, else 0, as ROS 2 does.</summary>
    public uint? DomainId { get; init; }

    /// <summary>The node name: used for <c>~</c> and <c>{node}</c> in topic names and in messages; <c>[A-Za-z_][A-Za-z0-9_]*</c>.</summary>
    public string NodeName { get; init; } = "swarm_coverage";

    /// <summary>The node namespace that relative topic names resolve under, e.g. <c>/</c> or <c>/swarm</c>.</summary>
    public string Namespace { get; init; } = "/";

    /// <summary>
    /// A Cyclone DDS configuration (XML text or <c>file://</c> URI) for this process's domain. Null (the normal case
    /// for deployments): Cyclone reads <c>CYCLONEDDS_URI</c> from the environment, as with rmw_cyclonedds.
    /// All participants of one domain in one process must agree on it.
    /// </summary>
    public string? CycloneDdsConfig { get; init; }

    /// <summary>
    /// DDS Security (SROS2) for this participant: the enclave's files, set as the <c>dds.sec.*</c> properties
    /// rmw_cyclonedds_cpp sets (docs/security.md). Null (the default): an unsecured participant. Usually obtained
    /// from <see cref="RosSecurity.Resolve"/>, which reads ROS 2's <c>ROS_SECURITY_*</c> switches and checks the files.
    /// </summary>
    public DdsSecurityFiles? Security { get; init; }

    /// <summary>
    /// The enclave name, written as <c>enclave=&lt;name&gt;;</c> into the participant's user data as rmw_cyclonedds_cpp
    /// does (secured or not). Null: <c>/</c>, rcl's default.
    /// </summary>
    public string? Enclave { get; init; }

    /// <summary>
    /// Makes the participant a node of the ROS 2 graph: it publishes its node (<see cref="NodeName"/> in
    /// <see cref="Namespace"/>) with the gids of its readers and writers on <c>ros_discovery_info</c>, in the layout
    /// of this distribution, and again whenever an endpoint comes or goes (docs/ros2-wire.md, "The graph").
    /// Null: not announced (a plain DDS participant, as test drivers are).
    /// </summary>
    public RosDistro? Graph { get; init; }

    /// <summary>
    /// The loopback-only configuration of docs/ros2-wire.md (ROS 2's localhost-only mode): the <c>lo</c> interface, no
    /// multicast (loopback cannot), unicast discovery to localhost for participant indices 0..32. For tests,
    /// benchmarks and single-machine runs in a private network namespace.
    /// </summary>
    public const string LoopbackOnlyConfig =
        "<CycloneDDS><Domain id=\"any\"><General><Interfaces><NetworkInterface name=\"lo\"/></Interfaces>" +
        "<AllowMulticast>false</AllowMulticast></General><Discovery><ParticipantIndex>auto</ParticipantIndex>" +
        "<MaxAutoParticipantIndex>32</MaxAutoParticipantIndex><Peers><Peer address=\"localhost\"/></Peers></Discovery>" +
        "</Domain></CycloneDDS>";
}

/// <summary>
/// A DDS domain participant behaving as a ROS 2 node on the wire: its publishers and subscriptions use ROS topic
/// names (<c>rt/</c> prefix), ROS type names and ROS QoS, so ROS 2 nodes on rmw_cyclonedds_cpp or rmw_fastrtps_cpp
/// see ordinary ROS topics. Disposing it disposes every publisher and subscription created from it.
/// Thread-safe.
/// </summary>
public sealed class RosParticipant : IDisposable
{
    /// <summary>The environment variable ROS 2 reads the domain id from.</summary>
    public const string DomainIdVariable = "ROS_DOMAIN_ID";

    /// <summary>Largest domain id whose RTPS ports fit in 16 bits (7400 + 250 * 232 + ...).</summary>
    public const uint MaxDomainId = 232;

    private readonly Lock gate = new();
    private readonly DdsParticipantHandle participant;
    private readonly DomainRegistry.Lease? domainLease;
    private readonly Dictionary<string, (DdsTopicHandle Topic, RosMessageType Type)> topics = new(StringComparer.Ordinal);
    private readonly HashSet<IDisposable> children = [];
    private RosGraph? graph;
    private readonly GraphAnnouncer? announcer;
    private int nextServiceId;
    private bool disposed;

    /// <summary>
    /// Creates the participant. Throws <see cref="DllNotFoundException"/> when libddsc is missing,
    /// <see cref="RosSecurityException"/> naming the file and Cyclone's reason when it refuses the security configuration,
    /// <see cref="DdsException"/> when it refuses otherwise.
    /// </summary>
    public RosParticipant(RosParticipantOptions? options = null)
    {
        options ??= new RosParticipantOptions();
        RosNames.ValidateNodeName(options.NodeName);
        RosNames.ValidateNamespace(options.Namespace);
        NodeName = options.NodeName;
        Namespace = options.Namespace;
        DomainId = ResolveDomainId(options.DomainId, Environment.GetEnvironmentVariable);
        LibddscResolver.EnsureLoaded();

        if (options.CycloneDdsConfig is not null)
        {
            domainLease = DomainRegistry.Acquire(DomainId, options.CycloneDdsConfig);
        }

        try
        {
            int entity = CreateParticipant(DomainId, options.Security, options.Enclave ?? "/", NodeName);
            participant = new DdsParticipantHandle(DdsError.CheckEntity(entity, "dds_create_participant", $"domain {DomainId} (node '{NodeName}')"));
            IsSecured = options.Security is not null;
            Enclave = options.Enclave ?? "/";
            unsafe
            {
                DdsGuid guid;
                DdsError.Check(Libddsc.dds_get_guid(participant.Entity, &guid), "dds_get_guid", "participant");
                Guid = guid;
            }

            Graph = options.Graph;
            if (options.Graph is { } distro)
            {
                try
                {
                    announcer = new GraphAnnouncer(this, distro);
                }
                catch (DdsException e) when (IsSecured && e.IsNotAllowedBySecurity)
                {
                    // Permissions made without ros_discovery_info (sros2's --no-ros-discovery-info choice): the node
                    // works, outside the graph, and says so.
                    GraphRefusal = $"not in the ROS 2 graph: the permissions do not allow {GraphAnnouncer.Topic} ({e.Message})";
                }
            }
        }
        catch
        {
            participant?.Dispose();
            domainLease?.Dispose();
            throw;
        }
    }

    /// <summary>Whether the participant runs with DDS Security (<see cref="RosParticipantOptions.Security"/> was set).</summary>
    public bool IsSecured { get; }

    /// <summary>The enclave in the participant's user data.</summary>
    public string Enclave { get; }

    /// <summary>Why the node is not in the graph although <see cref="RosParticipantOptions.Graph"/> asked for it (its permissions); null when it is or was not asked.</summary>
    public string? GraphRefusal { get; }

    /// <summary>The distribution whose graph layout the participant announces its node in; null when it does not.</summary>
    public RosDistro? Graph { get; }

    /// <summary>The participant's DDS GUID: its gid in the ROS graph.</summary>
    internal DdsGuid Guid { get; }

    /// <summary>The node's ROS gid (the participant's GUID), as <c>ros_discovery_info</c> carries it.</summary>
    public RosGid Gid => GraphAnnouncer.ToGid(Guid);

    /// <summary>The ROS gids of the node's readers and writers (what its <c>ros_discovery_info</c> entry lists).</summary>
    public (IReadOnlyList<RosGid> Readers, IReadOnlyList<RosGid> Writers) EndpointGids
    {
        get
        {
            (List<DdsGuid> readers, List<DdsGuid> writers) = Endpoints();
            return ([.. readers.Select(GraphAnnouncer.ToGid)], [.. writers.Select(GraphAnnouncer.ToGid)]);
        }
    }

    /// <summary>The DDS domain id in use.</summary>
    public uint DomainId { get; }

    /// <summary>The node name.</summary>
    public string NodeName { get; }

    /// <summary>The node namespace.</summary>
    public string Namespace { get; }

    internal DdsParticipantHandle Handle => participant;

    /// <summary>
    /// The DDS names (<c>rt/...</c>) of every topic created so far through this participant's publishers and
    /// subscriptions, sorted: what its SROS2 permissions must allow.
    /// </summary>
    public IReadOnlyList<string> DdsTopicNames
    {
        get
        {
            lock (gate)
            {
                return [.. topics.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>
    /// The domain id ROS 2 would use: <paramref name="explicitDomainId"/> when given, else <c>ROS_DOMAIN_ID</c>
    /// (unset or empty means 0). Throws <see cref="ArgumentException"/> naming the value when it is not an integer
    /// in 0..<see cref="MaxDomainId"/>.
    /// </summary>
    public static uint ResolveDomainId(uint? explicitDomainId, Func<string, string?> getEnvironmentVariable)
    {
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        if (explicitDomainId is { } id)
        {
            if (id > MaxDomainId)
            {
                throw new ArgumentOutOfRangeException(nameof(explicitDomainId), id, $"domain id must be in 0..{MaxDomainId}");
            }

            return id;
        }

        string? text = getEnvironmentVariable(DomainIdVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return 0;
        }

        if (!uint.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out uint value) || value > MaxDomainId)
        {
            throw new ArgumentException($"{DomainIdVariable}='{text}' is not an integer in 0..{MaxDomainId}", nameof(getEnvironmentVariable));
        }

        return value;
    }

    /// <summary>
    /// dds_create_participant with a QoS carrying the security properties and the enclave user data, as
    /// rmw_cyclonedds_cpp's <c>rmw_context_impl_s::init</c> builds it (docs/security.md, "What rmw_cyclonedds sets").
    /// Cyclone gives its reason only in its log, so the log is captured for the exception.
    /// </summary>
    private static unsafe int CreateParticipant(uint domainId, DdsSecurityFiles? security, string enclave, string nodeName)
    {
        nint qos = Libddsc.dds_create_qos();
        if (qos == 0)
        {
            throw new OutOfMemoryException("dds_create_qos returned NULL");
        }

        try
        {
            byte[] userData = Encoding.UTF8.GetBytes($"enclave={enclave};");
            fixed (byte* pu = userData)
            {
                Libddsc.dds_qset_userdata(qos, pu, (nuint)userData.Length);
            }

            if (security is null)
            {
                return Libddsc.dds_create_participant(domainId, qos, 0);
            }

            foreach ((string name, string value) in security.ToQosProperties())
            {
                byte[] n = Encoding.UTF8.GetBytes(name + "\0");
                byte[] v = Encoding.UTF8.GetBytes(value + "\0");
                fixed (byte* pn = n)
                fixed (byte* pv = v)
                {
                    Libddsc.dds_qset_prop(qos, pn, pv);
                }
            }

            (int entity, IReadOnlyList<string> log) = CycloneLog.Capture(() => Libddsc.dds_create_participant(domainId, qos, 0));
            if (entity < 0)
            {
                throw SecurityRefusal.FromCycloneLog(security, log, $"dds_create_participant refused the security configuration for domain {domainId} (node '{nodeName}', enclave '{enclave}'): {DdsError.Describe(entity)} ({entity})");
            }

            return entity;
        }
        finally
        {
            Libddsc.dds_delete_qos(qos);
        }
    }

    /// <summary>The fully qualified ROS name of <paramref name="topicName"/> in this node's namespace (see <see cref="RosNames.ExpandTopicName"/>).</summary>
    public string ResolveTopicName(string topicName) => RosNames.ExpandTopicName(topicName, Namespace, NodeName);

    /// <summary>
    /// Creates a publisher on <paramref name="topicName"/> (relative names resolve under <see cref="Namespace"/>).
    /// <paramref name="qos"/> defaults to <see cref="RosQos.Default"/> (reliable, volatile, keep last 10).
    /// </summary>
    public RosPublisher<T> CreatePublisher<T>(string topicName, RosQos? qos = null)
        where T : IRosMessage<T>
    {
        string full = ResolveTopicName(topicName);
        qos ??= RosQos.Default;
        qos.Validate();
        return Track(new RosPublisher<T>(this, full, qos));
    }

    /// <summary>
    /// Creates a subscription on <paramref name="topicName"/>. <paramref name="qos"/> defaults to <see cref="RosQos.Default"/>;
    /// use <see cref="RosQos.SensorData"/> (best effort) to accept both reliable and best-effort publishers.
    /// </summary>
    public RosSubscription<T> CreateSubscription<T>(string topicName, RosQos? qos = null)
        where T : IRosMessage<T>
    {
        string full = ResolveTopicName(topicName);
        qos ??= RosQos.Default;
        qos.Validate();
        return Track(new RosSubscription<T>(this, full, qos));
    }

    /// <summary>
    /// Serves the ROS service <paramref name="serviceName"/> (relative names are in the node's namespace, <c>~/x</c> in
    /// its private one) as rmw_cyclonedds_cpp does: requests on <c>rq/&lt;service&gt;Request</c>, replies on
    /// <c>rr/&lt;service&gt;Reply</c>, each with the client's request header (docs/ros2-wire.md, "Services").
    /// Requests are taken by <see cref="RosServiceServer{TRequest, TResponse}.TryTake"/>, usually from a
    /// <see cref="RosServiceHost"/>.
    /// </summary>
    public RosServiceServer<TRequest, TResponse> CreateService<TRequest, TResponse>(string serviceName)
        where TRequest : IRosMessage<TRequest>
        where TResponse : IRosMessage<TResponse>
    {
        string full = ResolveTopicName(serviceName);
        int id = Interlocked.Increment(ref nextServiceId);
        return new RosServiceServer<TRequest, TResponse>(this, full, ServiceUserData("serviceid", id));
    }

    /// <summary>A client of the ROS service <paramref name="serviceName"/>, as rmw_cyclonedds_cpp's (for tests and tools).</summary>
    public RosServiceClient<TRequest, TResponse> CreateClient<TRequest, TResponse>(string serviceName)
        where TRequest : IRosMessage<TRequest>
        where TResponse : IRosMessage<TResponse>
    {
        string full = ResolveTopicName(serviceName);
        int id = Interlocked.Increment(ref nextServiceId);
        return new RosServiceClient<TRequest, TResponse>(this, full, ServiceUserData("clientid", id));
    }

    /// <summary>A publisher on a DDS topic named as is (no <c>rt/</c>), of an explicit type; in the graph unless told otherwise.</summary>
    internal RosPublisher<T> CreateRawPublisher<T>(string rosName, string ddsTopicName, RosQos qos, RosMessageType<T>? type = null, bool inGraph = true)
        where T : IRosMessage<T>
    {
        qos.Validate();
        var publisher = new RosPublisher<T>(this, rosName, qos, type, ddsTopicName);
        return inGraph ? Track(publisher) : publisher;
    }

    /// <summary>A subscription on a DDS topic named as is (no <c>rt/</c>), of an explicit type.</summary>
    internal RosSubscription<T> CreateRawSubscription<T>(string rosName, string ddsTopicName, RosQos qos, RosMessageType<T>? type = null)
        where T : IRosMessage<T>
    {
        qos.Validate();
        return Track(new RosSubscription<T>(this, rosName, qos, type, ddsTopicName));
    }

    /// <summary>
    /// rmw_cyclonedds_cpp's client/service id (<c>serviceid=</c> / <c>clientid=</c> in the USER_DATA of both endpoints, so a
    /// client can tell which reader and writer belong together): the participant's GUID prefix and a big-endian counter,
    /// printed as it prints them (hexadecimal bytes joined by dots, over the distribution's gid size).
    /// </summary>
    private unsafe string ServiceUserData(string key, int counter)
    {
        int size = (Graph ?? RosDistro.Jazzy).GidSize();
        Span<byte> id = stackalloc byte[size];
        id.Clear();
        DdsGuid g = Guid;
        for (int i = 0; i < 12; i++)
        {
            id[i] = g.V[i];
        }

        id[12] = (byte)(counter >> 24);
        id[13] = (byte)(counter >> 16);
        id[14] = (byte)(counter >> 8);
        id[15] = (byte)counter;
        var sb = new StringBuilder(key).Append('=');
        sb.Append(CultureInfo.InvariantCulture, $"{id[0],2:x}");
        for (int i = 1; i < size; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $".{id[i]:x}");
        }

        return sb.Append(';').ToString();
    }

    /// <summary>The GUIDs of the node's readers and writers.</summary>
    internal (List<DdsGuid> Readers, List<DdsGuid> Writers) Endpoints()
    {
        var readers = new List<DdsGuid>();
        var writers = new List<DdsGuid>();
        lock (gate)
        {
            foreach (IDisposable child in children)
            {
                if (child is RosSubscription r)
                {
                    readers.Add(r.Guid);
                }
                else if (child is RosPublisher w)
                {
                    writers.Add(w.Guid);
                }
            }
        }

        return (readers, writers);
    }

    /// <summary>
    /// The ROS topics known on the domain with their types and endpoint counts, read from the DCPSPublication and
    /// DCPSSubscription built-in topics, as <c>ros2 topic list -t</c> shows them (sorted by name). Discovery is
    /// asynchronous: a topic appears some milliseconds after its first endpoint.
    /// </summary>
    /// <param name="includeOwn">Whether to count this participant's own publishers and subscriptions.</param>
    public IReadOnlyList<RosTopicInfo> GetTopicNamesAndTypes(bool includeOwn = true)
    {
        RosGraph g;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            g = graph ??= new RosGraph(this);
        }

        return g.GetTopicNamesAndTypes(includeOwn);
    }

    /// <summary>Disposes every publisher and subscription of this participant, then the participant.</summary>
    public void Dispose()
    {
        IDisposable[] owned;
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            owned = [.. children];
            children.Clear();
        }

        // The node leaves the graph first (an entry without it), then its endpoints go.
        announcer?.Dispose();
        foreach (IDisposable child in owned)
        {
            child.Dispose();
        }

        graph?.Dispose();
        foreach ((DdsTopicHandle topic, _) in topics.Values)
        {
            topic.Dispose();
        }

        topics.Clear();
        participant.Dispose();
        domainLease?.Dispose();
    }

    /// <summary>The topic entity for <paramref name="ddsTopicName"/>, created once per participant and type.</summary>
    internal unsafe DdsTopicHandle GetOrCreateTopic(string ddsTopicName, RosMessageType type)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (topics.TryGetValue(ddsTopicName, out var existing))
            {
                if (!ReferenceEquals(existing.Type, type))
                {
                    throw new ArgumentException(
                        $"topic '{ddsTopicName}' already has type {existing.Type.RosTypeName} in this participant; cannot use it with {type.RosTypeName}",
                        nameof(ddsTopicName));
                }

                return existing.Topic;
            }

            byte[] name = Encoding.UTF8.GetBytes(ddsTopicName + "\0");
            int entity;
            fixed (byte* p = name)
            {
                entity = Libddsc.dds_create_topic(participant.Entity, type.Descriptor.Pointer, p, 0, 0);
            }

            var topic = new DdsTopicHandle(DdsError.CheckEntity(entity, "dds_create_topic", $"topic '{ddsTopicName}' of type {type.DdsTypeName}"));
            topics[ddsTopicName] = (topic, type);
            return topic;
        }
    }

    internal void Forget(IDisposable child)
    {
        bool removed;
        lock (gate)
        {
            removed = children.Remove(child);
        }

        if (removed && child is RosEndpoint)
        {
            announcer?.Changed();
        }
    }

    private TChild Track<TChild>(TChild child)
        where TChild : IDisposable
    {
        lock (gate)
        {
            if (disposed)
            {
                child.Dispose();
                throw new ObjectDisposedException(nameof(RosParticipant));
            }

            children.Add(child);
        }

        if (child is RosEndpoint)
        {
            announcer?.Changed();
        }

        return child;
    }
}
