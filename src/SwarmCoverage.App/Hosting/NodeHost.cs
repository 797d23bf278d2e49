using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using SwarmCoverage.Nodes;

namespace SwarmCoverage.App.Hosting;

/// <summary>
/// The generic host the ROS 2 nodes run in: Serilog's two-stage start-up (a bootstrap console logger until the host
/// is built, then the configured one: console, plus whatever <c>Serilog</c> configuration appsettings.json or
/// <c>Serilog__...</c> environment variables add), the services of the node, and the host's own SIGINT/SIGTERM
/// handling (graceful stop: every service's shutdown runs). Parameters are checked before the host runs: a bad one
/// throws <see cref="Core.InputException"/> (exit code 2).
/// </summary>
public static class NodeHost
{
    /// <summary>Console template: time, level, message (structured properties rendered in place).</summary>
    public const string OutputTemplate = "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {Message:lj}{NewLine}{Exception}";

    /// <summary>
    /// Builds and runs a host. <paramref name="configure"/> adds the node's services; <paramref name="start"/> resolves
    /// (and so validates) them before the host starts. Returns 0 after a clean stop, 1 when a service failed, 2 when Cyclone refused the SROS2 enclave or its permissions do not cover a topic of the node.
    /// </summary>
    /// <param name="rosout">The node's <c>/rosout</c>: every line of the host's log at Information and above goes to it too.</param>
    public static int Run(string verb, Action<HostApplicationBuilder> configure, Action<IServiceProvider> start, CancellationToken cancellationToken, RosoutLog? rosout = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentNullException.ThrowIfNull(start);
        Log.Logger = new LoggerConfiguration()
            .WriteTo.Console(outputTemplate: OutputTemplate, formatProvider: CultureInfo.InvariantCulture)
            .CreateBootstrapLogger();
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ApplicationName = "swarm-coverage" });
            builder.Logging.ClearProviders();
            builder.Services.AddSerilog((services, lc) =>
            {
                lc.ReadFrom.Configuration(builder.Configuration)
                    .ReadFrom.Services(services)
                    .Enrich.FromLogContext()
                    .Enrich.WithProperty("Verb", verb)
                    .WriteTo.Console(outputTemplate: OutputTemplate, formatProvider: CultureInfo.InvariantCulture);
                if (rosout is not null) lc.WriteTo.Sink(new RosoutSerilogSink(rosout));
            });
            builder.Services.Configure<HostOptions>(o =>
            {
                o.ShutdownTimeout = TimeSpan.FromSeconds(15);
                o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost;
            });
            builder.Services.AddSingleton<NodeRun>();
            if (rosout is not null) builder.Services.AddSingleton(rosout);
            configure(builder);
            using var host = builder.Build();
            try
            {
                start(host.Services);
            }
            catch (Ros2.DdsException e) when (e.IsNotAllowedBySecurity)
            {
                // The enclave's permissions do not cover a topic the node uses: a configuration error, like a bad file.
                Console.Error.WriteLine($"error: {verb}: {e.Message}; the permissions.p7s of its enclave do not allow this topic (make them with security create-permissions --controller/--sim PARAMS)");
                return 2;
            }
            catch (Ros2.Security.RosSecurityException e)
            {
                // Cyclone refused the enclave's files (the checks before start passed): bad input, naming the file.
                Console.Error.WriteLine($"error: {verb}: {e.Message}");
                return 2;
            }
            catch (Exception e) when (e is DllNotFoundException or Ros2.DdsException)
            {
                // No Cyclone DDS, or Cyclone refused (a bad CYCLONEDDS_URI, a domain id out of range): say so in one line.
                Console.Error.WriteLine($"error: {verb}: {e.Message}");
                return 1;
            }

            var run = host.Services.GetRequiredService<NodeRun>();
            host.RunAsync(cancellationToken).GetAwaiter().GetResult();
            var failure = run.Failure;
            if (failure is not null)
            {
                Log.Fatal(failure, "{Verb} stopped after a failure", verb);
                return 1;
            }

            return 0;
        }
        finally
        {
            Log.CloseAndFlush();
        }
    }
}
