using System.Net;
using System.Net.Sockets;
using SwarmCoverage.App.Simulation;
using SwarmCoverage.Control.Configuration;
using SwarmCoverage.Nodes;
using SwarmCoverage.Nodes.Live;

namespace SwarmCoverage.App.Tests.Live;

/// <summary>
/// A <c>simulate --live</c> run in this process, with its Foxglove server (and so the operator console) on a port of
/// its own; disposing stops it and waits for it.
/// </summary>
internal sealed class LiveRun : IAsyncDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly Task _run;
    private bool _disposed;

    private LiveRun(Task run, Uri webSocket, CancellationTokenSource cts)
    {
        _run = run;
        WebSocketUrl = webSocket;
        _cts = cts;
    }

    public Uri WebSocketUrl { get; }

    public Uri ConsoleUrl => LiveFoxglove.ConsoleUrlOf(WebSocketUrl);

    public bool IsRunning => !_run.IsCompleted;

    /// <summary>The run's failure so far, for a message; null while it runs or after a clean end.</summary>
    public string? Failure => _run.Exception?.ToString();

    /// <summary>Cancels the run and waits for it; its final status (Canceled when it stopped on the cancellation).</summary>
    public async Task<TaskStatus> StopAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            await _cts.CancelAsync();
            try
            {
                await _run;
            }
            catch (OperationCanceledException)
            {
            }

            _cts.Dispose();
        }

        return _run.Status;
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Starts <paramref name="paramsYaml"/> live at <paramref name="speed"/> times real time; fails unless its server serves within <paramref name="startSeconds"/>.</summary>
    public static async Task<LiveRun> StartAsync(string paramsYaml, FoxgloveSettings foxglove, double speed, double startSeconds = 60)
    {
        var scenario = Scenario.Load(RosParamsFile.Parse(paramsYaml, "live.yaml", Scenario.NodeName));
        var serving = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var cts = new CancellationTokenSource();
        var live = new LiveOptions { Speed = speed, Foxglove = foxglove, OnServing = serving.SetResult };
        var run = Task.Factory.StartNew(() => SimulationRun.Execute(scenario, null, cts.Token, null, live), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var first = await Task.WhenAny(serving.Task, run, Task.Delay(TimeSpan.FromSeconds(startSeconds)));
        Assert.True(first == serving.Task, run.Exception?.ToString() ?? $"the server did not start (run completed: {run.IsCompleted})");
        return new LiveRun(run, await serving.Task, cts);
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
