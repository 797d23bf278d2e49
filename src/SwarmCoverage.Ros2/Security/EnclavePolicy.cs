using System.Xml;
using System.Xml.Linq;

namespace SwarmCoverage.Ros2.Security;

/// <summary>
/// What the nodes of one enclave may do on the wire: the topics they publish and subscribe to and the services they
/// serve and call, by ROS name. <see cref="RosKeystore.CreatePermissions"/> turns it into a permissions document
/// that allows exactly these DDS topics and denies everything else (docs/security.md, "Permissions").
/// </summary>
public sealed record EnclavePolicy
{
    /// <summary>The nodes (profiles) of the enclave; their permissions are united in one grant, as sros2 does.</summary>
    public required IReadOnlyList<NodePolicy> Nodes { get; init; }

    /// <summary>
    /// Also allow <c>ros_discovery_info</c> (publish and subscribe), the graph topic of rmw_cyclonedds_cpp and
    /// rmw_fastrtps_cpp; sros2 adds it for those middlewares. Needed by a ROS 2 node using the enclave; this project's
    /// participants do not use it.
    /// </summary>
    public bool AllowRosDiscoveryInfo { get; init; } = true;

    /// <summary>
    /// sros2's default for a new enclave (<c>policy.xml</c> of sros2's defaults): every topic, service and action
    /// (<c>/*</c>), plus <c>ros_discovery_info</c>. Not least privilege; replace it with <see cref="RosKeystore.CreatePermissions"/>.
    /// </summary>
    public static EnclavePolicy AllowAll { get; } = new()
    {
        Nodes = [new NodePolicy { Namespace = "/", Node = "default", Publish = ["/*"], Subscribe = ["/*"], ServicesServed = ["/*"], ServicesCalled = ["/*"], ActionsServed = ["/*"], ActionsCalled = ["/*"] }],
    };

    /// <summary>
    /// Reads the enclave <paramref name="enclave"/> of an sros2 policy file (the <c>policy.xml</c> format of
    /// <c>ros2 security create_permission</c>, version 0.2.0): <c>topics publish/subscribe</c>, <c>services
    /// reply/request</c> and <c>actions execute/call</c> with <c>ALLOW</c>. Throws <see cref="RosSecurityException"/>
    /// naming the file for anything else (DENY rules are not supported: what is not allowed is denied).
    /// </summary>
    public static EnclavePolicy LoadSros2Policy(string path, string enclave)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(enclave);
        XDocument doc = SecurityXml.Parse(Certificates.ReadText(path), path);
        XElement root = doc.Root!;
        if (root.Name.LocalName != "policy")
        {
            throw new RosSecurityException(path, $"root element <{root.Name.LocalName}>, expected <policy>");
        }

        XElement? enclaveElement = root.Elements("enclaves").Elements("enclave").FirstOrDefault(e => (string?)e.Attribute("path") == enclave)
            ?? throw new RosSecurityException(path, $"no <enclave path=\"{enclave}\"> (found: {string.Join(", ", root.Elements("enclaves").Elements("enclave").Select(e => (string?)e.Attribute("path")))})");
        var nodes = new List<NodePolicy>();
        foreach (XElement profile in enclaveElement.Elements("profiles").Elements("profile"))
        {
            string ns = (string?)profile.Attribute("ns") ?? "/";
            string node = (string?)profile.Attribute("node") ?? throw new RosSecurityException(path, "a <profile> without node=\"...\"");
            var lists = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (XElement group in profile.Elements())
            {
                (string item, string[] modes) = group.Name.LocalName switch
                {
                    "topics" => ("topic", new[] { "publish", "subscribe" }),
                    "services" => ("service", new[] { "reply", "request" }),
                    "actions" => ("action", new[] { "execute", "call" }),
                    _ => throw new RosSecurityException(path, $"profile {ns} {node}: unknown element <{group.Name.LocalName}> (expected topics, services, actions)"),
                };
                foreach (XAttribute a in group.Attributes())
                {
                    string mode = a.Name.LocalName;
                    if (!modes.Contains(mode))
                    {
                        throw new RosSecurityException(path, $"profile {ns} {node}: <{group.Name.LocalName} {mode}=...> is not one of {string.Join(", ", modes)}");
                    }

                    if (a.Value != "ALLOW")
                    {
                        throw new RosSecurityException(path, $"profile {ns} {node}: <{group.Name.LocalName} {mode}=\"{a.Value}\">: only ALLOW is supported (everything not allowed is denied)");
                    }

                    if (!lists.TryGetValue(mode, out List<string>? list))
                    {
                        lists[mode] = list = [];
                    }

                    list.AddRange(group.Elements(item).Select(e => e.Value.Trim()));
                }
            }

            IReadOnlyList<string> Get(string mode) => lists.TryGetValue(mode, out List<string>? l) ? l : [];
            nodes.Add(new NodePolicy
            {
                Namespace = ns,
                Node = node,
                Publish = Get("publish"),
                Subscribe = Get("subscribe"),
                ServicesServed = Get("reply"),
                ServicesCalled = Get("request"),
                ActionsServed = Get("execute"),
                ActionsCalled = Get("call"),
            });
        }

