using System.Runtime.InteropServices;
using SwarmCoverage.Ros2.Serialization;

namespace SwarmCoverage.Ros2.Messages.StdSrvs;

/// <summary><c>std_srvs/srv/SetBool</c> request: <c>bool data</c> (e.g. to enable or disable hardware).</summary>
public struct SetBoolRequest : IRosMessage<SetBoolRequest>
{
    /// <summary>The value to set.</summary>
    public bool Data;

    /// <summary>Creates a request.</summary>
    public SetBoolRequest(bool data) => Data = data;

    /// <inheritdoc/>
    public static RosMessageType<SetBoolRequest> MessageType { get; } = new SetBoolRequestType();

    private sealed class SetBoolRequestType() : MarshalledMessageType<SetBoolRequest, SetBoolRequestNative>("std_srvs/srv/SetBool_Request", MessageSchemas.SetBoolRequest)
    {
        protected override unsafe void Write(in SetBoolRequest value, SetBoolRequestNative* sample, NativeArena arena) => sample->data = value.Data ? (byte)1 : (byte)0;

        protected override unsafe void Read(SetBoolRequestNative* sample, ref SetBoolRequest value, Utf8StringCache strings) => value.Data = sample->data != 0;
    }
}

/// <summary>C sample of <c>std_srvs/srv/SetBool_Request</c> (C <c>bool</c> is one byte).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SetBoolRequestNative
{
    public byte data;
}

/// <summary><c>std_srvs/srv/SetBool</c> response: <c>bool success</c>, <c>string message</c>.</summary>
public struct SetBoolResponse : IRosMessage<SetBoolResponse>
{
    /// <summary>True when the call succeeded.</summary>
    public bool Success;

    /// <summary>Informational, e.g. an error message; null is sent as empty.</summary>
    public string? Message;

    /// <summary>Creates a response.</summary>
    public SetBoolResponse(bool success, string? message)
    {
        Success = success;
        Message = message;
    }

    /// <inheritdoc/>
    public static RosMessageType<SetBoolResponse> MessageType { get; } = new SetBoolResponseType();

    private sealed class SetBoolResponseType() : MarshalledMessageType<SetBoolResponse, SuccessMessageNative>("std_srvs/srv/SetBool_Response", MessageSchemas.SetBoolResponse)
    {
        protected override unsafe void Write(in SetBoolResponse value, SuccessMessageNative* sample, NativeArena arena) => SuccessMessageNative.Write(value.Success, value.Message, sample, arena);

        protected override unsafe void Read(SuccessMessageNative* sample, ref SetBoolResponse value, Utf8StringCache strings)
        {
            value.Success = sample->success != 0;
            value.Message = strings.Get(sample->message);
        }
    }
}

/// <summary>
/// <c>std_srvs/srv/Trigger</c> request: no data (on the wire one placeholder byte, rosidl's
/// <c>structure_needs_at_least_one_member</c>).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct TriggerRequest : IRosMessage<TriggerRequest>
{
    // rosidl's structure_needs_at_least_one_member; always 0.
    private readonly byte structureNeedsAtLeastOneMember;

    /// <inheritdoc/>
    public static RosMessageType<TriggerRequest> MessageType { get; } = new BlittableMessageType<TriggerRequest>("std_srvs/srv/Trigger_Request", MessageSchemas.TriggerRequest);
}

/// <summary><c>std_srvs/srv/Trigger</c> response: <c>bool success</c>, <c>string message</c>.</summary>
public struct TriggerResponse : IRosMessage<TriggerResponse>
{
    /// <summary>True when the triggered action succeeded.</summary>
    public bool Success;

    /// <summary>Informational, e.g. an error message; null is sent as empty.</summary>
    public string? Message;

    /// <summary>Creates a response.</summary>
    public TriggerResponse(bool success, string? message)
    {
        Success = success;
        Message = message;
    }

    /// <inheritdoc/>
    public static RosMessageType<TriggerResponse> MessageType { get; } = new TriggerResponseType();

    private sealed class TriggerResponseType() : MarshalledMessageType<TriggerResponse, SuccessMessageNative>("std_srvs/srv/Trigger_Response", MessageSchemas.TriggerResponse)
    {
        protected override unsafe void Write(in TriggerResponse value, SuccessMessageNative* sample, NativeArena arena) => SuccessMessageNative.Write(value.Success, value.Message, sample, arena);

        protected override unsafe void Read(SuccessMessageNative* sample, ref TriggerResponse value, Utf8StringCache strings)
        {
            value.Success = sample->success != 0;
            value.Message = strings.Get(sample->message);
        }
    }
}

/// <summary>C sample of <c>std_srvs/srv/SetBool_Response</c> and <c>std_srvs/srv/Trigger_Response</c>: <c>bool success</c>, <c>string message</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SuccessMessageNative
{
    public byte success;
    public byte* message;

    public static void Write(bool success, string? message, SuccessMessageNative* sample, NativeArena arena)
    {
        sample->success = success ? (byte)1 : (byte)0;
        sample->message = arena.Utf8(message);
    }
}
