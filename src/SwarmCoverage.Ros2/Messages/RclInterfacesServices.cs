using System.Runtime.InteropServices;
using SwarmCoverage.Ros2.Interop;
using SwarmCoverage.Ros2.Serialization;

namespace SwarmCoverage.Ros2.Messages.RclInterfaces;

// The request and response bodies of the rcl_interfaces parameter services every ROS 2 node offers
// (/node/get_parameters and so on), as rosidl makes them of the .srv files: structs Name_Request and Name_Response.

/// <summary><c>rcl_interfaces/srv/GetParameters</c> request: the names of the parameters to get.</summary>
public struct GetParametersRequest : IRosMessage<GetParametersRequest>
{
    /// <summary>Parameter names; null (and null elements) are sent as empty.</summary>
    public string[]? Names;

    /// <inheritdoc/>
    public static RosMessageType<GetParametersRequest> MessageType { get; } = new GetParametersRequestType();

    private sealed class GetParametersRequestType() : MarshalledMessageType<GetParametersRequest, GetParametersRequestNative>("rcl_interfaces/srv/GetParameters_Request", MessageSchemas.GetParametersRequest)
    {
        protected override unsafe void Write(in GetParametersRequest value, GetParametersRequestNative* sample, NativeArena arena) =>
            sample->names = arena.Strings(value.Names);

        protected override unsafe void Read(GetParametersRequestNative* sample, ref GetParametersRequest value, Utf8StringCache strings) =>
            value.Names = NativeCopy.ToStrings(sample->names, value.Names, strings);
    }
}

[StructLayout(LayoutKind.Sequential)]
internal struct GetParametersRequestNative
{
    public DdsSequence names;
}

/// <summary><c>rcl_interfaces/srv/GetParameters</c> response: the values, in the order of the names asked for.</summary>
public struct GetParametersResponse : IRosMessage<GetParametersResponse>
{
    /// <summary>One value per name asked for (<see cref="ParameterType.ParameterNotSet"/> when unset); null is sent as empty.</summary>
    public ParameterValue[]? Values;

    /// <inheritdoc/>
    public static RosMessageType<GetParametersResponse> MessageType { get; } = new GetParametersResponseType();

    private sealed class GetParametersResponseType() : MarshalledMessageType<GetParametersResponse, GetParametersResponseNative>("rcl_interfaces/srv/GetParameters_Response", MessageSchemas.GetParametersResponse)
    {
        protected override unsafe void Write(in GetParametersResponse value, GetParametersResponseNative* sample, NativeArena arena) =>
            sample->values = arena.Messages<ParameterValue>(value.Values, ParameterValue.MessageType);

        protected override unsafe void Read(GetParametersResponseNative* sample, ref GetParametersResponse value, Utf8StringCache strings) =>
            value.Values = NativeCopy.ToMessages(sample->values, value.Values, ParameterValue.MessageType, strings);
    }
}

[StructLayout(LayoutKind.Sequential)]
internal struct GetParametersResponseNative
{
    public DdsSequence values;
}

/// <summary><c>rcl_interfaces/srv/SetParameters</c> request: the parameters to set, each on its own.</summary>
public struct SetParametersRequest : IRosMessage<SetParametersRequest>
{
    /// <summary>The parameters; null is sent as empty.</summary>
    public Parameter[]? Parameters;

    /// <inheritdoc/>
    public static RosMessageType<SetParametersRequest> MessageType { get; } = new SetParametersRequestType();

    private sealed class SetParametersRequestType() : MarshalledMessageType<SetParametersRequest, SetParametersRequestNative>("rcl_interfaces/srv/SetParameters_Request", MessageSchemas.SetParametersRequest)
    {
        protected override unsafe void Write(in SetParametersRequest value, SetParametersRequestNative* sample, NativeArena arena) =>
            sample->parameters = arena.Messages<Parameter>(value.Parameters, Parameter.MessageType);

        protected override unsafe void Read(SetParametersRequestNative* sample, ref SetParametersRequest value, Utf8StringCache strings) =>
            value.Parameters = NativeCopy.ToMessages(sample->parameters, value.Parameters, Parameter.MessageType, strings);
    }
}

