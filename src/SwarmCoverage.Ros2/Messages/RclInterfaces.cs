using System.Runtime.InteropServices;
using SwarmCoverage.Ros2.Interop;
using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Serialization;

namespace SwarmCoverage.Ros2.Messages.RclInterfaces;

/// <summary>
/// <c>rcl_interfaces/msg/Log</c>: one log record as every ROS 2 node publishes it on <c>/rosout</c>.
/// </summary>
public struct Log : IRosMessage<Log>
{
    /// <summary><c>DEBUG</c> level.</summary>
    public const byte Debug = 10;

    /// <summary><c>INFO</c> level.</summary>
    public const byte Info = 20;

    /// <summary><c>WARN</c> level.</summary>
    public const byte Warn = 30;

    /// <summary><c>ERROR</c> level.</summary>
    public const byte Error = 40;

    /// <summary><c>FATAL</c> level.</summary>
    public const byte Fatal = 50;

    /// <summary>When the record was made.</summary>
    public Time Stamp;

    /// <summary>One of <see cref="Debug"/> .. <see cref="Fatal"/>.</summary>
    public byte Level;

    /// <summary>Logger name (usually the node's); null is sent as empty.</summary>
    public string? Name;

    /// <summary>The message; null is sent as empty.</summary>
    public string? Msg;

    /// <summary>Source file; null is sent as empty.</summary>
    public string? File;

    /// <summary>Function; null is sent as empty.</summary>
    public string? Function;

    /// <summary>Line in <see cref="File"/>.</summary>
    public uint Line;

    /// <inheritdoc/>
    public static RosMessageType<Log> MessageType { get; } = new LogType();

    private sealed class LogType() : MarshalledMessageType<Log, LogNative>("rcl_interfaces/msg/Log", MessageSchemas.Log)
    {
        protected override unsafe void Write(in Log value, LogNative* sample, NativeArena arena)
        {
            sample->stamp = value.Stamp;
            sample->level = value.Level;
            sample->name = arena.Utf8(value.Name);
            sample->msg = arena.Utf8(value.Msg);
            sample->file = arena.Utf8(value.File);
            sample->function = arena.Utf8(value.Function);
            sample->line = value.Line;
        }

        protected override unsafe void Read(LogNative* sample, ref Log value, Utf8StringCache strings)
        {
            value.Stamp = sample->stamp;
            value.Level = sample->level;
            value.Name = strings.Get(sample->name);
            value.Msg = strings.Get(sample->msg);
            value.File = strings.Get(sample->file);
            value.Function = strings.Get(sample->function);
            value.Line = sample->line;
        }
    }
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LogNative
{
    public Time stamp;
    public byte level;
    public byte* name;
    public byte* msg;
    public byte* file;
    public byte* function;
    public uint line;
}

/// <summary>
/// <c>rcl_interfaces/msg/ParameterType</c>: the constants of <see cref="ParameterValue.Type"/>. As a message it holds no
/// data (on the wire one placeholder byte, as rosidl generates it).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct ParameterType : IRosMessage<ParameterType>
{
    /// <summary><c>PARAMETER_NOT_SET</c>: no value (an unset or undeclared parameter).</summary>
    public const byte ParameterNotSet = 0;

    /// <summary><c>PARAMETER_BOOL</c>: <see cref="ParameterValue.BoolValue"/>.</summary>
    public const byte ParameterBool = 1;

    /// <summary><c>PARAMETER_INTEGER</c>: <see cref="ParameterValue.IntegerValue"/>.</summary>
    public const byte ParameterInteger = 2;

    /// <summary><c>PARAMETER_DOUBLE</c>: <see cref="ParameterValue.DoubleValue"/>.</summary>
    public const byte ParameterDouble = 3;

    /// <summary><c>PARAMETER_STRING</c>: <see cref="ParameterValue.StringValue"/>.</summary>
    public const byte ParameterString = 4;

    /// <summary><c>PARAMETER_BYTE_ARRAY</c>: <see cref="ParameterValue.ByteArrayValue"/>.</summary>
    public const byte ParameterByteArray = 5;

    /// <summary><c>PARAMETER_BOOL_ARRAY</c>: <see cref="ParameterValue.BoolArrayValue"/>.</summary>
    public const byte ParameterBoolArray = 6;

    /// <summary><c>PARAMETER_INTEGER_ARRAY</c>: <see cref="ParameterValue.IntegerArrayValue"/>.</summary>
    public const byte ParameterIntegerArray = 7;

    /// <summary><c>PARAMETER_DOUBLE_ARRAY</c>: <see cref="ParameterValue.DoubleArrayValue"/>.</summary>
    public const byte ParameterDoubleArray = 8;

    /// <summary><c>PARAMETER_STRING_ARRAY</c>: <see cref="ParameterValue.StringArrayValue"/>.</summary>
    public const byte ParameterStringArray = 9;

    // rosidl's structure_needs_at_least_one_member; always 0.
    private readonly byte structureNeedsAtLeastOneMember;

    /// <inheritdoc/>
    public static RosMessageType<ParameterType> MessageType { get; } = new BlittableMessageType<ParameterType>("rcl_interfaces/msg/ParameterType", MessageSchemas.ParameterType);
}

/// <summary>
/// <c>rcl_interfaces/msg/ParameterValue</c>: a parameter value of one of the <see cref="ParameterType"/> kinds; only the
/// field that <see cref="Type"/> names is meaningful.
/// </summary>
public struct ParameterValue : IRosMessage<ParameterValue>
{
    /// <summary>One of the <see cref="ParameterType"/> constants.</summary>
    public byte Type;

