using Spectre.Console;

namespace SwarmCoverage.App.Cli;

/// <summary>A progress bar on stderr when it is a terminal; silent otherwise (pipes, tests, CI logs).</summary>
internal static class Progress
{
    public static T Run<T>(TextWriter stderr, string title, Func<IProgress<double>?, T> work)
    {
        if (!ReferenceEquals(stderr, Console.Error) || Console.IsErrorRedirected)
            return work(null);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(title, maxValue: 1.0);
                result = work(new Reporter(task));
                task.Value = 1.0;
            });
        return result;
    }

    private sealed class Reporter(ProgressTask task) : IProgress<double>
    {
        public void Report(double value) => task.Value = Math.Clamp(value, 0, 1);
    }
}
