using System.CommandLine;
using SwarmCoverage.Core;

namespace SwarmCoverage.App.Cli;

/// <summary>
/// The <c>swarm-coverage</c> command. Exit codes: 0 success, 1 a check failed (for example the convergence order
/// of <c>verify</c>), 2 bad input (a one-line message on stderr that names the file, line, key or option).
/// </summary>
public static class CommandLine
{
    public const int Ok = 0;
    public const int CheckFailed = 1;
    public const int BadInput = 2;

    public static RootCommand Build(TextWriter stdout, TextWriter stderr) => Build(stdout, stderr, RosArguments.None);

    /// <summary>The command tree; the ROS 2 nodes take <paramref name="ros"/> (what followed <c>--ros-args</c>).</summary>
    public static RootCommand Build(TextWriter stdout, TextWriter stderr, RosArguments ros)
    {
        var root = new RootCommand(
            "SwarmCoverage: deterministic robot swarm coverage by the blob method (Wasserstein gradient flow of the chi-squared divergence).");
        root.Subcommands.Add(VelocitiesCommand.Create(stdout, stderr));
        root.Subcommands.Add(FlowCommand.Create(stdout, stderr));
        root.Subcommands.Add(SampleCommand.Create(stdout, stderr));
        root.Subcommands.Add(VerifyCommand.Create(stdout, stderr));
        root.Subcommands.Add(BenchCommand.Create(stdout, stderr));
        root.Subcommands.Add(SimulateCommand.Create(stdout, stderr, TimeProvider.System));
        root.Subcommands.Add(ReplayCommand.Create(stdout, stderr));
        root.Subcommands.Add(ParametersCommand.Create(stdout));
        root.Subcommands.Add(NodeCommands.Controller(ros));
        root.Subcommands.Add(NodeCommands.Sim(ros));
        root.Subcommands.Add(SecurityCommand.Create(stdout, stderr, TimeProvider.System));
        return root;
    }

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        string[] programArgs;
        RosArguments ros;
        try
        {
            (programArgs, ros) = RosArguments.Split(args);
        }
        catch (InputException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return BadInput;
        }

        var root = Build(stdout, stderr, ros);
        var parse = root.Parse(programArgs);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) stderr.WriteLine($"error: {e.Message}");
            stderr.WriteLine("Run with --help for usage.");
            return BadInput;
        }
        try
        {
            var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
            // The ROS 2 nodes stop through the generic host (publishing zero to every robot first), not System.CommandLine's 2 s timeout.
            if (NodeCommands.HostVerbs.Contains(parse.CommandResult.Command.Name)) config.ProcessTerminationTimeout = null;
            return parse.Invoke(config);
        }
        catch (InputException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return BadInput;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("cancelled");
            return 130;
        }
    }
}
