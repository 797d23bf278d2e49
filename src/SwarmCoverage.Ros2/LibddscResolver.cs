using System.Reflection;
using System.Runtime.InteropServices;

using SwarmCoverage.Ros2.Interop;

namespace SwarmCoverage.Ros2;

/// <summary>
/// Finds libddsc under the names it has on the systems the project runs on: Debian's soname
/// <c>libddsc.so.0debian</c> (package libddsc0debian), the upstream soname <c>libddsc.so.0</c>
/// (ROS 2 images), the development link <c>libddsc.so</c>, or an explicit path in the
/// <see cref="OverrideVariable"/> environment variable.
/// </summary>
public static class LibddscResolver
{
    /// <summary>Environment variable holding a path (or soname) of libddsc that takes precedence over the search.</summary>
    public const string OverrideVariable = "SWARM_COVERAGE_LIBDDSC";

    /// <summary>The names tried in order after the override.</summary>
    public static IReadOnlyList<string> CandidateNames { get; } =
    [
        "libddsc.so.0debian",
        "libddsc.so.0",
        "libddsc.so",
        "libddsc.dylib",
        "ddsc.dll",
    ];

    private static readonly Lock Gate = new();
    private static bool registered;
    private static nint handle;
    private static string? loadedFrom;

    /// <summary>Where libddsc was loaded from (the name or path that succeeded), or null before the first load.</summary>
    public static string? LoadedFrom
    {
        get
        {
            lock (Gate)
            {
                return loadedFrom;
            }
        }
    }

    /// <summary>
    /// Loads libddsc now (idempotent). Throws <see cref="DllNotFoundException"/> naming every name tried and the
    /// Debian package to install when it cannot be found.
    /// </summary>
    public static void EnsureLoaded()
    {
        Register();
        _ = Load();
    }

    internal static void Register()
    {
        lock (Gate)
        {
            if (registered)
            {
                return;
            }

            NativeLibrary.SetDllImportResolver(typeof(LibddscResolver).Assembly, Resolve);
            registered = true;
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != Libddsc.LibraryName)
        {
            return 0;
        }

        return Load();
    }

    private static nint Load()
    {
        lock (Gate)
        {
            if (handle != 0)
            {
                return handle;
            }

            var tried = new List<string>();
            string? overridePath = Environment.GetEnvironmentVariable(OverrideVariable);
            if (!string.IsNullOrWhiteSpace(overridePath))
            {
                if (NativeLibrary.TryLoad(overridePath, out handle))
                {
                    loadedFrom = overridePath;
                    return handle;
                }

                throw new DllNotFoundException(
                    $"{OverrideVariable}='{overridePath}' does not name a loadable libddsc (Eclipse Cyclone DDS C library). " +
                    $"Unset it to search {string.Join(", ", CandidateNames)}, or point it at libddsc.so.0.");
            }

            foreach (string name in CandidateNames)
            {
                tried.Add(name);
                if (NativeLibrary.TryLoad(name, out handle))
                {
                    loadedFrom = name;
                    return handle;
                }
            }

            throw new DllNotFoundException(
                "libddsc (Eclipse Cyclone DDS 0.10.x C library) was not found; tried " + string.Join(", ", tried) + ". " +
                "Install it with 'apt-get install libddsc0debian' (Debian/Ubuntu), use a ROS 2 image that ships libddsc.so.0, " +
                $"or set {OverrideVariable} to the library's path.");
        }
    }
}
