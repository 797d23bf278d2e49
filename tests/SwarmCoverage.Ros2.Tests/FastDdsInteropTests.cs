using System.Globalization;
using System.Security.Cryptography;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Tests.Infrastructure;

namespace SwarmCoverage.Ros2.Tests;

/// <summary>A fact skipped, with the reason, when Fast DDS and its code generator are not installed.</summary>
public sealed class RequiresFastDdsFactAttribute : FactAttribute
{
    public RequiresFastDdsFactAttribute()
    {
        if (FastDdsPeer.Missing is { } missing)
        {
            Skip = missing;
        }
    }
}

/// <summary>
/// The C++ Fast DDS 2.9 peer of Assets/fastdds (a ROS 2 node on rmw_fastrtps_cpp in miniature), generated with
/// fastddsgen and built with CMake once per content of its sources; the build is cached in the temp folder.
/// </summary>
public sealed class FastDdsPeer
{
    public FastDdsPeer()
    {
        if (Missing is not null)
        {
            Executable = string.Empty;
            return;
        }

        string source = Path.Combine(Tools.Assets, "fastdds");
        string[] files = [.. Directory.GetFiles(source).Order(StringComparer.Ordinal)];
        string hash = Convert.ToHexString(SHA256.HashData([.. files.SelectMany(File.ReadAllBytes)]))[..16];
        string cache = Path.Combine(Path.GetTempPath(), $"swarm-coverage-fastdds-peer-{hash}");
        Executable = Path.Combine(cache, "build", "fastdds_twist_peer");
        if (File.Exists(Executable))
        {
            return;
        }

        string work = Directory.CreateTempSubdirectory("swarm-coverage-fastdds-build-").FullName;
        foreach (string f in files)
        {
            File.Copy(f, Path.Combine(work, Path.GetFileName(f)));
        }

        _ = Tools.Run("fastddsgen", ["-replace", "Twist.idl"], work);
        _ = Tools.Run("cmake", ["-S", work, "-B", Path.Combine(work, "build"), "-DCMAKE_BUILD_TYPE=Release"], work);
        _ = Tools.Run("cmake", ["--build", Path.Combine(work, "build")], work, TimeSpan.FromMinutes(5));
        try
        {
            Directory.Move(work, cache);
        }
        catch (IOException) when (File.Exists(Executable))
        {
            Directory.Delete(work, recursive: true); // a concurrent run built it first
        }
    }

    public static string? Missing { get; } =
        Tools.Find("fastddsgen") is null ? "fastddsgen not installed (apt-get install fastddsgen libfastrtps-dev)"
        : !Directory.Exists("/usr/lib/x86_64-linux-gnu/cmake/fastrtps") && !Directory.Exists("/usr/lib/cmake/fastrtps") ? "Fast DDS development files not installed (apt-get install libfastrtps-dev)"
        : Tools.Find("cmake") is null || Tools.Find("g++") is null ? "cmake and g++ are needed to build the Fast DDS peer"
        : null;

    public string Executable { get; }
}

/// <summary>
/// Interoperation with a foreign DDS stack: Fast DDS, the default middleware of ROS 2, receives a Twist this library
/// publishes on rt/robot_0/cmd_vel with type geometry_msgs::msg::dds_::Twist_, and publishes one this library receives.
/// </summary>
public sealed class FastDdsInteropTests(FastDdsPeer peer) : IClassFixture<FastDdsPeer>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [RequiresFastDdsFact]
    public void Fast_DDS_receives_a_Twist_published_by_this_library()
    {
        uint domain = Dds.NewDomainId();
        using PeerProcess listener = Dds.StartProgram(peer.Executable, ["listen", domain.ToString(CultureInfo.InvariantCulture), "rt/robot_0/cmd_vel", "45"]);
        Assert.Equal("TYPE geometry_msgs::msg::dds_::Twist_", listener.WaitForLine("TYPE", Timeout));

        using RosParticipant participant = Dds.Participant(domain, "controller");
        using RosPublisher<Twist> cmd = participant.CreatePublisher<Twist>("/robot_0/cmd_vel");
        Assert.True(cmd.WaitForSubscriptions(1, Timeout), $"Fast DDS reader never matched\n{string.Join('\n', listener.Lines)}\n{listener.Errors}");

        // Our writer may discover the reader before the reader discovers it, and a volatile reader does not ask for
        // what was written before it matched: publish until the listener has one (as a control loop would anyway).
        var stop = new CancellationTokenSource();
        Task publishing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                cmd.Publish(Twist.Planar(0.1, -0.25));
                await Task.Delay(50).ConfigureAwait(false);
            }
        });
        try
        {
            Assert.Equal("TWIST 0.10000000000000001 0 0 0 0 -0.25", listener.WaitForLine("TWIST", Timeout));
        }
        finally
        {
            stop.Cancel();
            publishing.Wait();
        }

        Assert.Equal(0, listener.WaitForExit(Timeout));
    }

    [RequiresFastDdsFact]
    public void This_library_receives_a_Twist_published_by_Fast_DDS()
    {
        uint domain = Dds.NewDomainId();
        using RosParticipant participant = Dds.Participant(domain, "robot_driver");
        using RosSubscription<Twist> cmd = participant.CreateSubscription<Twist>("/robot_3/cmd_vel");
        using PeerProcess talker = Dds.StartProgram(peer.Executable,
            ["talk", domain.ToString(CultureInfo.InvariantCulture), "rt/robot_3/cmd_vel", "45", "0.2", "0", "0", "0", "0", "1.5"]);

        Assert.True(cmd.WaitForData(Timeout), $"nothing from Fast DDS\n{string.Join('\n', talker.Lines)}\n{talker.Errors}");
        Twist got = default;
        Assert.True(cmd.TryTake(ref got));
        Assert.Equal(Twist.Planar(0.2, 1.5), got);
        Assert.Equal(0, talker.WaitForExit(Timeout));
    }
}
