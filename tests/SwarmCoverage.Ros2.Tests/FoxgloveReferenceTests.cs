using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Messages.RclInterfaces;
using SwarmCoverage.Ros2.Messages.RmwDdsCommon;
using SwarmCoverage.Ros2.Messages.VisualizationMsgs;
using SwarmCoverage.Ros2.Serialization;
using SwarmCoverage.Ros2.Tests.Infrastructure;
using SwarmCoverage.Ros2.TestPeer;

namespace SwarmCoverage.Ros2.Tests;

/// <summary>
/// One run of tests/js/ros2-cdr.mjs over every message type's definition, serialized sample and expected value,
/// plus a non-ASCII case; the results by case name.
/// </summary>
public sealed class FoxgloveReference
{
    /// <summary>Not in <see cref="MessageCases.All"/>: strings with multi-byte UTF-8 (Foxglove's writer is not used on it).</summary>
    internal static readonly MessageCase Unicode = new MessageCase<Log>("log_unicode", () => new Log
    {
        Stamp = new Time(1, 2),
        Level = Log.Info,
        Name = "swarm_coverage/ε",
        Msg = "σ = 0.15 m ✓ — 机器人 🤖",
        File = "Ünïcode.cs",
        Function = "",
        Line = 3,
    });

    public FoxgloveReference()
    {
        var cases = new JsonArray();
        foreach (MessageCase c in AllCases)
        {
            cases.Add(new JsonObject
            {
                ["name"] = c.Name,
                ["definition"] = DefinitionOf(c),
                ["cdr"] = Convert.ToHexString(c.Serialize()),
                ["value"] = CanonicalOf(c.SampleObject),
            });
        }

        string output = NodeJs.Run("ros2-cdr.mjs", new JsonObject { ["cases"] = cases }.ToJsonString(), TimeSpan.FromMinutes(2));
        Results = JsonNode.Parse(output)!["results"]!.AsArray().ToDictionary(r => r!["name"]!.GetValue<string>(), r => r!.AsObject());
    }

    internal static IEnumerable<MessageCase> AllCases => MessageCases.Everything.Append(Unicode);

    /// <summary>
    /// The definition of the case's type; for a service body (no .msg, no <see cref="RosMessageType.Definition"/>), its half
    /// of the .srv file composed with its dependencies as a .msg would be.
    /// </summary>
    internal static string DefinitionOf(MessageCase c)
    {
        if (!MessageCases.IsServiceBody(c))
        {
            return c.Type.Definition;
        }

        // pkg/srv/Name_Request or pkg/srv/Name_Response.
        string[] parts = c.Type.RosTypeName.Split('/');
        int underscore = parts[2].LastIndexOf('_');
        string service = parts[2][..underscore];
        string srv = File.ReadAllText(Path.Combine(Tools.Interfaces, parts[0], "srv", service + ".srv"));
        string[] halves = Regex.Split(srv, @"^---\r?\n", RegexOptions.Multiline);
        Assert.Equal(2, halves.Length);
        string half = parts[2][(underscore + 1)..] == "Request" ? halves[0] : halves[1];
        return MessageDefinitions.Compose($"{parts[0]}/{parts[2]}", (p, t) => p == parts[0] && t == parts[2] ? half : MessageDefinitions.MsgText(p, t));
    }

    // rmw_dds_common members whose C# names do not reduce to the ROS names.
    private static readonly Dictionary<(Type, string), string> Renamed = new()
    {
        [(typeof(NodeEntitiesInfo), nameof(NodeEntitiesInfo.ReaderGids))] = "readergidseq",
        [(typeof(NodeEntitiesInfo), nameof(NodeEntitiesInfo.WriterGids))] = "writergidseq",
        [(typeof(ParticipantEntitiesInfo), nameof(ParticipantEntitiesInfo.Nodes))] = "nodeentitiesinfoseq",
    };

    /// <summary>
    /// <see cref="Canonical.Of"/>, plus the rmw_dds_common types it cannot see into: a <see cref="RosGid"/> (no public
    /// fields) is what Foxglove reads of a Gid, <c>{data: [16 numbers]}</c>; the Gid message is its gid; node and
    /// participant fields go by their ROS names.
    /// </summary>
    internal static JsonNode CanonicalOf(object? value)
    {
        switch (value)
        {
            case RosGid g:
                return new JsonObject { ["data"] = Canonical.Of(g.AsSpan().ToArray()) };
            case Gid m:
                return CanonicalOf(m.Data);
            case RosGid[] or NodeEntitiesInfo[]:
                return new JsonArray([.. ((Array)value).Cast<object>().Select(CanonicalOf)]);
            case NodeEntitiesInfo or ParticipantEntitiesInfo:
                var o = new JsonObject();
                foreach (FieldInfo f in value.GetType().GetFields(BindingFlags.Public | BindingFlags.Instance))
                {
                    object? field = f.GetValue(value);
                    o[Renamed.GetValueOrDefault((value.GetType(), f.Name)) ?? f.Name.ToLowerInvariant()] =
                        field is null && f.FieldType.IsArray ? new JsonArray() : CanonicalOf(field);
                }

                return o;
            default:
                return Canonical.Of(value);
        }
    }

