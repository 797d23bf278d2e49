using System.Runtime.InteropServices;

namespace SwarmCoverage.Ros2.Interop;

/// <summary>
/// A DDS entity (<c>dds_entity_t</c>, a positive int32) whose release calls <c>dds_delete</c>. Deleting an
/// entity deletes its children in Cyclone, so a child released after its parent reports
/// <c>ALREADY_DELETED</c> or <c>BAD_PARAMETER</c>: both count as released.
/// </summary>
internal abstract class DdsEntityHandle : SafeHandle
{
    protected DdsEntityHandle(int entity)
        : base(0, ownsHandle: true)
    {
        SetHandle(entity);
    }

    public override bool IsInvalid => handle <= 0;

    /// <summary>The raw entity handle. Callers keep the SafeHandle alive (AddRef or GC.KeepAlive) while using it.</summary>
    public int Entity => (int)handle;

    protected override bool ReleaseHandle()
    {
        int rc = Libddsc.dds_delete((int)handle);
        return rc >= 0 || rc == Libddsc.DDS_RETCODE_ALREADY_DELETED || rc == Libddsc.DDS_RETCODE_BAD_PARAMETER;
    }

    /// <summary>Pins the handle against concurrent disposal for the duration of a native call.</summary>
    public EntityLease Lease()
    {
        bool added = false;
        DangerousAddRef(ref added);
        return new EntityLease(this, added);
    }

    internal readonly ref struct EntityLease
    {
        private readonly DdsEntityHandle owner;
        private readonly bool added;

        internal EntityLease(DdsEntityHandle owner, bool added)
        {
            this.owner = owner;
            this.added = added;
        }

        public int Entity => owner.Entity;

        public void Dispose()
        {
            if (added)
            {
                owner.DangerousRelease();
            }
        }
    }
}

/// <summary>A domain created explicitly with a configuration (<c>dds_create_domain</c>).</summary>
internal sealed class DdsDomainHandle(int entity) : DdsEntityHandle(entity);

/// <summary>A domain participant.</summary>
internal sealed class DdsParticipantHandle(int entity) : DdsEntityHandle(entity);

/// <summary>A topic.</summary>
internal sealed class DdsTopicHandle(int entity) : DdsEntityHandle(entity);

/// <summary>A data writer.</summary>
internal sealed class DdsWriterHandle(int entity) : DdsEntityHandle(entity);

/// <summary>A data reader.</summary>
internal sealed class DdsReaderHandle(int entity) : DdsEntityHandle(entity);

/// <summary>A read condition of a reader.</summary>
internal sealed class DdsReadConditionHandle(int entity) : DdsEntityHandle(entity);

/// <summary>A waitset.</summary>
internal sealed class DdsWaitSetHandle(int entity) : DdsEntityHandle(entity);

/// <summary>A <c>dds_qos_t*</c>, released with <c>dds_delete_qos</c>.</summary>
internal sealed class DdsQosHandle : SafeHandle
{
    private DdsQosHandle(nint qos)
        : base(0, ownsHandle: true)
    {
        SetHandle(qos);
    }

    public override bool IsInvalid => handle == 0;

    public nint Pointer => handle;

    public static DdsQosHandle Create()
    {
        nint qos = Libddsc.dds_create_qos();
        if (qos == 0)
        {
            throw new DdsException("dds_create_qos returned NULL (out of memory)");
        }

        return new DdsQosHandle(qos);
    }

    protected override bool ReleaseHandle()
    {
        Libddsc.dds_delete_qos(handle);
        return true;
    }
}
