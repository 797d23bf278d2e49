using SwarmCoverage.Control.Configuration;
using SwarmCoverage.Core;
using SwarmCoverage.Nodes;
using SwarmCoverage.Ros2;

namespace SwarmCoverage.App.Cli;

/// <summary>A ROS log level, as <c>--log-level</c> takes it.</summary>
public enum RosLogLevel
{
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
}

/// <summary>
/// ROS 2's command-line section, as rcl splits and parses it: everything between <c>--ros-args</c> and <c>--</c> (or
/// the end; there may be several sections) is for ROS, the rest for the program. Read as rcl reads them, each flag
/// followed by its value as a separate argument:
/// <list type="bullet">
/// <item><c>-r</c>/<c>--remap [node:]from:=to</c>: <c>__node:=NAME</c> (or <c>__name:=</c>), <c>__ns:=/NS</c>, or a
/// topic/service name (<c>rostopic://</c> or <c>rosservice://</c> limit it to one kind);</item>
/// <item><c>-p</c>/<c>--param [node:]name:=value</c>: a dotted name, a YAML scalar or flow list;</item>
/// <item><c>--params-file FILE</c> (several; a later one wins, the <c>-p</c> overrides after all of them);</item>
/// <item><c>-e</c>/<c>--enclave NAME</c> (the SROS2 enclave, docs/security.md; <c>--enclave=NAME</c> too);</item>
/// <item><c>--log-level [name:=]LEVEL</c>, <c>--enable-/--disable-rosout-logs</c>, <c>--enable-/--disable-stdout-logs</c>,
/// <c>--enable-/--disable-external-lib-logs</c>.</item>
/// </list>
/// Anything else starting with <c>-</c> is refused, listing what is supported; errors use rcl's wording.
/// </summary>
public sealed record RosArguments
{
    /// <summary>What <see cref="Unknown"/> lists.</summary>
    public const string Supported =
        "-r/--remap RULE, -p/--param NAME:=VALUE, --params-file FILE, -e/--enclave NAME, --log-level [NAME:=]LEVEL, " +
        "--enable-rosout-logs, --disable-rosout-logs, --enable-stdout-logs, --disable-stdout-logs, --enable-external-lib-logs, --disable-external-lib-logs";

    public RosArguments()
    {
    }

    /// <param name="enclave">The enclave given with <c>--enclave</c>.</param>
    public RosArguments(string? enclave) => Enclave = enclave;

    /// <summary>No ROS arguments.</summary>
    public static RosArguments None { get; } = new();

    /// <summary>The enclave given with <c>--enclave</c> (the last one wins, as in rcl); null when absent.</summary>
    public string? Enclave { get; init; }

    /// <summary>The <c>-r</c> rules in order (rcl takes the first that matches).</summary>
    public IReadOnlyList<RosRemapRule> Remappings { get; init; } = [];

    /// <summary>The <c>-p</c> overrides in order (a later one wins).</summary>
    public IReadOnlyList<RosParameterOverride> Parameters { get; init; } = [];

    /// <summary>The <c>--params-file</c> files in order (a later one wins), as given.</summary>
    public IReadOnlyList<string> ParamsFiles { get; init; } = [];

    /// <summary>The default level of <c>--log-level LEVEL</c> (the last one wins); null when absent.</summary>
    public RosLogLevel? LogLevel { get; init; }

    /// <summary>The levels of <c>--log-level NAME:=LEVEL</c>, by logger name (the last one wins).</summary>
    public IReadOnlyDictionary<string, RosLogLevel> LoggerLevels { get; init; } = new Dictionary<string, RosLogLevel>();

    /// <summary><c>--enable-rosout-logs</c> (true) or <c>--disable-rosout-logs</c> (false), the last one; null: rcl's default (enabled).</summary>
    public bool? RosoutLogs { get; init; }

    /// <summary><c>--enable-stdout-logs</c> / <c>--disable-stdout-logs</c>, the last one; null: rcl's default (enabled).</summary>
    public bool? StdoutLogs { get; init; }

    /// <summary><c>--enable-external-lib-logs</c> / <c>--disable-external-lib-logs</c>, the last one; null: rcl's default.</summary>
    public bool? ExternalLibLogs { get; init; }

    /// <summary>What the nodes' settings take: the remapping rules, the params files and the parameter overrides.</summary>
    public RosNodeArguments Node => new() { Remappings = Remappings, ParamsFiles = ParamsFiles, Parameters = Parameters };

    /// <summary>
    /// The level for the node's logger: <c>--log-level NAME:=LEVEL</c> for <paramref name="loggerName"/> (rcl's logger
    /// name of a node: its namespace and name with '.' for '/', e.g. <c>lab.ctl</c>), else the default level; null when neither.
    /// </summary>
    public RosLogLevel? LogLevelFor(string loggerName) =>
        LoggerLevels.TryGetValue(loggerName, out var l) ? l : LogLevel;

