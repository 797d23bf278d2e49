using System.Runtime.InteropServices;

namespace SwarmCoverage.Ros2.Interop;

/// <summary>
/// The libddsc (Eclipse Cyclone DDS 0.10.x C API) entry points this library uses, and nothing else.
/// Signatures follow dds/dds.h of cyclonedds-dev 0.10.2: <c>dds_entity_t</c> and <c>dds_return_t</c>
/// are <c>int32_t</c>, <c>dds_domainid_t</c> is <c>uint32_t</c>, <c>dds_duration_t</c> is <c>int64_t</c>
/// nanoseconds, C <c>bool</c> is one byte. Call sites turn negative return codes into
/// <see cref="DdsException"/> through <see cref="DdsError"/>.
/// </summary>
internal static unsafe partial class Libddsc
{
    /// <summary>The logical library name; <see cref="LibddscResolver"/> maps it to a real soname.</summary>
    internal const string LibraryName = "ddsc";

    static Libddsc() => LibddscResolver.Register();

    // ----- constants (dds/dds.h, dds/ddsrt/retcode.h, dds/ddsc/dds_public_qosdefs.h) -----

    internal const int DDS_RETCODE_OK = 0;
    internal const int DDS_RETCODE_BAD_PARAMETER = -3;
    internal const int DDS_RETCODE_PRECONDITION_NOT_MET = -4;
    internal const int DDS_RETCODE_ALREADY_DELETED = -9;
    internal const int DDS_RETCODE_TIMEOUT = -10;
    internal const int DDS_RETCODE_NOT_ALLOWED_BY_SECURITY = -13;

    internal const int DDS_MIN_PSEUDO_HANDLE = 0x7fff0000;
    internal const int DDS_BUILTIN_TOPIC_DCPSPUBLICATION = DDS_MIN_PSEUDO_HANDLE + 3;
    internal const int DDS_BUILTIN_TOPIC_DCPSSUBSCRIPTION = DDS_MIN_PSEUDO_HANDLE + 4;

    internal const uint DDS_READ_SAMPLE_STATE = 1u;
    internal const uint DDS_NOT_READ_SAMPLE_STATE = 2u;
    internal const uint DDS_ANY_SAMPLE_STATE = 1u | 2u;
    internal const uint DDS_ANY_VIEW_STATE = 4u | 8u;
    internal const uint DDS_ALIVE_INSTANCE_STATE = 16u;
    internal const uint DDS_ANY_INSTANCE_STATE = 16u | 32u | 64u;
    internal const uint DDS_ANY_STATE = DDS_ANY_SAMPLE_STATE | DDS_ANY_VIEW_STATE | DDS_ANY_INSTANCE_STATE;

    internal const uint DDS_PUBLICATION_MATCHED_STATUS = 1u << 11;
    internal const uint DDS_SUBSCRIPTION_MATCHED_STATUS = 1u << 12;

    internal const int DDS_RELIABILITY_BEST_EFFORT = 0;
    internal const int DDS_RELIABILITY_RELIABLE = 1;
    internal const int DDS_DURABILITY_VOLATILE = 0;
    internal const int DDS_DURABILITY_TRANSIENT_LOCAL = 1;
    internal const int DDS_HISTORY_KEEP_LAST = 0;
    internal const int DDS_HISTORY_KEEP_ALL = 1;
    internal const int DDS_LENGTH_UNLIMITED = -1;
    internal const long DDS_INFINITY = long.MaxValue;

    /// <summary><c>DDS_FREE_CONTENTS</c> of dds_public_alloc.h: free strings and sequences, keep the sample.</summary>
    internal const int DDS_FREE_CONTENTS = 0x01 | 0x02;

    /// <summary><c>SDK_DATA</c> of ddsi_serdata.h.</summary>
    internal const int SDK_DATA = 2;

    // ----- domain, participant, topic, endpoints -----

    [LibraryImport(LibraryName)]
    internal static partial int dds_create_domain(uint domain, byte* config);

    [LibraryImport(LibraryName)]
    internal static partial int dds_create_participant(uint domain, nint qos, nint listener);

    [LibraryImport(LibraryName)]
    internal static partial int dds_create_topic(int participant, DdsTopicDescriptor* descriptor, byte* name, nint qos, nint listener);

