using System.Globalization;
using SwarmCoverage.Control.Parameters;
using ParameterType = SwarmCoverage.Control.Parameters.ParameterType;
using SwarmCoverage.Control.Session;
using SwarmCoverage.Nodes.Recording;
using SwarmCoverage.Ros2;
using SwarmCoverage.Ros2.Messages.RclInterfaces;
using SwarmCoverage.Ros2.Messages.StdSrvs;
using RclDescriptor = SwarmCoverage.Ros2.Messages.RclInterfaces.ParameterDescriptor;
using RclType = SwarmCoverage.Ros2.Messages.RclInterfaces.ParameterType;
using RclValue = SwarmCoverage.Ros2.Messages.RclInterfaces.ParameterValue;
using TableDescriptor = SwarmCoverage.Control.Parameters.ParameterDescriptor;

namespace SwarmCoverage.Nodes;

/// <summary>
/// The controller's services on the ROS 2 wire (docs/ros2-wire.md, "Services"): rclcpp's six parameter services over
/// the session's one parameter table, and <c>~/emergency_stop</c> and <c>~/reload_target</c>. Every request goes
/// through the session's own door (<see cref="ControlSession.SetParameters"/>, <see cref="ControlSession.ReloadTarget"/>,
/// <see cref="ControlSession.SetEmergencyStop"/>), as the params file, the Foxglove server and the topics do: a set is
/// validated as the params file is and applied at a tick boundary, and every change is published once on
/// <c>/parameter_events</c> by the session's observer, whatever path it came by. Answered on the services' own thread.
/// </summary>
public sealed class RosParameterServices : IDisposable
{
    private readonly ControlSession _session;
    private readonly RosServiceHost _host;
    private readonly string _node;

    /// <summary>Serves the services of the node <paramref name="participant"/> is, over <paramref name="session"/>.</summary>
    /// <param name="participant">The node's participant (its name and namespace give the services' names).</param>
    /// <param name="session">The session whose table and inputs the services are a view of.</param>
    /// <param name="onError">Hears of a request whose handling failed (it gets no reply).</param>
    public RosParameterServices(RosParticipant participant, ControlSession session, Action<string, Exception>? onError = null)
    {
        ArgumentNullException.ThrowIfNull(participant);
        ArgumentNullException.ThrowIfNull(session);
        _session = session;
        _node = RosNames.ExpandTopicName("~", participant.Namespace, participant.NodeName);
        _host = new RosServiceHost(participant, onError);
        try
        {
            _host.Add<ListParametersRequest, ListParametersResponse>("~/list_parameters", r => new ListParametersResponse { Result = List(r.Prefixes ?? [], r.Depth) });
            _host.Add<GetParametersRequest, GetParametersResponse>("~/get_parameters", r => new GetParametersResponse { Values = Get(r.Names ?? []) });
            _host.Add<GetParameterTypesRequest, GetParameterTypesResponse>("~/get_parameter_types", r => new GetParameterTypesResponse { Types = Types(r.Names ?? []) });
            _host.Add<DescribeParametersRequest, DescribeParametersResponse>("~/describe_parameters", r => new DescribeParametersResponse { Descriptors = Describe(r.Names ?? []) });
            _host.Add<SetParametersRequest, SetParametersResponse>("~/set_parameters", r => new SetParametersResponse { Results = [.. (r.Parameters ?? []).Select(p => Set([p], "set_parameters"))] });
            _host.Add<SetParametersAtomicallyRequest, SetParametersAtomicallyResponse>("~/set_parameters_atomically", r => new SetParametersAtomicallyResponse { Result = Set(r.Parameters ?? [], "set_parameters_atomically") });
            _host.Add<SetBoolRequest, SetBoolResponse>("~/emergency_stop", r => EmergencyStop(r.Data));
            _host.Add<TriggerRequest, TriggerResponse>("~/reload_target", _ => ReloadTarget());
            _host.Start();
        }
        catch
        {
            _host.Dispose();
            throw;
        }
    }

    /// <summary>The services a controller serves, as it names them (what its SROS2 permissions allow).</summary>
    public static IReadOnlyList<string> Served { get; } =
    [
        "~/list_parameters", "~/get_parameters", "~/get_parameter_types", "~/describe_parameters", "~/set_parameters",
        "~/set_parameters_atomically", "~/emergency_stop", "~/reload_target",
    ];

    /// <summary>The services served, fully qualified.</summary>
    public IReadOnlyList<string> Names => _host.Names;

    /// <inheritdoc/>
    public void Dispose() => _host.Dispose();

    /// <summary>The declared parameters: those of the table with a value (as rclcpp lists only declared ones).</summary>
    private IEnumerable<TableDescriptor> Declared() => _session.Table.All.Where(d => _session.Value(d.Name) is not null);

    /// <summary>rclcpp's <c>list_parameters</c>: by prefix (a whole dotted token) and depth (0: any).</summary>
    internal ListParametersResult List(IReadOnlyList<string> prefixes, ulong depth)
    {
        static ulong Dots(ReadOnlySpan<char> s) => (ulong)s.Count('.');
        var names = new List<string>();
        var found = new List<string>();
        foreach (var d in Declared())
        {
            string n = d.Name;
            bool all = prefixes.Count == 0 && (depth == ListParametersRequest.DepthRecursive || Dots(n) < depth);
            bool matches = prefixes.Any(p => n == p || (n.StartsWith(p + ".", StringComparison.Ordinal) && (depth == ListParametersRequest.DepthRecursive || Dots(n.AsSpan(p.Length)) < depth)));
            if (!all && !matches) continue;
            names.Add(n);
            int last = n.LastIndexOf('.');
            if (last >= 0 && !found.Contains(n[..last])) found.Add(n[..last]);
        }

        return new ListParametersResult { Names = [.. names], Prefixes = [.. found] };
    }

