using SwarmCoverage.Ros2.Interop;
using SwarmCoverage.Ros2.Serialization;

namespace SwarmCoverage.Ros2;

/// <summary>
/// Which request a reply answers, as rmw_cyclonedds_cpp's request header carries it before every request and reply
/// (docs/ros2-wire.md, "Services"): the client's id (its request writer's instance handle) and its sequence number.
/// </summary>
/// <param name="ClientGuid">The client's id; a client takes only replies with its own.</param>
/// <param name="Sequence">The client's number of the request.</param>
public readonly record struct RosRequestId(ulong ClientGuid, long Sequence);

/// <summary>
/// One half of a service on the wire: rmw_cyclonedds_cpp's request header (<c>uint64 guid</c>, <c>int64 seq</c>)
/// followed by the request or the response. Its DDS type is the half's, e.g.
/// <c>rcl_interfaces::srv::dds_::GetParameters_Request_</c>.
/// </summary>
/// <typeparam name="TBody">The request or response.</typeparam>
public struct RosServiceEnvelope<TBody> : IRosMessage<RosServiceEnvelope<TBody>>
    where TBody : IRosMessage<TBody>
{
    /// <summary>The request header.</summary>
    public RosRequestId Id;

    /// <summary>The request or response.</summary>
    public TBody Body;

    /// <inheritdoc/>
    public static RosMessageType<RosServiceEnvelope<TBody>> MessageType { get; } = new EnvelopeType(TBody.MessageType);

    private sealed class EnvelopeType : RosMessageType<RosServiceEnvelope<TBody>>
    {
        private readonly RosMessageType<TBody> body;
        private readonly int bodyOffset;

        public EnvelopeType(RosMessageType<TBody> body)
            : base(body.RosTypeName, Wire(body))
        {
            this.body = body;
            bodyOffset = Schema.Members[2].Offset;
        }

        internal override bool IsBlittable => false;

        internal override unsafe void ToNative(in RosServiceEnvelope<TBody> value, byte* sample, NativeArena arena)
        {
            *(ulong*)sample = value.Id.ClientGuid;
            *(long*)(sample + 8) = value.Id.Sequence;
            body.ToNative(in value.Body, sample + bodyOffset, arena);
        }

        internal override unsafe void FromNative(byte* sample, ref RosServiceEnvelope<TBody> value, Utf8StringCache strings)
        {
            value.Id = new RosRequestId(*(ulong*)sample, *(long*)(sample + 8));
            body.FromNative(sample + bodyOffset, ref value.Body, strings);
        }

        private static StructSchema Wire(RosMessageType<TBody> body) => StructSchema.Composed(
            body.Schema.IdlName + "_wire",
            MemberSchema.Primitive("guid", "guid", PrimitiveKind.UInt64),
            MemberSchema.Primitive("seq", "seq", PrimitiveKind.Int64),
            MemberSchema.Struct("body", "body", body.Schema));
    }
}

/// <summary>The DDS topics of a ROS service, as rmw_cyclonedds_cpp names them.</summary>
public static class RosServiceTopics
{
    /// <summary><c>/a/b</c> -&gt; <c>rq/a/bRequest</c>.</summary>
    public static string Request(string fullServiceName) => "rq" + fullServiceName + "Request";

    /// <summary><c>/a/b</c> -&gt; <c>rr/a/bReply</c>.</summary>
    public static string Reply(string fullServiceName) => "rr" + fullServiceName + "Reply";
}