    [LibraryImport(LibraryName)]
    internal static partial int dds_create_writer(int participantOrPublisher, int topic, nint qos, nint listener);

    [LibraryImport(LibraryName)]
    internal static partial int dds_create_reader(int participantOrSubscriber, int topic, nint qos, nint listener);

    [LibraryImport(LibraryName)]
    internal static partial int dds_delete(int entity);

    [LibraryImport(LibraryName)]
    internal static partial int dds_get_guid(int entity, DdsGuid* guid);

    [LibraryImport(LibraryName)]
    internal static partial int dds_get_instance_handle(int entity, ulong* handle);

    // ----- data -----

    [LibraryImport(LibraryName)]
    internal static partial int dds_write(int writer, void* data);

    [LibraryImport(LibraryName)]
    internal static partial int dds_wait_for_acks(int publisherOrWriter, long timeout);

    [LibraryImport(LibraryName)]
    internal static partial int dds_take(int readerOrCondition, void** buf, DdsSampleInfo* si, nuint bufsz, uint maxs);

    [LibraryImport(LibraryName)]
    internal static partial int dds_read_mask(int readerOrCondition, void** buf, DdsSampleInfo* si, nuint bufsz, uint maxs, uint mask);

    [LibraryImport(LibraryName)]
    internal static partial int dds_return_loan(int readerOrCondition, void** buf, int bufsz);

    [LibraryImport(LibraryName)]
    internal static partial void dds_sample_free(void* sample, DdsTopicDescriptor* descriptor, int op);

    // ----- raw CDR (ddsi_serdata) -----

    [LibraryImport(LibraryName)]
    internal static partial int dds_takecdr(int readerOrCondition, nint* buf, uint maxs, DdsSampleInfo* si, uint mask);

    [LibraryImport(LibraryName)]
    internal static partial int dds_writecdr(int writer, nint serdata);

    [LibraryImport(LibraryName)]
    internal static partial uint ddsi_serdata_size(nint serdata);

    [LibraryImport(LibraryName)]
    internal static partial void ddsi_serdata_to_ser(nint serdata, nuint offset, nuint size, void* buffer);

    [LibraryImport(LibraryName)]
    internal static partial void ddsi_serdata_unref(nint serdata);

    [LibraryImport(LibraryName)]
    internal static partial nint ddsi_serdata_from_ser_iov(nint sertype, int kind, nuint niov, Iovec* iov, nuint size);

    // ----- QoS -----

    [LibraryImport(LibraryName)]
    internal static partial nint dds_create_qos();

    [LibraryImport(LibraryName)]
    internal static partial void dds_delete_qos(nint qos);

    [LibraryImport(LibraryName)]
    internal static partial void dds_qset_reliability(nint qos, int kind, long maxBlockingTime);

    [LibraryImport(LibraryName)]
    internal static partial void dds_qset_durability(nint qos, int kind);

    [LibraryImport(LibraryName)]
    internal static partial void dds_qset_durability_service(nint qos, long serviceCleanupDelay, int historyKind, int historyDepth, int maxSamples, int maxInstances, int maxSamplesPerInstance);

    [LibraryImport(LibraryName)]
    internal static partial void dds_qset_history(nint qos, int kind, int depth);

    [LibraryImport(LibraryName)]
    internal static partial void dds_qset_writer_data_lifecycle(nint qos, byte autodispose);

    /// <summary>Adds or replaces a string property (the QoS property list that carries the <c>dds.sec.*</c> settings).</summary>
    [LibraryImport(LibraryName)]
    internal static partial void dds_qset_prop(nint qos, byte* name, byte* value);

    [LibraryImport(LibraryName)]
    internal static partial void dds_qset_userdata(nint qos, void* value, nuint size);

    [LibraryImport(LibraryName)]
    internal static partial byte dds_qget_reliability(nint qos, int* kind, long* maxBlockingTime);

    [LibraryImport(LibraryName)]
    internal static partial byte dds_qget_durability(nint qos, int* kind);

    // ----- status, waitsets, conditions -----

    [LibraryImport(LibraryName)]
    internal static partial int dds_set_status_mask(int entity, uint mask);

    [LibraryImport(LibraryName)]
    internal static partial int dds_get_publication_matched_status(int writer, DdsMatchedStatus* status);

