using System.Text;

namespace SwarmCoverage.Ros2.Interop;

/// <summary>
/// Domains created explicitly with a Cyclone DDS configuration (<c>dds_create_domain</c>), shared by
/// every participant of this process on that domain id and deleted when the last one is disposed.
/// Without an explicit configuration, <c>dds_create_participant</c> creates the domain itself from
/// <c>CYCLONEDDS_URI</c>, which is what deployments use.
/// </summary>
internal static class DomainRegistry
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<uint, Entry> Domains = [];

    public static Lease Acquire(uint domainId, string config)
    {
        lock (Gate)
        {
            if (Domains.TryGetValue(domainId, out Entry? entry))
            {
                if (!string.Equals(entry.Config, config, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException(
                        $"DDS domain {domainId} already exists in this process with a different Cyclone DDS configuration; " +
                        "all participants of one domain in one process share its configuration");
                }

                entry.References++;
                return new Lease(domainId);
            }

            int domain = Create(domainId, config);
            Domains[domainId] = new Entry(new DdsDomainHandle(domain), config) { References = 1 };
            return new Lease(domainId);
        }
    }

    private static unsafe int Create(uint domainId, string config)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(config + "\0");
        fixed (byte* p = utf8)
        {
            int rc = Libddsc.dds_create_domain(domainId, p);
            if (rc == Libddsc.DDS_RETCODE_PRECONDITION_NOT_MET)
            {
                throw new DdsException("dds_create_domain", rc,
                    $"domain {domainId} (it already exists in this process, created from CYCLONEDDS_URI by a participant without an explicit configuration)");
            }

            return DdsError.CheckEntity(rc, "dds_create_domain", $"domain {domainId}");
        }
    }

    private static void Release(uint domainId)
    {
        lock (Gate)
        {
            if (!Domains.TryGetValue(domainId, out Entry? entry))
            {
                return;
            }

            if (--entry.References == 0)
            {
                Domains.Remove(domainId);
                entry.Handle.Dispose();
            }
        }
    }

    private sealed class Entry(DdsDomainHandle handle, string config)
    {
        public DdsDomainHandle Handle { get; } = handle;

        public string Config { get; } = config;

        public int References { get; set; }
    }

    /// <summary>One participant's hold on an explicitly configured domain.</summary>
    internal sealed class Lease(uint domainId) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                Release(domainId);
            }
        }
    }
}