/// <summary>
/// The server side of a ROS service (<see cref="RosParticipant.CreateService{TRequest, TResponse}"/>): a reader of its
/// requests and a writer of its replies, both with the service's <c>serviceid=</c> in their USER_DATA. Requests that
/// are not well-formed CDR of <typeparamref name="TRequest"/> never get here (Cyclone drops them on receipt); what a
/// well-formed one asks is the handler's to check.
/// </summary>
public sealed class RosServiceServer<TRequest, TResponse> : IDisposable
    where TRequest : IRosMessage<TRequest>
    where TResponse : IRosMessage<TResponse>
{
    private readonly RosSubscription<RosServiceEnvelope<TRequest>> requests;
    private readonly RosPublisher<RosServiceEnvelope<TResponse>> replies;
    private RosServiceEnvelope<TRequest> taken;

    internal RosServiceServer(RosParticipant participant, string fullServiceName, string userData)
    {
        ServiceName = fullServiceName;
        RosQos qos = RosQos.Services with { UserData = userData };
        requests = participant.CreateRawSubscription<RosServiceEnvelope<TRequest>>(fullServiceName, RosServiceTopics.Request(fullServiceName), qos);
        try
        {
            replies = participant.CreateRawPublisher<RosServiceEnvelope<TResponse>>(fullServiceName, RosServiceTopics.Reply(fullServiceName), qos);
        }
        catch
        {
            requests.Dispose();
            throw;
        }
    }

    /// <summary>The fully qualified service name, e.g. <c>/swarm_coverage/get_parameters</c>.</summary>
    public string ServiceName { get; }

    /// <summary>The requests' reader, to wait on (<see cref="RosWaitSet"/>).</summary>
    public RosSubscription Requests => requests;

    /// <summary>Takes the next request, if any.</summary>
    public bool TryTake(out RosRequestId id, out TRequest request)
    {
        if (requests.TryTake(ref taken))
        {
            id = taken.Id;
            request = taken.Body;
            return true;
        }

        id = default;
        request = default!;
        return false;
    }

    /// <summary>Answers the request <paramref name="id"/>.</summary>
    public void Reply(RosRequestId id, in TResponse response) => replies.Publish(new RosServiceEnvelope<TResponse> { Id = id, Body = response });

    /// <inheritdoc/>
    public void Dispose()
    {
        replies.Dispose();
        requests.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"service {ServiceName} [{TRequest.MessageType.RosTypeName}]";
}

/// <summary>
/// A ROS service client as rmw_cyclonedds_cpp's: requests carry the instance handle of its request writer and a
/// sequence number; it takes only the replies that carry its handle. For tests and tools; not thread safe.
/// </summary>
public sealed class RosServiceClient<TRequest, TResponse> : IDisposable
    where TRequest : IRosMessage<TRequest>
    where TResponse : IRosMessage<TResponse>
{
    private readonly RosPublisher<RosServiceEnvelope<TRequest>> requests;
    private readonly RosSubscription<RosServiceEnvelope<TResponse>> replies;
    private readonly ulong handle;
    private long sequence;

    internal unsafe RosServiceClient(RosParticipant participant, string fullServiceName, string userData)
    {
        ServiceName = fullServiceName;
        RosQos qos = RosQos.Services with { UserData = userData };
        requests = participant.CreateRawPublisher<RosServiceEnvelope<TRequest>>(fullServiceName, RosServiceTopics.Request(fullServiceName), qos);
        replies = participant.CreateRawSubscription<RosServiceEnvelope<TResponse>>(fullServiceName, RosServiceTopics.Reply(fullServiceName), qos);
        ulong h;
        using (DdsEntityHandle.EntityLease lease = requests.Writer.Lease())
        {
            DdsError.Check(Libddsc.dds_get_instance_handle(lease.Entity, &h), "dds_get_instance_handle", ToString());
        }

        handle = h;
    }

    /// <summary>The fully qualified service name.</summary>
    public string ServiceName { get; }

    /// <summary>Waits until a server's request reader and reply writer are matched; false on timeout.</summary>
    public bool WaitForService(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        long end = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        return requests.WaitForSubscriptions(1, timeout, cancellationToken) &&
               replies.WaitForPublishers(1, TimeSpan.FromMilliseconds(Math.Max(0, end - Environment.TickCount64)), cancellationToken);
    }

    /// <summary>Sends <paramref name="request"/> and waits for its reply; throws <see cref="TimeoutException"/> naming the service.</summary>
    public TResponse Call(in TRequest request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var id = new RosRequestId(handle, ++sequence);
        requests.Publish(new RosServiceEnvelope<TRequest> { Id = id, Body = request });
        long end = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        RosServiceEnvelope<TResponse> reply = default;
        while (true)
        {
            while (replies.TryTake(ref reply))
            {
                if (reply.Id == id)
                {
                    return reply.Body;
                }
            }

            long left = end - Environment.TickCount64;
            if (left <= 0)
            {
                throw new TimeoutException($"no reply from {ServiceName} within {timeout.TotalSeconds:0.###} s");
            }

            replies.WaitForData(TimeSpan.FromMilliseconds(left), cancellationToken);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        replies.Dispose();
        requests.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"client of {ServiceName} [{TRequest.MessageType.RosTypeName}]";
}

/// <summary>
/// Serves a node's services on one thread of their own (never the control loop's): it waits on every service's
/// requests and answers each with its handler. A handler that throws is reported to the error callback and its
/// request gets no reply (the client times out, as with a ROS node whose callback throws); the host keeps serving.
/// Add every service before <see cref="Start"/>.
/// </summary>
public sealed class RosServiceHost : IDisposable
{
    private readonly RosParticipant participant;
    private readonly Action<string, Exception>? onError;
    private readonly List<(RosSubscription Requests, Action Serve, IDisposable Server, string Name)> services = [];
    private readonly CancellationTokenSource stop = new();
    private RosWaitSet? waitSet;
    private Thread? thread;

    /// <summary>A host for services of <paramref name="participant"/>; <paramref name="onError"/> hears of handler failures.</summary>
    public RosServiceHost(RosParticipant participant, Action<string, Exception>? onError = null)
    {
        ArgumentNullException.ThrowIfNull(participant);
        this.participant = participant;
        this.onError = onError;
    }

    /// <summary>The fully qualified names of the services served.</summary>
    public IReadOnlyList<string> Names => [.. services.Select(s => s.Name)];

    /// <summary>Serves <paramref name="serviceName"/> with <paramref name="handler"/>.</summary>
    public RosServiceServer<TRequest, TResponse> Add<TRequest, TResponse>(string serviceName, Func<TRequest, TResponse> handler)
        where TRequest : IRosMessage<TRequest>
        where TResponse : IRosMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (thread is not null)
        {
            throw new InvalidOperationException("add every service before Start");
        }

        RosServiceServer<TRequest, TResponse> server = participant.CreateService<TRequest, TResponse>(serviceName);
        services.Add((server.Requests, () =>
        {
            while (server.TryTake(out RosRequestId id, out TRequest request))
            {
                TResponse response;
                try
                {
                    response = handler(request);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    onError?.Invoke(server.ServiceName, e);
                    continue;
                }

                server.Reply(id, in response);
            }
        }, server, server.ServiceName));
        return server;
    }

    /// <summary>Starts serving.</summary>
    public void Start()
    {
        if (thread is not null)
        {
            return;
        }

        waitSet = new RosWaitSet(participant);
        foreach (var s in services)
        {
            waitSet.Attach(s.Requests);
        }

        thread = new Thread(Run) { IsBackground = true, Name = "ros-services " + participant.NodeName };
        thread.Start();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        stop.Cancel();
        thread?.Join();
        waitSet?.Dispose();
        foreach (var s in services)
        {
            s.Server.Dispose();
        }

        services.Clear();
        stop.Dispose();
    }

    private void Run()
    {
        var ready = new List<RosSubscription>();
        var serveOf = services.ToDictionary(s => s.Requests, s => s.Serve);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (!waitSet!.Wait(TimeSpan.FromSeconds(1), ready, stop.Token))
                {
                    continue;
                }

                foreach (RosSubscription r in ready)
                {
                    serveOf[r]();
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is DdsException or ObjectDisposedException)
            {
                onError?.Invoke("services", e);
                if (stop.IsCancellationRequested)
                {
                    return;
                }

                Thread.Sleep(100);
            }
        }
    }
}
