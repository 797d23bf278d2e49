namespace SwarmCoverage.Ros2.Security;

/// <summary>What to do when security is enabled but the enclave's files are missing or bad (<c>ROS_SECURITY_STRATEGY</c>).</summary>
public enum RosSecurityStrategy
{
    /// <summary>Warn and run without security (rcl's default: any value but <c>Enforce</c>).</summary>
    Permissive,

    /// <summary>Refuse to start.</summary>
    Enforce,
}

/// <summary>The outcome of <see cref="RosSecurity.Resolve"/>: the files to use (null: unsecured) and what to tell the operator.</summary>
public sealed record RosSecurityOutcome
{
    /// <summary>The enclave's files, checked; null when the participant runs without security.</summary>
    public DdsSecurityFiles? Files { get; init; }

    /// <summary>The enclave name in effect (<c>ROS_SECURITY_ENCLAVE_OVERRIDE</c>, else the caller's, else <c>/</c>).</summary>
    public required string Enclave { get; init; }

    /// <summary>The directory the enclave resolved to, when a keystore was given.</summary>
    public string? EnclaveDirectory { get; init; }

    /// <summary>Whether <c>ROS_SECURITY_ENABLE</c> is <c>true</c>.</summary>
    public bool Enabled { get; init; }

    /// <summary>The strategy in effect.</summary>
    public RosSecurityStrategy Strategy { get; init; }

    /// <summary>What was found in the enclave (null when unsecured).</summary>
    public EnclaveCheck? Check { get; init; }

    /// <summary>True when security was asked for but the participant will run without it (Permissive).</summary>
    public bool IsDowngraded => Enabled && Files is null;

    /// <summary>One line for the log: secured with which enclave, off, or (Permissive) running unsecured and why.</summary>
    public required string Message { get; init; }

    /// <summary><paramref name="options"/> with this outcome's security files and enclave name.</summary>
    public RosParticipantOptions Apply(RosParticipantOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options with { Security = Files, Enclave = Enclave };
    }
}

/// <summary>
/// ROS 2's security switches, read as rcl reads them (<c>rcl_get_security_options_from_environment</c>,
/// docs/security.md, "Switches"): <c>ROS_SECURITY_ENABLE</c> must be exactly <c>true</c>; <c>ROS_SECURITY_STRATEGY</c>
/// exactly <c>Enforce</c> enforces, anything else is permissive; <c>ROS_SECURITY_KEYSTORE</c> is the keystore;
/// the enclave is <c>ROS_SECURITY_ENCLAVE_OVERRIDE</c> when set and non-empty, else the name the caller passes
/// (<c>--ros-args --enclave</c>), else <c>/</c>; it resolves to <c>keystore/enclaves/&lt;enclave without its leading /&gt;</c>.
/// Unlike rcl, the files are checked here (<see cref="EnclaveValidator"/>) and Permissive also falls back to
/// running unsecured when they are present but invalid, with a warning that says why.
/// </summary>
public static class RosSecurity
{
    public const string EnableVariable = "ROS_SECURITY_ENABLE";
    public const string StrategyVariable = "ROS_SECURITY_STRATEGY";
    public const string KeystoreVariable = "ROS_SECURITY_KEYSTORE";
    public const string EnclaveOverrideVariable = "ROS_SECURITY_ENCLAVE_OVERRIDE";

    /// <summary>
    /// Decides whether and how a participant on <paramref name="domainId"/> runs secured. Throws
    /// <see cref="RosSecurityException"/> (naming the file or variable) when security is enabled, the strategy is
    /// Enforce and anything is missing or invalid.
    /// </summary>
    /// <param name="enclave">The enclave name from the command line (<c>--enclave</c>); null: <c>/</c>.</param>
    /// <param name="domainId">The participant's domain (the governance and permissions must cover it).</param>
    /// <param name="time">The clock for certificate and permissions validity.</param>
    /// <param name="getEnvironmentVariable">The environment (default: the process's).</param>
    public static RosSecurityOutcome Resolve(string? enclave, uint domainId, TimeProvider time, Func<string, string?>? getEnvironmentVariable = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        Func<string, string?> env = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        string? overrideName = NonEmpty(env(EnclaveOverrideVariable));
        string name = overrideName ?? enclave ?? "/";
        bool enabled = env(EnableVariable) == "true";
        RosSecurityStrategy strategy = env(StrategyVariable) == "Enforce" ? RosSecurityStrategy.Enforce : RosSecurityStrategy.Permissive;
        if (!enabled)
        {
            return new RosSecurityOutcome { Enclave = name, Enabled = false, Strategy = strategy, Message = $"security off ({EnableVariable} is not 'true')" };
        }

        try
        {
            RosKeystore.ValidateEnclaveName(name);
        }
        catch (ArgumentException e)
        {
            return Fail(strategy, name, null, new RosSecurityException(null, (overrideName is null ? "--enclave: " : $"{EnclaveOverrideVariable}: ") + e.Message));
        }

        string? keystore = NonEmpty(env(KeystoreVariable));
        if (keystore is null)
        {
            return Fail(strategy, name, null, new RosSecurityException(null, $"{EnableVariable}=true but {KeystoreVariable} is not set"));
        }

        string dir = RosKeystore.EnclaveDirectory(keystore, name);
        if (!Directory.Exists(dir))
        {
            return Fail(strategy, name, dir, new RosSecurityException(dir, $"enclave '{name}' not found: the directory does not exist in keystore {Path.GetFullPath(keystore)} ({KeystoreVariable})"));
        }

        DdsSecurityFiles files = DdsSecurityFiles.FromEnclave(dir);
        EnclaveCheck check;
        try
        {
            check = EnclaveValidator.Validate(files, domainId, time);
        }
        catch (RosSecurityException e)
        {
            return Fail(strategy, name, dir, e);
        }

        return new RosSecurityOutcome
        {
            Files = files,
            Enclave = name,
            EnclaveDirectory = dir,
            Enabled = true,
            Strategy = strategy,
            Check = check,
            Message = $"security on: enclave '{name}' ({dir}), subject {check.Subject}, certificate valid to {Certificates.Iso(check.CertificateNotAfter)}, permissions to {Certificates.Iso(check.PermissionsNotAfter)}, strategy {strategy}",
        };
    }

    private static RosSecurityOutcome Fail(RosSecurityStrategy strategy, string enclave, string? dir, RosSecurityException error)
    {
        if (strategy == RosSecurityStrategy.Enforce)
        {
            throw error;
        }

        return new RosSecurityOutcome
        {
            Enclave = enclave,
            EnclaveDirectory = dir,
            Enabled = true,
            Strategy = strategy,
            Message = $"WARNING: running WITHOUT security ({StrategyVariable} is not 'Enforce', so Permissive): {error.Message}",
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