[StructLayout(LayoutKind.Sequential)]
internal struct SetParametersRequestNative
{
    public DdsSequence parameters;
}

/// <summary><c>rcl_interfaces/srv/SetParameters</c> response: one result per parameter, in order.</summary>
public struct SetParametersResponse : IRosMessage<SetParametersResponse>
{
    /// <summary>The results; null is sent as empty.</summary>
    public SetParametersResult[]? Results;

    /// <inheritdoc/>
    public static RosMessageType<SetParametersResponse> MessageType { get; } = new SetParametersResponseType();

    private sealed class SetParametersResponseType() : MarshalledMessageType<SetParametersResponse, SetParametersResponseNative>("rcl_interfaces/srv/SetParameters_Response", MessageSchemas.SetParametersResponse)
    {
        protected override unsafe void Write(in SetParametersResponse value, SetParametersResponseNative* sample, NativeArena arena) =>
            sample->results = arena.Messages<SetParametersResult>(value.Results, SetParametersResult.MessageType);

        protected override unsafe void Read(SetParametersResponseNative* sample, ref SetParametersResponse value, Utf8StringCache strings) =>
            value.Results = NativeCopy.ToMessages(sample->results, value.Results, SetParametersResult.MessageType, strings);
    }
}

[StructLayout(LayoutKind.Sequential)]
internal struct SetParametersResponseNative
{
    public DdsSequence results;
}

/// <summary><c>rcl_interfaces/srv/SetParametersAtomically</c> request: parameters to set all together or not at all.</summary>
public struct SetParametersAtomicallyRequest : IRosMessage<SetParametersAtomicallyRequest>
{
    /// <summary>The parameters; null is sent as empty.</summary>
    public Parameter[]? Parameters;

    /// <inheritdoc/>
    public static RosMessageType<SetParametersAtomicallyRequest> MessageType { get; } = new SetParametersAtomicallyRequestType();

    private sealed class SetParametersAtomicallyRequestType() : MarshalledMessageType<SetParametersAtomicallyRequest, SetParametersAtomicallyRequestNative>("rcl_interfaces/srv/SetParametersAtomically_Request", MessageSchemas.SetParametersAtomicallyRequest)
    {
        protected override unsafe void Write(in SetParametersAtomicallyRequest value, SetParametersAtomicallyRequestNative* sample, NativeArena arena) =>
            sample->parameters = arena.Messages<Parameter>(value.Parameters, Parameter.MessageType);

        protected override unsafe void Read(SetParametersAtomicallyRequestNative* sample, ref SetParametersAtomicallyRequest value, Utf8StringCache strings) =>
            value.Parameters = NativeCopy.ToMessages(sample->parameters, value.Parameters, Parameter.MessageType, strings);
    }
}

[StructLayout(LayoutKind.Sequential)]
internal struct SetParametersAtomicallyRequestNative
{
    public DdsSequence parameters;
}

/// <summary><c>rcl_interfaces/srv/SetParametersAtomically</c> response: one result for all of them.</summary>
public struct SetParametersAtomicallyResponse : IRosMessage<SetParametersAtomicallyResponse>
{
    /// <summary>Whether all were set, and why not.</summary>
    public SetParametersResult Result;

    /// <inheritdoc/>
    public static RosMessageType<SetParametersAtomicallyResponse> MessageType { get; } = new SetParametersAtomicallyResponseType();

    private sealed class SetParametersAtomicallyResponseType() : MarshalledMessageType<SetParametersAtomicallyResponse, SetParametersAtomicallyResponseNative>("rcl_interfaces/srv/SetParametersAtomically_Response", MessageSchemas.SetParametersAtomicallyResponse)
    {
        protected override unsafe void Write(in SetParametersAtomicallyResponse value, SetParametersAtomicallyResponseNative* sample, NativeArena arena) =>
            SetParametersResultNative.Write(in value.Result, &sample->result, arena);

        protected override unsafe void Read(SetParametersAtomicallyResponseNative* sample, ref SetParametersAtomicallyResponse value, Utf8StringCache strings) =>
            SetParametersResultNative.Read(&sample->result, ref value.Result, strings);
    }
}

