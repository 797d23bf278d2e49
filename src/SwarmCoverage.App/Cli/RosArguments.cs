using SwarmCoverage.Core;

namespace SwarmCoverage.App.Cli;

/// <summary>
/// ROS 2's command-line section, as rcl splits it: everything between <c>--ros-args</c> and <c>--</c> (or the end;
/// there may be several sections) is for ROS, the rest for the program. Only <c>--enclave NAME</c> / <c>-e NAME</c>
/// is read so far (the SROS2 enclave, docs/security.md); any other ROS argument is refused rather than silently
/// ignored, so a later full parser (remapping, parameters, log levels) only adds cases here.
/// </summary>
/// <param name="Enclave">The enclave given with <c>--enclave</c> (the last one wins, as in rcl); null when absent.</param>
public sealed record RosArguments(string? Enclave)
{
    /// <summary>No ROS arguments.</summary>
    public static RosArguments None { get; } = new((string?)null);

    /// <summary>Splits <paramref name="args"/> into the program's arguments and the ROS arguments; throws <see cref="InputException"/> naming a bad one.</summary>
    public static (string[] Program, RosArguments Ros) Split(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var program = new List<string>(args.Count);
        string? enclave = null;
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] != "--ros-args")
            {
                program.Add(args[i]);
                continue;
            }

            for (i++; i < args.Count && args[i] != "--"; i++)
            {
                string a = args[i];
                if (a == "--ros-args")
                {
                    continue; // a second section right after the first
                }

                if (a is "--enclave" or "-e")
                {
                    if (i + 1 >= args.Count || args[i + 1] is "--" or "--ros-args")
                        throw new InputException($"--ros-args {a}: give the enclave name, e.g. {a} /swarm_coverage");
                    enclave = args[++i];
                }
                else if (a.StartsWith("--enclave=", StringComparison.Ordinal))
                {
                    enclave = a["--enclave=".Length..];
                }
                else
                {
                    throw new InputException($"--ros-args {a}: not supported; this program reads only --enclave NAME (-e NAME) among the ROS arguments");
                }
            }
        }

        return ([.. program], enclave is null ? None : new RosArguments(enclave));
    }
}
