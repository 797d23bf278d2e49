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
    /// does, when <see cref="Security"/> is set. Null: <c>/</c>, rcl's default.
    /// </summary>
    public string? Enclave { get; init; }

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
            int entity = options.Security is { } security
                ? CreateSecured(DomainId, security, options.Enclave ?? "/", NodeName)
                : Libddsc.dds_create_participant(DomainId, 0, 0);
            participant = new DdsParticipantHandle(DdsError.CheckEntity(entity, "dds_create_participant", $"domain {DomainId} (node '{NodeName}')"));
            IsSecured = options.Security is not null;
        }
        catch
        {
            domainLease?.Dispose();
            throw;
        }
    }

    /// <summary>Whether the participant runs with DDS Security (<see cref="RosParticipantOptions.Security"/> was set).</summary>
    public bool IsSecured { get; }

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
    private static unsafe int CreateSecured(uint domainId, DdsSecurityFiles security, string enclave, string nodeName)
    {
        nint qos = Libddsc.dds_create_qos();
        if (qos == 0)
        {
            throw new OutOfMemoryException("dds_create_qos returned NULL");
        }

        try
        {
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

            byte[] userData = Encoding.UTF8.GetBytes($"enclave={enclave};");
            fixed (byte* pu = userData)
            {
                Libddsc.dds_qset_userdata(qos, pu, (nuint)userData.Length);
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
        lock (gate)
        {
            children.Remove(child);
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

        return child;
    }
}