[StructLayout(LayoutKind.Sequential)]
internal struct SetParametersAtomicallyResponseNative
{
    public SetParametersResultNative result;
}

/// <summary><c>rcl_interfaces/srv/ListParameters</c> request: the prefixes to list under, and how deep.</summary>
public struct ListParametersRequest : IRosMessage<ListParametersRequest>
{
    /// <summary><c>DEPTH_RECURSIVE</c>: a <see cref="Depth"/> of unlimited depth.</summary>
    public const ulong DepthRecursive = 0;

    /// <summary>Prefixes to query (none: all parameters); null (and null elements) are sent as empty.</summary>
    public string[]? Prefixes;

    /// <summary>Depth relative to the prefixes; <see cref="DepthRecursive"/> for all.</summary>
    public ulong Depth;

    /// <inheritdoc/>
    public static RosMessageType<ListParametersRequest> MessageType { get; } = new ListParametersRequestType();

    private sealed class ListParametersRequestType() : MarshalledMessageType<ListParametersRequest, ListParametersRequestNative>("rcl_interfaces/srv/ListParameters_Request", MessageSchemas.ListParametersRequest)
    {
        protected override unsafe void Write(in ListParametersRequest value, ListParametersRequestNative* sample, NativeArena arena)
        {
            sample->prefixes = arena.Strings(value.Prefixes);
            sample->depth = value.Depth;
        }

        protected override unsafe void Read(ListParametersRequestNative* sample, ref ListParametersRequest value, Utf8StringCache strings)
        {
            value.Prefixes = NativeCopy.ToStrings(sample->prefixes, value.Prefixes, strings);
            value.Depth = sample->depth;
        }
    }
}

[StructLayout(LayoutKind.Sequential)]
internal struct ListParametersRequestNative
{
    public DdsSequence prefixes;
    public ulong depth;
}

/// <summary><c>rcl_interfaces/srv/ListParameters</c> response: the names and prefixes found.</summary>
public struct ListParametersResponse : IRosMessage<ListParametersResponse>
{
    /// <summary>The names and prefixes.</summary>
    public ListParametersResult Result;

    /// <inheritdoc/>
    public static RosMessageType<ListParametersResponse> MessageType { get; } = new ListParametersResponseType();

    private sealed class ListParametersResponseType() : MarshalledMessageType<ListParametersResponse, ListParametersResponseNative>("rcl_interfaces/srv/ListParameters_Response", MessageSchemas.ListParametersResponse)
    {
        protected override unsafe void Write(in ListParametersResponse value, ListParametersResponseNative* sample, NativeArena arena) =>
            ListParametersResultNative.Write(in value.Result, &sample->result, arena);

        protected override unsafe void Read(ListParametersResponseNative* sample, ref ListParametersResponse value, Utf8StringCache strings) =>
            ListParametersResultNative.Read(&sample->result, ref value.Result, strings);
    }
}

[StructLayout(LayoutKind.Sequential)]
internal struct ListParametersResponseNative
{
    public ListParametersResultNative result;
}

/// <summary><c>rcl_interfaces/srv/DescribeParameters</c> request: the names of the parameters to describe.</summary>
public struct DescribeParametersRequest : IRosMessage<DescribeParametersRequest>
{
    /// <summary>Parameter names; null (and null elements) are sent as empty.</summary>
    public string[]? Names;

    /// <inheritdoc/>
    public static RosMessageType<DescribeParametersRequest> MessageType { get; } = new DescribeParametersRequestType();

    private sealed class DescribeParametersRequestType() : MarshalledMessageType<DescribeParametersRequest, DescribeParametersRequestNative>("rcl_interfaces/srv/DescribeParameters_Request", MessageSchemas.DescribeParametersRequest)
    {
        protected override unsafe void Write(in DescribeParametersRequest value, DescribeParametersRequestNative* sample, NativeArena arena) =>
            sample->names = arena.Strings(value.Names);

        protected override unsafe void Read(DescribeParametersRequestNative* sample, ref DescribeParametersRequest value, Utf8StringCache strings) =>
            value.Names = NativeCopy.ToStrings(sample->names, value.Names, strings);
    }
}

