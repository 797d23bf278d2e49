using System.Security.Cryptography;
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
