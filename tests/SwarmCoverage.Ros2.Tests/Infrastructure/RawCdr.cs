using System.Runtime.InteropServices;
using SwarmCoverage.Ros2.Interop;

namespace SwarmCoverage.Ros2.Tests.Infrastructure;

/// <summary>Serialized samples straight from and into Cyclone DDS (dds_takecdr / ddsi_serdata / dds_writecdr).</summary>
internal static unsafe class RawCdr
{
    /// <summary>
    /// Takes one sample from <paramref name="subscription"/> as the bytes Cyclone holds for it (encapsulation header
    /// included), and the pointer to its sertype (for <see cref="Write"/>). Null when nothing is there.
    /// </summary>
    public static (byte[] Bytes, nint SerType)? Take(RosSubscription subscription)
    {
        nint serdata;
        DdsSampleInfo info;
        int n = DdsError.Check(Libddsc.dds_takecdr(subscription.ReaderHandle.Entity, &serdata, 1, &info, Libddsc.DDS_ANY_STATE), "dds_takecdr");
        if (n == 0)
        {
            return null;
        }

        try
        {
            uint size = Libddsc.ddsi_serdata_size(serdata);
            byte[] bytes = new byte[size];
            fixed (byte* p = bytes)
            {
                Libddsc.ddsi_serdata_to_ser(serdata, 0, size, p);
            }

            // struct ddsi_serdata { const ops*; uint32 hash; uint32 refc; enum kind; const struct ddsi_sertype *type; ... }
            nint serType = *(nint*)((byte*)serdata + 24);
            return (bytes, serType);
        }
        finally
        {
            Libddsc.ddsi_serdata_unref(serdata);
        }
    }

    /// <summary>Publishes <paramref name="cdr"/> (encapsulation header included) as-is on <paramref name="publisher"/>'s writer.</summary>
    public static void Write(RosPublisher publisher, nint serType, byte[] cdr)
    {
        fixed (byte* p = cdr)
        {
            var iov = new Iovec { Base = p, Length = (nuint)cdr.Length };
            nint serdata = Libddsc.ddsi_serdata_from_ser_iov(serType, Libddsc.SDK_DATA, 1, &iov, (nuint)cdr.Length);
            if (serdata == 0)
            {
                throw new InvalidOperationException($"Cyclone rejected the bytes {Convert.ToHexString(cdr)} (ddsi_serdata_from_ser_iov returned NULL)");
            }

            // dds_writecdr consumes the reference.
            DdsError.Check(Libddsc.dds_writecdr(publisher.Writer.Entity, serdata), "dds_writecdr");
        }
    }
}