    /// <summary>The value of a <see cref="ParameterType.ParameterBool"/>.</summary>
    public bool BoolValue;

    /// <summary>The value of a <see cref="ParameterType.ParameterInteger"/>.</summary>
    public long IntegerValue;

    /// <summary>The value of a <see cref="ParameterType.ParameterDouble"/>.</summary>
    public double DoubleValue;

    /// <summary>The value of a <see cref="ParameterType.ParameterString"/>; null is sent as empty.</summary>
    public string? StringValue;

    /// <summary>The value of a <see cref="ParameterType.ParameterByteArray"/>; null is sent as empty.</summary>
    public byte[]? ByteArrayValue;

    /// <summary>The value of a <see cref="ParameterType.ParameterBoolArray"/>; null is sent as empty.</summary>
    public bool[]? BoolArrayValue;

    /// <summary>The value of a <see cref="ParameterType.ParameterIntegerArray"/>; null is sent as empty.</summary>
    public long[]? IntegerArrayValue;

    /// <summary>The value of a <see cref="ParameterType.ParameterDoubleArray"/>; null is sent as empty.</summary>
    public double[]? DoubleArrayValue;

    /// <summary>The value of a <see cref="ParameterType.ParameterStringArray"/>; null (and null elements) are sent as empty.</summary>
    public string[]? StringArrayValue;

    /// <inheritdoc/>
    public static RosMessageType<ParameterValue> MessageType { get; } = new ParameterValueType();

    private sealed class ParameterValueType() : MarshalledMessageType<ParameterValue, ParameterValueNative>("rcl_interfaces/msg/ParameterValue", MessageSchemas.ParameterValue)
    {
        protected override unsafe void Write(in ParameterValue value, ParameterValueNative* sample, NativeArena arena) => ParameterValueNative.Write(in value, sample, arena);

        protected override unsafe void Read(ParameterValueNative* sample, ref ParameterValue value, Utf8StringCache strings) => ParameterValueNative.Read(sample, ref value, strings);
    }
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ParameterValueNative
{
    public byte type;
    public byte bool_value;
    public long integer_value;
    public double double_value;
    public byte* string_value;
    public DdsSequence byte_array_value;
    public DdsSequence bool_array_value;
    public DdsSequence integer_array_value;
    public DdsSequence double_array_value;
    public DdsSequence string_array_value;

    public static void Write(in ParameterValue value, ParameterValueNative* sample, NativeArena arena)
    {
        sample->type = value.Type;
        sample->bool_value = value.BoolValue ? (byte)1 : (byte)0;
        sample->integer_value = value.IntegerValue;
        sample->double_value = value.DoubleValue;
        sample->string_value = arena.Utf8(value.StringValue);
        sample->byte_array_value = arena.Sequence<byte>(value.ByteArrayValue);
        sample->bool_array_value = arena.Sequence<bool>(value.BoolArrayValue);
        sample->integer_array_value = arena.Sequence<long>(value.IntegerArrayValue);
        sample->double_array_value = arena.Sequence<double>(value.DoubleArrayValue);
        sample->string_array_value = arena.Strings(value.StringArrayValue);
    }

    public static void Read(ParameterValueNative* sample, ref ParameterValue value, Utf8StringCache strings)
    {
        value.Type = sample->type;
        value.BoolValue = sample->bool_value != 0;
        value.IntegerValue = sample->integer_value;
        value.DoubleValue = sample->double_value;
        value.StringValue = strings.Get(sample->string_value);
        value.ByteArrayValue = NativeCopy.ToArray(sample->byte_array_value, value.ByteArrayValue);
        value.BoolArrayValue = NativeCopy.ToArray(sample->bool_array_value, value.BoolArrayValue);
        value.IntegerArrayValue = NativeCopy.ToArray(sample->integer_array_value, value.IntegerArrayValue);
        value.DoubleArrayValue = NativeCopy.ToArray(sample->double_array_value, value.DoubleArrayValue);
        value.StringArrayValue = NativeCopy.ToStrings(sample->string_array_value, value.StringArrayValue, strings);
    }
}

/// <summary><c>rcl_interfaces/msg/Parameter</c>: <c>string name</c>, <c>ParameterValue value</c>.</summary>
public struct Parameter : IRosMessage<Parameter>
{
    /// <summary>Full name of the parameter; null is sent as empty.</summary>
    public string? Name;

