using System.Globalization;
using Serilog.Core;
using Serilog.Events;
using SwarmCoverage.Nodes;
using RosLog = SwarmCoverage.Ros2.Messages.RclInterfaces.Log;

namespace SwarmCoverage.App.Hosting;

/// <summary>The host's log (Serilog) into the node's <see cref="RosoutLog"/>: what <c>/rosout</c> carries.</summary>
internal sealed class RosoutSerilogSink(RosoutLog rosout) : ILogEventSink
{
    public void Emit(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        if (logEvent.Level < LogEventLevel.Information) return;
        string message = logEvent.RenderMessage(CultureInfo.InvariantCulture);
        if (logEvent.Exception is { } e) message += $" ({e.GetType().Name}: {e.Message})";
        string category = logEvent.Properties.TryGetValue("SourceContext", out var c) && c is ScalarValue { Value: string s } ? s : "";
        byte level = logEvent.Level switch
        {
            LogEventLevel.Information => RosLog.Info,
            LogEventLevel.Warning => RosLog.Warn,
            LogEventLevel.Error => RosLog.Error,
            LogEventLevel.Fatal => RosLog.Fatal,
            _ => RosLog.Debug,
        };
        rosout.Post(new RosoutRecord((logEvent.Timestamp - DateTimeOffset.UnixEpoch).Ticks * 100, level, rosout.Name, message, category));
    }
}