        if (nodes.Count == 0)
        {
            throw new RosSecurityException(path, $"enclave {enclave} has no <profiles><profile>");
        }

        return new EnclavePolicy { Nodes = nodes };
    }

    /// <summary>
    /// The DDS topic names this policy allows, as sros2's permissions template writes them: topics <c>rt</c> + name;
    /// a served service publishes <c>rr</c> + name + <c>Reply</c> and subscribes to <c>rq</c> + name + <c>Request</c>, a
    /// called one the reverse; actions as their three services and two topics. Sorted, without duplicates.
    /// </summary>
    public (IReadOnlyList<string> Publish, IReadOnlyList<string> Subscribe) ToDdsTopics()
    {
        var publish = new SortedSet<string>(StringComparer.Ordinal);
        var subscribe = new SortedSet<string>(StringComparer.Ordinal);
        foreach (NodePolicy n in Nodes)
        {
            foreach (string t in n.Publish)
            {
                publish.Add("rt" + n.Expand(t));
            }

            foreach (string t in n.Subscribe)
            {
                subscribe.Add("rt" + n.Expand(t));
            }

            foreach (string s in n.ServicesServed)
            {
                publish.Add("rr" + n.Expand(s) + "Reply");
                subscribe.Add("rq" + n.Expand(s) + "Request");
            }

            foreach (string s in n.ServicesCalled)
            {
                publish.Add("rq" + n.Expand(s) + "Request");
                subscribe.Add("rr" + n.Expand(s) + "Reply");
            }

            foreach (string a in n.ActionsServed)
            {
                string f = n.Expand(a);
                foreach (string g in ActionServices)
                {
                    publish.Add($"rr{f}/_action/{g}Reply");
                    subscribe.Add($"rq{f}/_action/{g}Request");
                }

                publish.Add($"rt{f}/_action/feedback");
                publish.Add($"rt{f}/_action/status");
            }

            foreach (string a in n.ActionsCalled)
            {
                string f = n.Expand(a);
                foreach (string g in ActionServices)
                {
                    publish.Add($"rq{f}/_action/{g}Request");
                    subscribe.Add($"rr{f}/_action/{g}Reply");
                }

                subscribe.Add($"rt{f}/_action/feedback");
                subscribe.Add($"rt{f}/_action/status");
            }
        }

        return ([.. publish], [.. subscribe]);
    }

    private static readonly string[] ActionServices = ["cancel_goal", "get_result", "send_goal"];
}

/// <summary>One node (an sros2 policy profile): its namespace and name resolve relative and <c>~</c> names.</summary>
public sealed record NodePolicy
{
    /// <summary>The node namespace, e.g. <c>/</c> or <c>/swarm</c>.</summary>
    public string Namespace { get; init; } = "/";

    /// <summary>The node name (for <c>~</c>).</summary>
    public required string Node { get; init; }

    /// <summary>Topics the node publishes (absolute, relative or <c>~/...</c>; DDS wildcards <c>*</c> and <c>?</c> allowed).</summary>
    public IReadOnlyList<string> Publish { get; init; } = [];

    /// <summary>Topics the node subscribes to.</summary>
    public IReadOnlyList<string> Subscribe { get; init; } = [];

    /// <summary>Services the node serves (sros2: <c>reply</c>).</summary>
    public IReadOnlyList<string> ServicesServed { get; init; } = [];

    /// <summary>Services the node calls (sros2: <c>request</c>).</summary>
    public IReadOnlyList<string> ServicesCalled { get; init; } = [];

    /// <summary>Actions the node serves (sros2: <c>execute</c>).</summary>
    public IReadOnlyList<string> ActionsServed { get; init; } = [];

    /// <summary>Actions the node calls (sros2: <c>call</c>).</summary>
    public IReadOnlyList<string> ActionsCalled { get; init; } = [];

    /// <summary>
    /// The fully qualified name as sros2's template forms it (absolute as is; <c>~x</c>: namespace + node + x;
    /// otherwise namespace + '/' + name). Names without wildcards are checked by ROS's rules.
    /// </summary>
    internal string Expand(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        bool wildcard = name.AsSpan().IndexOfAny("*?[]") >= 0;
        if (!wildcard)
        {
            return RosNames.ExpandTopicName(name, Namespace, Node);
        }

        string ns = Namespace.EndsWith('/') ? Namespace : Namespace + "/";
        return name[0] switch
        {
            '/' => name,
            '~' => ns + Node + name[1..],
            _ => ns + name,
        };
    }
}

/// <summary>XML reading without DTDs or external entities.</summary>
internal static class SecurityXml
{
    public static XDocument Parse(string text, string fileName)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        try
        {
            using var reader = XmlReader.Create(new StringReader(text), settings);
            return XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new RosSecurityException(fileName, $"not well-formed XML: {e.Message}");
        }
    }
}