    /// <summary>Its value.</summary>
    public ParameterValue Value;

    /// <summary>Creates a parameter.</summary>
    public Parameter(string? name, ParameterValue value)
    {
        Name = name;
        Value = value;
    }

    /// <inheritdoc/>
    public static RosMessageType<Parameter> MessageType { get; } = new ParameterMessageType();

    private sealed class ParameterMessageType() : MarshalledMessageType<Parameter, ParameterNative>("rcl_interfaces/msg/Parameter", MessageSchemas.Parameter)
    {
        protected override unsafe void Write(in Parameter value, ParameterNative* sample, NativeArena arena)
        {
            sample->name = arena.Utf8(value.Name);
            ParameterValueNative.Write(in value.Value, &sample->value, arena);
        }

        protected override unsafe void Read(ParameterNative* sample, ref Parameter value, Utf8StringCache strings)
        {
            value.Name = strings.Get(sample->name);
            ParameterValueNative.Read(&sample->value, ref value.Value, strings);
        }
    }
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ParameterNative
{
    public byte* name;
    public ParameterValueNative value;
}

/// <summary>
/// <c>rcl_interfaces/msg/ParameterEvent</c>: what a node publishes on <c>/parameter_events</c> when its parameters
/// change; a parameter is in at most one of the three lists.
/// </summary>
public struct ParameterEvent : IRosMessage<ParameterEvent>
{
    /// <summary>When the change happened.</summary>
    public Time Stamp;

    /// <summary>Fully qualified name of the node; null is sent as empty.</summary>
    public string? Node;

    /// <summary>Parameters declared by this event; null is sent as empty.</summary>
    public Parameter[]? NewParameters;

    /// <summary>Parameters changed by this event; null is sent as empty.</summary>
    public Parameter[]? ChangedParameters;

    /// <summary>Parameters undeclared by this event; null is sent as empty.</summary>
    public Parameter[]? DeletedParameters;

    /// <inheritdoc/>
    public static RosMessageType<ParameterEvent> MessageType { get; } = new ParameterEventType();

    private sealed class ParameterEventType() : MarshalledMessageType<ParameterEvent, ParameterEventNative>("rcl_interfaces/msg/ParameterEvent", MessageSchemas.ParameterEvent)
    {
        protected override unsafe void Write(in ParameterEvent value, ParameterEventNative* sample, NativeArena arena)
        {
            sample->stamp = value.Stamp;
            sample->node = arena.Utf8(value.Node);
            sample->new_parameters = arena.Messages<Parameter>(value.NewParameters, Parameter.MessageType);
            sample->changed_parameters = arena.Messages<Parameter>(value.ChangedParameters, Parameter.MessageType);
            sample->deleted_parameters = arena.Messages<Parameter>(value.DeletedParameters, Parameter.MessageType);
        }