    /// <summary>rcl's logger name of the node <paramref name="nodeName"/> in <paramref name="namespace"/>: <c>ctl</c>, <c>lab.ctl</c>.</summary>
    public static string LoggerName(string @namespace, string nodeName) =>
        RosRemapping.FullName(@namespace, nodeName).TrimStart('/').Replace('/', '.');

    /// <summary>Splits <paramref name="args"/> into the program's arguments and the ROS arguments; throws <see cref="InputException"/> naming a bad one.</summary>
    public static (string[] Program, RosArguments Ros) Split(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var program = new List<string>(args.Count);
        var remaps = new List<RosRemapRule>();
        var parameters = new List<RosParameterOverride>();
        var files = new List<string>();
        var loggers = new Dictionary<string, RosLogLevel>(StringComparer.Ordinal);
        string? enclave = null;
        RosLogLevel? level = null;
        bool? rosout = null, stdout = null, external = null;
        bool any = false;
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] != "--ros-args")
            {
                program.Add(args[i]);
                continue;
            }

            any = true;
            for (i++; i < args.Count && args[i] != "--"; i++)
            {
                string a = args[i];
                bool hasValue = i + 1 < args.Count && args[i + 1] is not ("--" or "--ros-args");
                switch (a)
                {
                    case "--ros-args":
                        continue; // a second section right after the first
                    case "-e" or "--enclave":
                        if (!hasValue) throw new InputException($"--ros-args {a}: give the enclave name, e.g. {a} /swarm_coverage (Couldn't parse trailing {a} flag. No enclave path provided.)");
                        enclave = args[++i];
                        continue;
                    case "-r" or "--remap":
                        if (!hasValue) throw new InputException($"--ros-args {a}: Couldn't parse trailing {a} flag. No remap rule found.");
                        remaps.Add(ParseRemap(a, args[++i]));
                        continue;
                    case "-p" or "--param":
                        if (!hasValue) throw new InputException($"--ros-args {a}: Couldn't parse trailing {a} flag. No parameter override rule found.");
                        parameters.Add(ParseParameter(a, args[++i]));
                        continue;
                    case "--params-file":
                        if (!hasValue) throw new InputException($"--ros-args {a}: Couldn't parse trailing {a} flag. No file path provided.");
                        files.Add(CheckParamsFile(a, args[++i]));
                        continue;
                    case "--log-level":
                        if (!hasValue) throw new InputException($"--ros-args {a}: Couldn't parse trailing log level flag: '{a}'. No log level provided.");
                        string rule = args[++i];
                        int sep = rule.IndexOf(":=", StringComparison.Ordinal);
                        if (sep < 0)
                        {
                            level = ParseLevel(a, rule, rule);
                        }
                        else
                        {
                            string logger = rule[..sep];
                            if (logger.Length == 0) throw new InputException($"--ros-args Couldn't parse log level: '{a} {rule}'. Error: the logger name before ':=' is empty");
                            loggers[logger] = ParseLevel(a, rule, rule[(sep + 2)..]);
                        }

                        continue;
                    case "--enable-rosout-logs": rosout = true; continue;
                    case "--disable-rosout-logs": rosout = false; continue;
                    case "--enable-stdout-logs": stdout = true; continue;
                    case "--disable-stdout-logs": stdout = false; continue;
                    case "--enable-external-lib-logs": external = true; continue;
                    case "--disable-external-lib-logs": external = false; continue;
                }

                if (a.StartsWith("--enclave=", StringComparison.Ordinal))
                {
                    enclave = a["--enclave=".Length..];
                    continue;
                }

                throw new InputException(a.StartsWith('-')
                    ? $"--ros-args {a}: unknown ROS argument; supported: {Supported}"
                    : $"--ros-args {a}: not a ROS argument (a value must follow its flag, e.g. -r from:=to, -p name:=value); supported: {Supported}");
            }
        }

        if (!any) return ([.. program], None);
        return ([.. program], new RosArguments
        {
            Enclave = enclave,
            Remappings = remaps,
            Parameters = parameters,
            ParamsFiles = files,
            LogLevel = level,
            LoggerLevels = loggers,
            RosoutLogs = rosout,
            StdoutLogs = stdout,
            ExternalLibLogs = external,
        });
    }

    /// <summary>
    /// A remap rule as rcl's lexer reads it: <c>[node:]from:=to</c>; <c>from</c> is <c>__node</c>/<c>__name</c> (then
    /// <c>to</c> is a node name), <c>__ns</c> (an absolute namespace), or a topic or service name (wildcards are refused,
    /// as rcl does not implement them).
    /// </summary>
    public static RosRemapRule ParseRemap(string flag, string rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        InputException Bad(string why) => new($"--ros-args Couldn't parse remap rule: '{flag} {rule}'. Error: {why}");
        int sep = rule.IndexOf(":=", StringComparison.Ordinal);
        if (sep < 0) throw Bad("expected 'from:=to' (':=' not found)");
        string left = rule[..sep], to = rule[(sep + 2)..];
        string? node = null;
        // A node name prefix ends at the first ':' not part of '://'.
        int colon = left.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0 && !left.AsSpan(colon).StartsWith("://", StringComparison.Ordinal))
        {
            node = left[..colon];
            left = left[(colon + 1)..];
            try
            {
                RosNames.ValidateNodeName(node);
            }
            catch (ArgumentException e)
            {
                throw Bad($"the node name prefix: {Message(e)}");
            }
        }

        if (left.Length == 0) throw Bad("the name to remap (before ':=') is empty");
        if (to.Length == 0) throw Bad("the replacement (after ':=') is empty");
        try
        {
            switch (left)
            {
                case "__node" or "__name":
                    RosNames.ValidateNodeName(to);
                    return new RosRemapRule(node, RosRemapKind.NodeName, left, to);
                case "__ns":
                    if (!to.StartsWith('/')) throw new ArgumentException($"namespace '{to}' is not absolute (must start with '/')");
                    RosNames.ValidateNamespace(to);
                    return new RosRemapRule(node, RosRemapKind.Namespace, left, to);
            }

            var kind = RosRemapKind.TopicOrService;
            string from = left;
            if (from.StartsWith("rostopic://", StringComparison.Ordinal)) (kind, from) = (RosRemapKind.Topic, from["rostopic://".Length..]);
            else if (from.StartsWith("rosservice://", StringComparison.Ordinal)) (kind, from) = (RosRemapKind.Service, from["rosservice://".Length..]);
            if (from.Contains('*', StringComparison.Ordinal)) throw new ArgumentException($"'{from}' has a wildcard; remapping wildcards are not implemented (in rcl either)");
            if (from.Length == 0) throw new ArgumentException("the name to remap is empty");
            // Checked by expanding in a placeholder node: the node's own name and namespace are applied when matching.
            _ = RosNames.ExpandTopicName(from, "/", "node");
            _ = RosNames.ExpandTopicName(to, "/", "node");
            return new RosRemapRule(node, kind, from, to);
        }
        catch (ArgumentException e)
        {
            throw Bad(Message(e));
        }
    }

    /// <summary>
    /// A parameter override as rcl reads it: <c>[node:]name:=value</c>, the name dotted tokens (<c>safety.radius_m</c>),
    /// the value a YAML scalar or flow list (<c>true</c>, <c>3</c>, <c>0.5</c>, <c>hello</c>, <c>[1.0, 2.0]</c>).
    /// </summary>
    public static RosParameterOverride ParseParameter(string flag, string rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        InputException Bad(string why) => new($"--ros-args Couldn't parse parameter override rule: '{flag} {rule}'. Error: {why}");
        int sep = rule.IndexOf(":=", StringComparison.Ordinal);
        if (sep < 0) throw Bad("expected 'name:=value' (':=' not found)");
        string left = rule[..sep], value = rule[(sep + 2)..];
        string? node = null;
        int colon = left.LastIndexOf(':');
        if (colon >= 0)
        {
            node = left[..colon];
            left = left[(colon + 1)..];
            if (node.Length == 0) throw Bad("the node name before ':' is empty");
            if (node != "/**")
            {
                try
                {
                    if (node.StartsWith('/')) RosNames.ValidateFullTopicName(node.Replace("/**", "", StringComparison.Ordinal).Replace("/*", "/x", StringComparison.Ordinal) is { Length: > 0 } n ? n : "/x");
                    else RosNames.ValidateNodeName(node);
                }
                catch (ArgumentException e)
                {
                    throw Bad($"the node name prefix: {Message(e)}");
                }
            }
        }

        if (left.Length == 0) throw Bad("the parameter name is empty");
        foreach (string token in left.Split('.'))
        {
            if (token.Length == 0 || char.IsAsciiDigit(token[0]) || !token.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                throw Bad($"parameter name '{left}' is not dotted name tokens (letters, digits and '_', not starting with a digit, separated by '.')");
        }

        if (RosParamsFile.OverrideValueError(value) is { } error) throw Bad(error);
        return new RosParameterOverride(node, left, value);
    }

    private static string CheckParamsFile(string flag, string path)
    {
        try
        {
            if (!File.Exists(path)) throw new InputException($"{path}: params file not found");
            RosParamsFile.CheckSyntax(path);
            return path;
        }
        catch (InputException e)
        {
            throw new InputException($"--ros-args Couldn't parse params file: '{flag} {path}'. Error: {e.Message}", e);
        }
    }

    private static RosLogLevel ParseLevel(string flag, string rule, string level) =>
        level.ToUpperInvariant() switch
        {
            "DEBUG" => RosLogLevel.Debug,
            "INFO" => RosLogLevel.Info,
            "WARN" or "WARNING" => RosLogLevel.Warn,
            "ERROR" => RosLogLevel.Error,
            "FATAL" => RosLogLevel.Fatal,
            _ => throw new InputException($"--ros-args Couldn't parse log level: '{flag} {rule}'. Error: '{level}' is not a log level; allowed: debug, info, warn, error, fatal (any case)"),
        };

    private static string Message(ArgumentException e) =>
        e.ParamName is { } n ? e.Message.Replace($" (Parameter '{n}')", "", StringComparison.Ordinal) : e.Message;
}