    [LibraryImport(LibraryName)]
    internal static partial int dds_get_subscription_matched_status(int reader, DdsMatchedStatus* status);

    [LibraryImport(LibraryName)]
    internal static partial int dds_create_waitset(int participant);

    [LibraryImport(LibraryName)]
    internal static partial int dds_create_readcondition(int reader, uint mask);

    [LibraryImport(LibraryName)]
    internal static partial int dds_waitset_attach(int waitset, int entity, nint x);

    [LibraryImport(LibraryName)]
    internal static partial int dds_waitset_detach(int waitset, int entity);

    [LibraryImport(LibraryName)]
    internal static partial int dds_waitset_wait(int waitset, nint* xs, nuint nxs, long relativeTimeout);

    [LibraryImport(LibraryName)]
    internal static partial int dds_waitset_set_trigger(int waitset, byte trigger);

    // ----- errors and logging -----

    /// <summary>
    /// Replaces the process-wide log sink (Cyclone's errors and warnings, stderr by default); a null callback
    /// restores the default. <c>void (*)(void *ptr, const dds_log_data_t *data)</c>.
    /// </summary>
    [LibraryImport(LibraryName)]
    internal static partial void dds_set_log_sink(delegate* unmanaged<nint, DdsLogData*, void> callback, nint userdata);

    [LibraryImport(LibraryName)]
    internal static partial byte* dds_strretcode(int returnCode);
}

/// <summary><c>dds_sample_info_t</c>: 64 bytes on x86-64, <c>valid_data</c> at offset 12.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct DdsSampleInfo
{
    public uint SampleState;
    public uint ViewState;
    public uint InstanceState;
    public byte ValidData;
    public long SourceTimestamp;
    public ulong InstanceHandle;
    public ulong PublicationHandle;
    public uint DisposedGenerationCount;
    public uint NoWritersGenerationCount;
    public uint SampleRank;
    public uint GenerationRank;
    public uint AbsoluteGenerationRank;
}

/// <summary><c>dds_log_data_t</c> of dds/ddsrt/log.h (0.10.x): the message excludes the header, <c>size</c> excludes the newline.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct DdsLogData
{
    public uint Priority;
    public uint DomainId;
    public byte* File;
    public uint Line;
    public byte* Function;
    public byte* Message;
    public nuint Size;
    public nuint HeaderSize;
}

/// <summary><c>dds_publication_matched_status_t</c> and <c>dds_subscription_matched_status_t</c> (same layout).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct DdsMatchedStatus
{
    public uint TotalCount;
    public int TotalCountChange;
    public uint CurrentCount;
    public int CurrentCountChange;
    public ulong LastHandle;
}

/// <summary><c>dds_guid_t</c>: 16 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct DdsGuid
{
    public fixed byte V[16];
}

/// <summary><c>dds_builtintopic_endpoint_t</c>, the sample type of DCPSPublication and DCPSSubscription.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct DdsBuiltinTopicEndpoint
{
    public DdsGuid Key;
    public DdsGuid ParticipantKey;
    public ulong ParticipantInstanceHandle;
    public byte* TopicName;
    public byte* TypeName;
    public nint Qos;
}

/// <summary>POSIX <c>struct iovec</c> (Linux <c>ddsrt_iovec_t</c>).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Iovec
{
    public void* Base;
    public nuint Length;
}

/// <summary><c>struct dds_type_meta_ser</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct DdsTypeMetaSer
{
    public byte* Data;
    public uint Size;
}

/// <summary>
/// <c>dds_topic_descriptor_t</c> of dds_public_impl.h: 96 bytes on x86-64.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct DdsTopicDescriptor
{
    public uint Size;
    public uint Align;
    public uint FlagSet;
    public uint NKeys;
    public byte* TypeName;
    public void* Keys;
    public uint NOps;
    public uint* Ops;
    public byte* Meta;
    public DdsTypeMetaSer TypeInformation;
    public DdsTypeMetaSer TypeMapping;
    public uint RestrictDataRepresentation;
}

/// <summary><c>dds_sequence_t</c>: <c>{ uint32 _maximum, _length; T* _buffer; bool _release }</c>, 24 bytes on x86-64.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct DdsSequence
{
    public uint Maximum;
    public uint Length;
    public void* Buffer;
    public byte Release;
}