        protected override unsafe void Read(ParameterEventNative* sample, ref ParameterEvent value, Utf8StringCache strings)
        {
            value.Stamp = sample->stamp;
            value.Node = strings.Get(sample->node);
            value.NewParameters = NativeCopy.ToMessages(sample->new_parameters, value.NewParameters, Parameter.MessageType, strings);
            value.ChangedParameters = NativeCopy.ToMessages(sample->changed_parameters, value.ChangedParameters, Parameter.MessageType, strings);
            value.DeletedParameters = NativeCopy.ToMessages(sample->deleted_parameters, value.DeletedParameters, Parameter.MessageType, strings);
        }
    }
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ParameterEventNative
{
    public Time stamp;
    public byte* node;
    public DdsSequence new_parameters;
    public DdsSequence changed_parameters;
    public DdsSequence deleted_parameters;
}

/// <summary>
/// <c>rcl_interfaces/msg/FloatingPointRange</c>: the valid values of a double parameter, <see cref="FromValue"/> to
/// <see cref="ToValue"/> inclusive in steps of <see cref="Step"/> (0: continuous).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct FloatingPointRange : IRosMessage<FloatingPointRange>
{
    /// <summary>Start of the range, inclusive.</summary>
    public double FromValue;

    /// <summary>End of the range, inclusive.</summary>
    public double ToValue;

    /// <summary>Size of the valid steps (a magnitude; 0 for a continuous range).</summary>
    public double Step;

    /// <summary>Creates a range.</summary>
    public FloatingPointRange(double fromValue, double toValue, double step)
    {
        FromValue = fromValue;
        ToValue = toValue;
        Step = step;
    }

    /// <inheritdoc/>
    public static RosMessageType<FloatingPointRange> MessageType { get; } =
        new BlittableMessageType<FloatingPointRange>("rcl_interfaces/msg/FloatingPointRange", MessageSchemas.FloatingPointRange);
}

/// <summary>
/// <c>rcl_interfaces/msg/IntegerRange</c>: the valid values of an integer parameter, <see cref="FromValue"/> to
/// <see cref="ToValue"/> inclusive in steps of <see cref="Step"/> (0: continuous).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct IntegerRange : IRosMessage<IntegerRange>
{
    /// <summary>Start of the range, inclusive.</summary>
    public long FromValue;

    /// <summary>End of the range, inclusive.</summary>
    public long ToValue;

    /// <summary>Size of the valid steps (0 for a continuous range).</summary>
    public ulong Step;

    /// <summary>Creates a range.</summary>
    public IntegerRange(long fromValue, long toValue, ulong step)
    {
        FromValue = fromValue;
        ToValue = toValue;
        Step = step;
    }

    /// <inheritdoc/>
    public static RosMessageType<IntegerRange> MessageType { get; } =
        new BlittableMessageType<IntegerRange>("rcl_interfaces/msg/IntegerRange", MessageSchemas.IntegerRange);
}

/// <summary>
/// <c>rcl_interfaces/msg/ParameterDescriptor</c>: what <c>ros2 param describe</c> shows of a parameter. The two ranges
/// are bounded sequences (<c>[&lt;=1]</c>) upstream: on the wire like unbounded ones; writing more than one element throws.
/// </summary>
public struct ParameterDescriptor : IRosMessage<ParameterDescriptor>
{
    /// <summary>Name of the parameter; null is sent as empty.</summary>
    public string? Name;

    /// <summary>One of the <see cref="ParameterType"/> constants.</summary>
    public byte Type;

    /// <summary>Description, for introspection tools; null is sent as empty.</summary>
    public string? Description;

    /// <summary>Constraints the ranges cannot express, in plain English; null is sent as empty.</summary>
    public string? AdditionalConstraints;

    /// <summary>True when the value cannot change after it has been initialized.</summary>
    public bool ReadOnly;

    /// <summary>True when the parameter may change type.</summary>
    public bool DynamicTyping;

    /// <summary>At most one range of a double parameter; null is sent as empty.</summary>
    public FloatingPointRange[]? FloatingPointRange;

    /// <summary>At most one range of an integer parameter; null is sent as empty.</summary>
    public IntegerRange[]? IntegerRange;

    /// <inheritdoc/>
    public static RosMessageType<ParameterDescriptor> MessageType { get; } = new ParameterDescriptorType();

    private sealed class ParameterDescriptorType() : MarshalledMessageType<ParameterDescriptor, ParameterDescriptorNative>("rcl_interfaces/msg/ParameterDescriptor", MessageSchemas.ParameterDescriptor)
    {
        protected override unsafe void Write(in ParameterDescriptor value, ParameterDescriptorNative* sample, NativeArena arena)
        {
            if (value.FloatingPointRange is { Length: > 1 } || value.IntegerRange is { Length: > 1 })
            {
                throw new ArgumentException(
                    $"rcl_interfaces/msg/ParameterDescriptor '{value.Name}': floating_point_range and integer_range hold at most one element " +
                    $"(got {value.FloatingPointRange?.Length ?? 0} and {value.IntegerRange?.Length ?? 0})",
                    nameof(value));
            }

            sample->name = arena.Utf8(value.Name);
            sample->type = value.Type;
            sample->description = arena.Utf8(value.Description);
            sample->additional_constraints = arena.Utf8(value.AdditionalConstraints);
            sample->read_only = value.ReadOnly ? (byte)1 : (byte)0;
            sample->dynamic_typing = value.DynamicTyping ? (byte)1 : (byte)0;
            sample->floating_point_range = arena.Sequence<FloatingPointRange>(value.FloatingPointRange);
            sample->integer_range = arena.Sequence<IntegerRange>(value.IntegerRange);
        }

