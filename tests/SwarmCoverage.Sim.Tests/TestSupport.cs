using System.Diagnostics;
using SwarmCoverage.Sim;

namespace SwarmCoverage.Sim.Tests;

internal static class TestSupport
{
    public static RobotSpec Diff(string name, DiffDriveParameters p, RobotPose start = default, OdometryOrigin origin = OdometryOrigin.World) => new()
    {
        Name = name,
        Kind = DriveKind.DifferentialDrive,
        StartPose = start,
        DiffDrive = p,
        OdometryOrigin = origin,
    };

    public static RobotSpec Holo(string name, HolonomicParameters p, RobotPose start = default) => new()
    {
        Name = name,
        Kind = p.Dimensions == 3 ? DriveKind.Holonomic3D : DriveKind.Holonomic2D,
        StartPose = start,
        Holonomic = p,
    };

    /// <summary>Unlimited differential drive with TurtleBot3 geometry.</summary>
    public static DiffDriveParameters Unlimited => new() { WheelSeparationM = 0.16, WheelRadiusM = 0.033 };

    public static string RepositoryRoot
    {
        get
        {
            string? dir = AppContext.BaseDirectory;
            while (dir is not null && !File.Exists(Path.Combine(dir, "SwarmCoverage.sln")))
            {
                dir = Path.GetDirectoryName(dir);
            }

            return dir ?? throw new InvalidOperationException("SwarmCoverage.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static long Bits(double value) => BitConverter.DoubleToInt64Bits(value);
}

/// <summary>Gazebo's SDF parser (ignition-tools + libsdformat), when installed.</summary>
internal static class Ign
{
    private static readonly Lazy<bool> AvailableLazy = new(() =>
    {
        try
        {
            (int code, _) = Run("sdf", "--versions");
            return code == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    public static bool Available => AvailableLazy.Value;

    public const string MissingMessage =
        "`ign` (ignition-tools with libsdformat) is not installed, so Gazebo's SDF parser cannot check the world; CI installs it: apt-get install ignition-tools libsdformat-dev";

    /// <summary>Runs `ign sdf -k file` and returns the exit code and everything it printed.</summary>
    public static (int ExitCode, string Output) Check(string path) => Run("sdf", "-k", path);

    private static (int ExitCode, string Output) Run(params string[] args)
    {
        var info = new ProcessStartInfo("ign") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            throw new TimeoutException("ign " + string.Join(' ', args) + " did not finish in 60 s.");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}

/// <summary>A fact that is skipped, with the reason, where `ign` is not installed.</summary>
public sealed class IgnFactAttribute : FactAttribute
{
    public IgnFactAttribute()
    {
        if (!Ign.Available)
        {
            Skip = Ign.MissingMessage;
        }
    }
}