    /// <summary>rclcpp's <c>get_parameters</c>: the values in order; nothing when a name is not declared (rclcpp's answer).</summary>
    internal RclValue[] Get(IReadOnlyList<string> names)
    {
        var values = new RclValue[names.Count];
        for (int i = 0; i < names.Count; i++)
        {
            if (_session.Table.Find(names[i]) is null || _session.Value(names[i]) is not { } v) return [];
            values[i] = RosParameterValues.ToRos(v);
        }

        return values;
    }

    /// <summary>rclcpp's <c>get_parameter_types</c>; nothing when a name is not declared.</summary>
    internal byte[] Types(IReadOnlyList<string> names)
    {
        var types = new byte[names.Count];
        for (int i = 0; i < names.Count; i++)
        {
            if (_session.Table.Find(names[i]) is not { } d || _session.Value(names[i]) is null) return [];
            types[i] = RosType(d.Type);
        }

        return types;
    }

    /// <summary>rclcpp's <c>describe_parameters</c>; nothing when a name is not declared.</summary>
    internal RclDescriptor[] Describe(IReadOnlyList<string> names)
    {
        var result = new RclDescriptor[names.Count];
        for (int i = 0; i < names.Count; i++)
        {
            if (_session.Table.Find(names[i]) is not { } d || _session.Value(names[i]) is null) return [];
            result[i] = Descriptor(d, _session.ReadOnlyReason(d.Name) is not null);
        }

        return result;
    }

    /// <summary>
    /// A table entry as a ROS descriptor: the description with its unit, the range as <c>floating_point_range</c> or
    /// <c>integer_range</c> (step 0: any value) when both ends are finite, and what a range cannot say (an open end,
    /// the allowed strings) in <c>additional_constraints</c>.
    /// </summary>
    internal static RclDescriptor Descriptor(TableDescriptor d, bool readOnly)
    {
        var r = new RclDescriptor
        {
            Name = d.Name,
            Type = RosType(d.Type),
            Description = d.Unit.Length > 0 ? $"{d.Description} [{d.Unit}]" : d.Description,
            AdditionalConstraints = d.RangeText,
            ReadOnly = readOnly,
            FloatingPointRange = [],
            IntegerRange = [],
        };
        if (d.Type == ParameterType.Double && double.IsFinite(d.Minimum) && double.IsFinite(d.Maximum))
            r.FloatingPointRange = [new FloatingPointRange { FromValue = d.Minimum, ToValue = d.Maximum, Step = 0 }];
        else if (d.Type == ParameterType.Integer && (d.IntegerMinimum != int.MinValue || d.IntegerMaximum != int.MaxValue))
            r.IntegerRange = [new IntegerRange { FromValue = d.IntegerMinimum, ToValue = d.IntegerMaximum, Step = 0 }];
        return r;
    }

    internal static byte RosType(ParameterType t) => t switch
    {
        ParameterType.Bool => RclType.ParameterBool,
        ParameterType.Integer => RclType.ParameterInteger,
        ParameterType.Double => RclType.ParameterDouble,
        ParameterType.String => RclType.ParameterString,
        ParameterType.DoubleArray => RclType.ParameterDoubleArray,
        ParameterType.StringArray => RclType.ParameterStringArray,
        _ => RclType.ParameterNotSet,
    };

    /// <summary>One set through the session's door, all or none; the result names each refused parameter and why.</summary>
    internal SetParametersResult Set(IReadOnlyList<Parameter> parameters, string service)
    {
        string origin = $"service {_node}/{service}";
        var changes = new List<(string Name, Control.Parameters.ParameterValue Value)>(parameters.Count);
        var reasons = new List<string>();
        foreach (var p in parameters)
        {
            string name = p.Name ?? "";
            if (p.Value.Type == RclType.ParameterNotSet)
            {
                reasons.Add($"parameter '{name}' cannot be undeclared");
                continue;
            }

            if (RosParameterValues.FromRos(p.Value, out string? why) is { } v) changes.Add((name, v));
            else reasons.Add($"parameter '{name}': {why}");
        }

        if (reasons.Count == 0 && changes.Count > 0)
        {
            var result = _session.SetParameters(changes, origin);
            if (result.Accepted) return new SetParametersResult { Successful = true, Reason = "" };
            reasons.AddRange(result.Refusals.Select(r => r.Reason));
        }
        else if (reasons.Count == 0)
        {
            return new SetParametersResult { Successful = true, Reason = "" };
        }

        return new SetParametersResult { Successful = false, Reason = string.Join("; ", reasons) };
    }

    private SetBoolResponse EmergencyStop(bool stop)
    {
        _session.SetEmergencyStop(stop, $"service {_node}/emergency_stop");
        return new SetBoolResponse
        {
            Success = true,
            Message = stop ? "emergency stop set: every robot is commanded zero from the next tick" : "emergency stop released",
        };
    }

    private TriggerResponse ReloadTarget()
    {
        var result = _session.ReloadTarget($"service {_node}/reload_target");
        return result.Accepted
            ? new TriggerResponse { Success = true, Message = string.Create(CultureInfo.InvariantCulture, $"target re-read; in force from the next tick boundary") }
            : new TriggerResponse { Success = false, Message = string.Join("; ", result.Refusals.Select(r => r.Reason)) };
    }
}