        protected override unsafe void Read(ParameterDescriptorNative* sample, ref ParameterDescriptor value, Utf8StringCache strings)
        {
            value.Name = strings.Get(sample->name);
            value.Type = sample->type;
            value.Description = strings.Get(sample->description);
            value.AdditionalConstraints = strings.Get(sample->additional_constraints);
            value.ReadOnly = sample->read_only != 0;
            value.DynamicTyping = sample->dynamic_typing != 0;
            value.FloatingPointRange = NativeCopy.ToArray(sample->floating_point_range, value.FloatingPointRange);
            value.IntegerRange = NativeCopy.ToArray(sample->integer_range, value.IntegerRange);
        }
    }
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ParameterDescriptorNative
{
    public byte* name;
    public byte type;
    public byte* description;
    public byte* additional_constraints;
    public byte read_only;
    public byte dynamic_typing;
    public DdsSequence floating_point_range;
    public DdsSequence integer_range;
}

/// <summary><c>rcl_interfaces/msg/SetParametersResult</c>: whether setting a parameter succeeded, and why not.</summary>
public struct SetParametersResult : IRosMessage<SetParametersResult>
{
    /// <summary>True when the parameter was set.</summary>
    public bool Successful;

    /// <summary>Why it was not (undefined on success); null is sent as empty.</summary>
    public string? Reason;

    /// <summary>Creates a result.</summary>
    public SetParametersResult(bool successful, string? reason)
    {
        Successful = successful;
        Reason = reason;
    }

    /// <inheritdoc/>
    public static RosMessageType<SetParametersResult> MessageType { get; } = new SetParametersResultType();

    private sealed class SetParametersResultType() : MarshalledMessageType<SetParametersResult, SetParametersResultNative>("rcl_interfaces/msg/SetParametersResult", MessageSchemas.SetParametersResult)
    {
        protected override unsafe void Write(in SetParametersResult value, SetParametersResultNative* sample, NativeArena arena) => SetParametersResultNative.Write(in value, sample, arena);

        protected override unsafe void Read(SetParametersResultNative* sample, ref SetParametersResult value, Utf8StringCache strings) => SetParametersResultNative.Read(sample, ref value, strings);
    }
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SetParametersResultNative
{
    public byte successful;
    public byte* reason;

    public static void Write(in SetParametersResult value, SetParametersResultNative* sample, NativeArena arena)
    {
        sample->successful = value.Successful ? (byte)1 : (byte)0;
        sample->reason = arena.Utf8(value.Reason);
    }

    public static void Read(SetParametersResultNative* sample, ref SetParametersResult value, Utf8StringCache strings)
    {
        value.Successful = sample->successful != 0;
        value.Reason = strings.Get(sample->reason);
    }
}

/// <summary><c>rcl_interfaces/msg/ListParametersResult</c>: the parameter names and prefixes under the prefixes asked for.</summary>
public struct ListParametersResult : IRosMessage<ListParametersResult>
{
    /// <summary>Full names of the parameters found; null (and null elements) are sent as empty.</summary>
    public string[]? Names;

    /// <summary>Prefixes found; null (and null elements) are sent as empty.</summary>
    public string[]? Prefixes;

    /// <inheritdoc/>
    public static RosMessageType<ListParametersResult> MessageType { get; } = new ListParametersResultType();

    private sealed class ListParametersResultType() : MarshalledMessageType<ListParametersResult, ListParametersResultNative>("rcl_interfaces/msg/ListParametersResult", MessageSchemas.ListParametersResult)
    {
        protected override unsafe void Write(in ListParametersResult value, ListParametersResultNative* sample, NativeArena arena) => ListParametersResultNative.Write(in value, sample, arena);

        protected override unsafe void Read(ListParametersResultNative* sample, ref ListParametersResult value, Utf8StringCache strings) => ListParametersResultNative.Read(sample, ref value, strings);
    }
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ListParametersResultNative
{
    public DdsSequence names;
    public DdsSequence prefixes;

    public static void Write(in ListParametersResult value, ListParametersResultNative* sample, NativeArena arena)
    {
        sample->names = arena.Strings(value.Names);
        sample->prefixes = arena.Strings(value.Prefixes);
    }

    public static void Read(ListParametersResultNative* sample, ref ListParametersResult value, Utf8StringCache strings)
    {
        value.Names = NativeCopy.ToStrings(sample->names, value.Names, strings);
        value.Prefixes = NativeCopy.ToStrings(sample->prefixes, value.Prefixes, strings);
    }
}