[StructLayout(LayoutKind.Sequential)]
internal struct DescribeParametersRequestNative
{
    public DdsSequence names;
}

/// <summary><c>rcl_interfaces/srv/DescribeParameters</c> response: the descriptors, in the order of the names asked for.</summary>
public struct DescribeParametersResponse : IRosMessage<DescribeParametersResponse>
{
    /// <summary>One descriptor per name asked for; null is sent as empty.</summary>
    public ParameterDescriptor[]? Descriptors;

    /// <inheritdoc/>
    public static RosMessageType<DescribeParametersResponse> MessageType { get; } = new DescribeParametersResponseType();

    private sealed class DescribeParametersResponseType() : MarshalledMessageType<DescribeParametersResponse, DescribeParametersResponseNative>("rcl_interfaces/srv/DescribeParameters_Response", MessageSchemas.DescribeParametersResponse)
    {
        protected override unsafe void Write(in DescribeParametersResponse value, DescribeParametersResponseNative* sample, NativeArena arena) =>
            sample->descriptors = arena.Messages<ParameterDescriptor>(value.Descriptors, ParameterDescriptor.MessageType);

        protected override unsafe void Read(DescribeParametersResponseNative* sample, ref DescribeParametersResponse value, Utf8StringCache strings) =>
            value.Descriptors = NativeCopy.ToMessages(sample->descriptors, value.Descriptors, ParameterDescriptor.MessageType, strings);
    }
}

[StructLayout(LayoutKind.Sequential)]
internal struct DescribeParametersResponseNative
{
    public DdsSequence descriptors;
}

/// <summary><c>rcl_interfaces/srv/GetParameterTypes</c> request: the names of the parameters whose types to get.</summary>
public struct GetParameterTypesRequest : IRosMessage<GetParameterTypesRequest>
{
    /// <summary>Parameter names; null (and null elements) are sent as empty.</summary>
    public string[]? Names;

    /// <inheritdoc/>
    public static RosMessageType<GetParameterTypesRequest> MessageType { get; } = new GetParameterTypesRequestType();

    private sealed class GetParameterTypesRequestType() : MarshalledMessageType<GetParameterTypesRequest, GetParameterTypesRequestNative>("rcl_interfaces/srv/GetParameterTypes_Request", MessageSchemas.GetParameterTypesRequest)
    {
        protected override unsafe void Write(in GetParameterTypesRequest value, GetParameterTypesRequestNative* sample, NativeArena arena) =>
            sample->names = arena.Strings(value.Names);

        protected override unsafe void Read(GetParameterTypesRequestNative* sample, ref GetParameterTypesRequest value, Utf8StringCache strings) =>
            value.Names = NativeCopy.ToStrings(sample->names, value.Names, strings);
    }
}

[StructLayout(LayoutKind.Sequential)]
internal struct GetParameterTypesRequestNative
{
    public DdsSequence names;
}

/// <summary><c>rcl_interfaces/srv/GetParameterTypes</c> response: the types, in the order of the names asked for.</summary>
public struct GetParameterTypesResponse : IRosMessage<GetParameterTypesResponse>
{
    /// <summary><see cref="ParameterType"/> constants, one per name asked for; null is sent as empty.</summary>
    public byte[]? Types;

    /// <inheritdoc/>
    public static RosMessageType<GetParameterTypesResponse> MessageType { get; } = new GetParameterTypesResponseType();

    private sealed class GetParameterTypesResponseType() : MarshalledMessageType<GetParameterTypesResponse, GetParameterTypesResponseNative>("rcl_interfaces/srv/GetParameterTypes_Response", MessageSchemas.GetParameterTypesResponse)
    {
        protected override unsafe void Write(in GetParameterTypesResponse value, GetParameterTypesResponseNative* sample, NativeArena arena) =>
            sample->types = arena.Sequence<byte>(value.Types);

        protected override unsafe void Read(GetParameterTypesResponseNative* sample, ref GetParameterTypesResponse value, Utf8StringCache strings) =>
            value.Types = NativeCopy.ToArray(sample->types, value.Types);
    }
}

[StructLayout(LayoutKind.Sequential)]
internal struct GetParameterTypesResponseNative
{
    public DdsSequence types;
}