    internal IReadOnlyDictionary<string, JsonObject> Results { get; }

    internal JsonObject For(string name)
    {
        JsonObject r = Results[name];
        Assert.False(r.ContainsKey("error"), $"{name}: {r["error"]}");
        return r;
    }

    /// <summary>The result of one step of the script (decoded, written, bigEndian); fails the test with the step's error.</summary>
    internal JsonNode Step(string name, string step)
    {
        JsonNode r = For(name)[step]!;
        Assert.True(r["error"] is null, $"{name}: Foxglove's {step} step failed: {r["error"]}");
        return r["value"]!;
    }
}

/// <summary>
/// Definitions and bytes against Foxglove's ROS 2 libraries (@foxglove/rosmsg, @foxglove/rosmsg2-serialization,
/// @foxglove/cdr), which Foxglove Studio and its MCAP reader use: the parser accepts every definition we produce
/// and finds our schema in it, the reader decodes our bytes to the sample, and our decoder reads the bytes of
/// Foxglove's writer (little-endian) and of a CDR_BE encoding made with Foxglove's CDR primitives.
/// </summary>
public sealed class FoxgloveReferenceTests(FoxgloveReference foxglove) : IClassFixture<FoxgloveReference>
{
    // rcl_interfaces/ParameterType has constants only: Foxglove's MessageReader and MessageWriter take such a
    // definition for an IDL constant module and refuse it (pinned by the last test below).
    private static readonly string[] ConstantsOnly = ["parameter_type"];

    public static TheoryData<string> CaseNames => [.. MessageCases.Everything.Select(c => c.Name)];

    public static TheoryData<string> CaseNamesAndUnicode => [.. FoxgloveReference.AllCases.Select(c => c.Name)];

    public static TheoryData<string> ReadableCaseNames => [.. FoxgloveReference.AllCases.Select(c => c.Name).Except(ConstantsOnly)];

