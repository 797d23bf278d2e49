using System.Diagnostics;

namespace SwarmCoverage.Ros2.Tests.Infrastructure;

/// <summary>A fact skipped, with the reason, when the process is not root (mount namespaces need CAP_SYS_ADMIN).</summary>
public sealed class RequiresRootFactAttribute : FactAttribute
{
    public RequiresRootFactAttribute()
    {
        if (Environment.UserName != "root" || Tools.Find("unshare") is null)
        {
            Skip = "needs root and unshare (util-linux) for a private mount namespace";
        }
    }
}

/// <summary>A fact skipped, with the reason, when python3 cannot import catkin_pkg (Debian: python3-catkin-pkg).</summary>
public sealed class RequiresCatkinPkgFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> Available = new(() =>
    {
        if (!File.Exists(Tools.RosPython) && Tools.Find(Tools.RosPython) is null)
        {
            return false;
        }

        using Process p = Process.Start(new ProcessStartInfo(Tools.RosPython, ["-c", "import catkin_pkg"]) { RedirectStandardError = true })!;
        p.WaitForExit();
        return p.ExitCode == 0;
    });

    public RequiresCatkinPkgFactAttribute()
    {
        if (!Available.Value)
        {
            Skip = "python3 with catkin_pkg not installed (apt-get install python3-catkin-pkg)";
        }
    }
}
