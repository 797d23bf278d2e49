namespace SwarmCoverage.Nodes;

/// <summary>How a node's run ended: a background service that failed records it here (exit code 1).</summary>
public sealed class NodeRun
{
    private Exception? _failure;

    /// <summary>The first failure, if any.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>Records a failure (the first one wins).</summary>
    public void Fail(Exception e) => Interlocked.CompareExchange(ref _failure, e, null);
}