    public static TheoryData<string> WritableCaseNames => [.. MessageCases.Everything.Select(c => c.Name).Except(ConstantsOnly)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Foxglove_parses_the_definition_into_exactly_our_schema_and_constants(string name)
    {
        MessageCase c = Case(name);
        JsonArray parsed = foxglove.For(name)["parsed"]!.AsArray();
        StructSchema root = c.Type.Schema;

        // Root first, unnamed; then every type it uses, each once, under its pkg/Type name.
        Assert.Null(parsed[0]!["name"]);
        var reachable = Reachable(root).Skip(1).Select(RosName).ToList();
        var sections = parsed.Skip(1).Select(d => d!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(reachable.Order(StringComparer.Ordinal), sections.Order(StringComparer.Ordinal));

        foreach (StructSchema s in Reachable(root))
        {
            JsonArray fields = parsed.Single(d => (d!["name"]?.GetValue<string>() ?? RosName(root)) == RosName(s))!["definitions"]!.AsArray();
            string[] expected = [.. s.Members.Where(m => !IsPlaceholder(s, m)).Select(Describe)];
            string[] actual = [.. fields.Where(f => !f!["isConstant"]!.GetValue<bool>()).Select(f => Describe(f!.AsObject()))];
            Assert.Equal(expected, actual);
        }

        // Every constant of the .msg is a C# constant of the same value.
        var constants = c.SampleObject.GetType().GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral)
            .ToDictionary(f => ConstantName(f), f => Convert.ToString(f.GetRawConstantValue(), CultureInfo.InvariantCulture));
        foreach (JsonNode? f in parsed[0]!["definitions"]!.AsArray().Where(f => f!["isConstant"]!.GetValue<bool>()))
        {
            string constant = f!["name"]!.GetValue<string>();
            Assert.True(constants.TryGetValue(Normalize(constant), out string? value), $"{c.Type.RosTypeName}: no C# constant for {constant}");
            Assert.Equal(f["value"]!.GetValue<string>(), value);
        }
    }

    [Theory]
    [MemberData(nameof(ReadableCaseNames))]
    public void Foxglove_reads_our_bytes_as_the_sample(string name)
    {
        MessageCase c = Cases(name);
        JsonNode decoded = foxglove.Step(name, "decoded");
        AssertSame(FoxgloveReference.CanonicalOf(c.SampleObject), decoded["message"]!);

        // It read everything but the final padding.
        int length = c.Serialize().Length;
        int read = decoded["readBytes"]!.GetValue<int>();
        Assert.InRange(length - read, 0, 3);
    }

    [Theory]
    [MemberData(nameof(WritableCaseNames))]
    public void Our_decoder_reads_foxglove_writers_bytes_as_the_sample_and_our_payload_is_the_same(string name)
    {
        MessageCase c = Case(name);
        byte[] written = Convert.FromHexString(foxglove.Step(name, "written").GetValue<string>());
        CdrDecodeResult result = c.Decode(written, out object? value);
        Assert.True(result.IsSuccess, result.ToString());
        AssertSame(FoxgloveReference.CanonicalOf(c.SampleObject), FoxgloveReference.CanonicalOf(value));

        // Foxglove writes no final padding and options 00 00; the payload is ours byte for byte.
        byte[] ours = c.Serialize();
        Assert.Equal(Convert.ToHexString(written.AsSpan(4)), Convert.ToHexString(ours.AsSpan(4, written.Length - 4)));
        Assert.InRange(ours.Length - written.Length, 0, 3);
    }

    [Theory]
    [MemberData(nameof(CaseNamesAndUnicode))]
    public void Our_decoder_reads_big_endian_cdr_written_with_foxglove_primitives(string name)
    {
        MessageCase c = Cases(name);
        byte[] bigEndian = Convert.FromHexString(foxglove.Step(name, "bigEndian").GetValue<string>());
        Assert.Equal("00000000", Convert.ToHexString(bigEndian.AsSpan(0, 4)));
        CdrDecodeResult result = c.Decode(bigEndian, out object? value);
        Assert.True(result.IsSuccess, result.ToString());
        AssertSame(FoxgloveReference.CanonicalOf(c.SampleObject), FoxgloveReference.CanonicalOf(value));
    }

    [Fact]
    public void Foxglove_refuses_to_read_or_write_a_message_of_constants_only()
    {
        foreach (string name in ConstantsOnly)
        {
            JsonObject r = foxglove.For(name);
            Assert.Contains("no root MessageDefinition", r["decoded"]!["error"]?.GetValue<string>() ?? "(it read it)", StringComparison.Ordinal);
            Assert.Contains("no root MessageDefinition", r["written"]!["error"]?.GetValue<string>() ?? "(it wrote it)", StringComparison.Ordinal);
        }
    }

    private static MessageCase Case(string name) => MessageCases.Everything.Single(c => c.Name == name);

    private static MessageCase Cases(string name) => FoxgloveReference.AllCases.Single(c => c.Name == name);

    private static void AssertSame(JsonNode expected, JsonNode actual)
    {
        if (!JsonNode.DeepEquals(expected, actual))
        {
            var options = new JsonSerializerOptions { WriteIndented = false };
            Assert.Fail($"expected\n{expected.ToJsonString(options)}\nactual\n{actual.ToJsonString(options)}");
        }
    }

    private static string Normalize(string name) => name.Replace("_", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    // C# names of constants that would collide with fields (Marker.POINTS and the points field).
    private static string ConstantName(FieldInfo f) => (f.DeclaringType, f.Name) switch
    {
        (Type t, nameof(Marker.PointsType)) when t == typeof(Marker) => "points",
        (Type t, nameof(Marker.MeshResourceType)) when t == typeof(Marker) => "meshresource",
        _ => Normalize(f.Name),
    };

    // Foxglove leaves out rosidl's placeholder member of an empty message (it is on the wire all the same).
    private static bool IsPlaceholder(StructSchema s, MemberSchema m) => s.Members.Count == 1 && m.RosName == "structure_needs_at_least_one_member";

    private static string RosName(StructSchema s) => s.IdlName.Replace("::msg::", "/", StringComparison.Ordinal);

    // Depth first, each struct type once, builtin time types excluded from nothing (they have sections too).
    private static List<StructSchema> Reachable(StructSchema root)
    {
        var order = new List<StructSchema>();
        void Visit(StructSchema s)
        {
            if (order.Contains(s))
            {
                return;
            }

            order.Add(s);
            foreach (MemberSchema m in s.Members)
            {
                if (m is StructMember st)
                {
                    Visit(st.Type);
                }
                else if (m is StructSequenceMember sq)
                {
                    Visit(sq.Element);
                }
            }
        }

        Visit(root);
        return order;
    }

    private static string Describe(MemberSchema m) => m switch
    {
        PrimitiveMember p => $"{m.RosName} {Primitive(p.Kind)}",
        StringMember => $"{m.RosName} string",
        StructMember { Type.IdlName: "builtin_interfaces::msg::Time" } => $"{m.RosName} time",
        StructMember { Type.IdlName: "builtin_interfaces::msg::Duration" } => $"{m.RosName} duration",
        StructMember s => $"{m.RosName} {RosName(s.Type)} complex",
        ArrayMember a => $"{m.RosName} {Primitive(a.Element)}[{a.Length}]",
        SequenceMember q => $"{m.RosName} {Primitive(q.Element)}[]",
        StructSequenceMember sq => $"{m.RosName} {RosName(sq.Element)}[] complex",
        StringSequenceMember => $"{m.RosName} string[]",
        _ => throw new InvalidOperationException(m.GetType().Name),
    };

    private static string Describe(JsonObject f)
    {
        string array = !f["isArray"]!.GetValue<bool>() ? string.Empty : f["arrayLength"] is JsonNode n ? $"[{n.GetValue<int>()}]" : "[]";
        string complex = f["isComplex"]!.GetValue<bool>() ? " complex" : string.Empty;
        return $"{f["name"]!.GetValue<string>()} {f["type"]!.GetValue<string>()}{array}{complex}";
    }

    private static string Primitive(PrimitiveKind kind) => kind.ToString().ToLowerInvariant() switch
    {
        "float32" => "float32",
        "float64" => "float64",
        string k => k,
    };
}
