using System.Runtime.InteropServices;
using SwarmCoverage.Ros2.Interop;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using SwarmCoverage.Ros2.Serialization;

namespace SwarmCoverage.Ros2.Messages.DiagnosticMsgs;

/// <summary><c>diagnostic_msgs/msg/KeyValue</c>: <c>string key</c>, <c>string value</c>.</summary>
public struct KeyValue : IRosMessage<KeyValue>
{
    /// <summary>What the value is; null is sent as empty.</summary>
    public string? Key;

    /// <summary>The value; null is sent as empty.</summary>
    public string? Value;

    /// <summary>Creates a pair.</summary>
    public KeyValue(string? key, string? value)
    {
        Key = key;
        Value = value;
    }

    /// <inheritdoc/>
    public static RosMessageType<KeyValue> MessageType { get; } = new KeyValueType();

    private sealed class KeyValueType() : MarshalledMessageType<KeyValue, KeyValueNative>("diagnostic_msgs/msg/KeyValue", MessageSchemas.KeyValue)
    {
        protected override unsafe void Write(in KeyValue value, KeyValueNative* sample, NativeArena arena)
        {
            sample->key = arena.Utf8(value.Key);
            sample->value = arena.Utf8(value.Value);
        }

        protected override unsafe void Read(KeyValueNative* sample, ref KeyValue value, Utf8StringCache strings)
        {
            value.Key = strings.Get(sample->key);
            value.Value = strings.Get(sample->value);
        }
    }
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct KeyValueNative
{
    public byte* key;
    public byte* value;
}

/// <summary><c>diagnostic_msgs/msg/DiagnosticStatus</c>: the state of one component, with key/value details.</summary>
public struct DiagnosticStatus : IRosMessage<DiagnosticStatus>
{
    /// <summary><c>OK</c>.</summary>
    public const byte Ok = 0;

    /// <summary><c>WARN</c>.</summary>
    public const byte Warn = 1;

    /// <summary><c>ERROR</c>.</summary>
    public const byte Error = 2;

    /// <summary><c>STALE</c>.</summary>
    public const byte Stale = 3;

    /// <summary>One of <see cref="Ok"/> .. <see cref="Stale"/>.</summary>
    public byte Level;

    /// <summary>Name of the component; null is sent as empty.</summary>
    public string? Name;

    /// <summary>Description of its state; null is sent as empty.</summary>
    public string? Message;

    /// <summary>Hardware identifier; null is sent as empty.</summary>
    public string? HardwareId;

    /// <summary>Details; null is sent as empty.</summary>
    public KeyValue[]? Values;

    /// <inheritdoc/>
    public static RosMessageType<DiagnosticStatus> MessageType { get; } = new DiagnosticStatusType();

    private sealed class DiagnosticStatusType() : MarshalledMessageType<DiagnosticStatus, DiagnosticStatusNative>("diagnostic_msgs/msg/DiagnosticStatus", MessageSchemas.DiagnosticStatus)
    {
        protected override unsafe void Write(in DiagnosticStatus value, DiagnosticStatusNative* sample, NativeArena arena)
        {
            sample->level = value.Level;
            sample->name = arena.Utf8(value.Name);
            sample->message = arena.Utf8(value.Message);
            sample->hardware_id = arena.Utf8(value.HardwareId);
            sample->values = arena.Messages<KeyValue>(value.Values, KeyValue.MessageType);
        }

        protected override unsafe void Read(DiagnosticStatusNative* sample, ref DiagnosticStatus value, Utf8StringCache strings)
        {
            value.Level = sample->level;
            value.Name = strings.Get(sample->name);
            value.Message = strings.Get(sample->message);
            value.HardwareId = strings.Get(sample->hardware_id);
            value.Values = NativeCopy.ToMessages(sample->values, value.Values, KeyValue.MessageType, strings);
        }
    }
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct DiagnosticStatusNative
{
    public byte level;
    public byte* name;
    public byte* message;
    public byte* hardware_id;
    public DdsSequence values;
}

/// <summary><c>diagnostic_msgs/msg/DiagnosticArray</c>: <c>std_msgs/Header header</c>, <c>DiagnosticStatus[] status</c> (what <c>/diagnostics</c> carries).</summary>
public struct DiagnosticArray : IRosMessage<DiagnosticArray>
{
    /// <summary>Stamp of the report.</summary>
    public Header Header;

    /// <summary>One status per component; null is sent as empty.</summary>
    public DiagnosticStatus[]? Status;

    /// <inheritdoc/>
    public static RosMessageType<DiagnosticArray> MessageType { get; } = new DiagnosticArrayType();

    private sealed class DiagnosticArrayType() : MarshalledMessageType<DiagnosticArray, DiagnosticArrayNative>("diagnostic_msgs/msg/DiagnosticArray", MessageSchemas.DiagnosticArray)
    {
        protected override unsafe void Write(in DiagnosticArray value, DiagnosticArrayNative* sample, NativeArena arena)
        {
            HeaderNative.Write(in value.Header, &sample->header, arena);
            sample->status = arena.Messages<DiagnosticStatus>(value.Status, DiagnosticStatus.MessageType);
        }

        protected override unsafe void Read(DiagnosticArrayNative* sample, ref DiagnosticArray value, Utf8StringCache strings)
        {
            HeaderNative.Read(&sample->header, ref value.Header, strings);
            value.Status = NativeCopy.ToMessages(sample->status, value.Status, DiagnosticStatus.MessageType, strings);
        }
    }
}

[StructLayout(LayoutKind.Sequential)]
internal struct DiagnosticArrayNative
{
    public HeaderNative header;
    public DdsSequence status;
}
