using System.CommandLine;
using SwarmCoverage.Core;
using SwarmCoverage.Nodes;
using SwarmCoverage.Ros2.Security;

namespace SwarmCoverage.App.Cli;

/// <summary>
/// <c>security</c>: an SROS2 keystore without ROS (docs/security.md): the layout and documents of
/// <c>ros2 security create_keystore / create_enclave / create_permission</c>, and a check of an enclave as a
/// participant would make it before starting. Bad input exits 2 with one line naming the file, name or option.
/// </summary>
internal static class SecurityCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        var cmd = new Command("security", "SROS2 (DDS Security) keystores without ROS: create a keystore, enclaves and least-privilege permissions; check an enclave.");
        cmd.Subcommands.Add(CreateKeystore(stdout, time));
        cmd.Subcommands.Add(CreateEnclave(stdout, time));
        cmd.Subcommands.Add(CreatePermissions(stdout, stderr, time));
        cmd.Subcommands.Add(Check(stdout, time));
        return cmd;
    }

    private static Option<uint?> DomainOption() => new("--domain") { Description = "ROS domain id the governance and permissions cover (default: ROS_DOMAIN_ID, else 0, as sros2)." };

    private static Argument<string> KeystoreArgument() => new("DIR") { Description = "The keystore directory (what ROS_SECURITY_KEYSTORE points at)." };

    private static Argument<string> EnclaveArgument() => new("ENCLAVE") { Description = "The enclave name, e.g. /swarm_coverage (what --ros-args --enclave names)." };

    private static Command CreateKeystore(TextWriter stdout, TimeProvider time)
    {
        var dir = KeystoreArgument();
        var domain = DomainOption();
        var clear = new Option<bool>("--no-encryption")
        {
            Description = "Governance with authentication and access control but the traffic in clear (no encryption, no signing): to measure what encryption costs; not for deployment.",
        };
        var cmd = new Command("create-keystore", "Create a keystore: one ECDSA P-256 CA (identity and permissions CA, as sros2), and the governance (sros2's: encrypted, access-controlled) signed by it.");
        cmd.Arguments.Add(dir);
        cmd.Options.Add(domain);
        cmd.Options.Add(clear);
        cmd.SetAction(p => Run(() =>
        {
            string root = p.GetValue(dir)!;
            bool inClear = p.GetValue(clear);
            RosKeystore.CreateKeystore(root, new KeystoreOptions { Time = time, DomainId = p.GetValue(domain), Governance = inClear ? GovernanceOptions.AccessControlOnly : new GovernanceOptions() });
            stdout.WriteLine($"created keystore {Path.GetFullPath(root)} (public/, private/, enclaves/governance.p7s{(inClear ? "; governance WITHOUT encryption" : "")})");
        }));
        return cmd;
    }

    private static Command CreateEnclave(TextWriter stdout, TimeProvider time)
    {
        var dir = KeystoreArgument();
        var enclave = EnclaveArgument();
        var domain = DomainOption();
        var cmd = new Command("create-enclave",
            "Create an enclave: key and certificate (subject CN=<enclave>) from the identity CA, links to the CA certificates and governance, and sros2's allow-everything permissions, to be narrowed with create-permissions.");
        cmd.Arguments.Add(dir);
        cmd.Arguments.Add(enclave);
        cmd.Options.Add(domain);
        cmd.SetAction(p => Run(() =>
        {
            string path = RosKeystore.CreateEnclave(p.GetValue(dir)!, p.GetValue(enclave)!, null, new KeystoreOptions { Time = time, DomainId = p.GetValue(domain) });
            stdout.WriteLine($"created enclave {p.GetValue(enclave)} in {path} (permissions: allow everything until create-permissions narrows them)");
        }));
        return cmd;
    }

    private static Command CreatePermissions(TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        var dir = KeystoreArgument();
        var enclave = EnclaveArgument();
        var domain = DomainOption();
        var policy = new Option<FileInfo?>("--policy") { Description = "An sros2 policy file (policy.xml, the format of ros2 security create_permission); its <enclave path=ENCLAVE> is used." };
        var ns = new Option<string>("--namespace") { Description = "Namespace that relative names in --publish/--subscribe/--serve/--call resolve under.", DefaultValueFactory = _ => "/" };
        var node = new Option<string>("--node") { Description = "Node name for '~' in names.", DefaultValueFactory = _ => "node" };
        var publish = new Option<string[]>("--publish") { Description = "Topics the enclave publishes (ROS names).", AllowMultipleArgumentsPerToken = true };
        var subscribe = new Option<string[]>("--subscribe") { Description = "Topics the enclave subscribes to.", AllowMultipleArgumentsPerToken = true };
        var serve = new Option<string[]>("--serve") { Description = "Services the enclave serves.", AllowMultipleArgumentsPerToken = true };
        var call = new Option<string[]>("--call") { Description = "Services the enclave calls.", AllowMultipleArgumentsPerToken = true };
        var controller = new Option<FileInfo?>("--controller") { Description = "The controller's params file: allow exactly the topics `swarm-coverage controller --params FILE` uses (with --robot: that decentralized instance's)." };
        var robot = new Option<string?>("--robot") { Description = "With --controller: the decentralized instance commanding only this robot." };
        var sim = new Option<FileInfo?>("--sim") { Description = "The simulator's params file or SDF world: allow exactly the topics `swarm-coverage sim` uses with it." };
        var publishPose = new Option<bool>("--publish-pose") { Description = "With --sim: the simulator also publishes /<robot>/pose (its --publish-pose)." };
        var noDiscovery = new Option<bool>("--no-ros-discovery-info") { Description = "Do not allow ros_discovery_info (the graph topic rmw_cyclonedds nodes need; this project's participants do not use it)." };
        var cmd = new Command("create-permissions",
            "Write and sign the enclave's permissions: exactly the listed topics (rt/), service requests (rq/) and replies (rr/) on the domain, everything else denied; " +
            "--controller/--sim take the lists from what the node uses with that params file.");
        cmd.Arguments.Add(dir);
        cmd.Arguments.Add(enclave);
        foreach (Option o in new Option[] { policy, controller, robot, sim, publishPose, ns, node, publish, subscribe, serve, call, noDiscovery, domain })
        {
            cmd.Options.Add(o);
        }

        cmd.SetAction(p => Run(() =>
        {
            string name = p.GetValue(enclave)!;
            string[] pub = p.GetValue(publish) ?? [], sub = p.GetValue(subscribe) ?? [], srv = p.GetValue(serve) ?? [], cli = p.GetValue(call) ?? [];
            bool listed = pub.Length + sub.Length + srv.Length + cli.Length > 0;
            FileInfo? controllerFile = p.GetValue(controller), simFile = p.GetValue(sim);
            int sources = (listed ? 1 : 0) + (p.GetValue(policy) is null ? 0 : 1) + (controllerFile is null ? 0 : 1) + (simFile is null ? 0 : 1);
            if (sources > 1)
            {
                throw new InputException("--policy, --controller, --sim and --publish/--subscribe/--serve/--call exclude each other");
            }

            if (p.GetValue(robot) is not null && controllerFile is null)
            {
                throw new InputException("--robot goes with --controller PARAMS");
            }

            if (p.GetValue(publishPose) && simFile is null)
            {
                throw new InputException("--publish-pose goes with --sim PARAMS");
            }

            EnclavePolicy chosen;
            if (controllerFile is not null)
            {
                chosen = ControllerNodeSettings.Load(controllerFile.FullName, p.GetValue(robot)).Topics().ToPolicy();
            }
            else if (simFile is not null)
            {
                SimulatorSetup setup = simFile.Extension.Equals(".sdf", StringComparison.OrdinalIgnoreCase)
                    ? SimulatorSetup.FromWorld(simFile.FullName)
                    : SimulatorSetup.FromParams(simFile.FullName);
                chosen = SimulatorNode.Topics(setup.World.Robots, new SimulatorNodeOptions { PublishPose = p.GetValue(publishPose) }).ToPolicy();
            }
            else if (p.GetValue(policy) is { } file)
            {

                if (!file.Exists)
                {
                    throw new InputException($"{file.FullName}: policy file not found");
                }

                chosen = EnclavePolicy.LoadSros2Policy(file.FullName, name);
            }
            else if (listed)
            {
                chosen = new EnclavePolicy
                {
                    Nodes = [new NodePolicy { Namespace = p.GetValue(ns)!, Node = p.GetValue(node)!, Publish = pub, Subscribe = sub, ServicesServed = srv, ServicesCalled = cli }],
                };
            }
            else
            {
                throw new InputException("create-permissions needs --controller PARAMS, --sim PARAMS, --policy FILE or at least one of --publish, --subscribe, --serve, --call");
            }

            chosen = chosen with { AllowRosDiscoveryInfo = !p.GetValue(noDiscovery) };
            RosKeystore.CreatePermissions(p.GetValue(dir)!, name, chosen, new KeystoreOptions { Time = time, DomainId = p.GetValue(domain) });
            (IReadOnlyList<string> allowedPublish, IReadOnlyList<string> allowedSubscribe) = chosen.ToDdsTopics();
            stdout.WriteLine($"wrote permissions of {name}: publish {string.Join(' ', allowedPublish)}; subscribe {string.Join(' ', allowedSubscribe)}{(chosen.AllowRosDiscoveryInfo ? "; and ros_discovery_info" : string.Empty)}");
            if (allowedPublish.Concat(allowedSubscribe).Any(t => t.Contains('*', StringComparison.Ordinal)))
            {
                stderr.WriteLine("warning: the permissions contain wildcards; least privilege lists every topic");
            }
        }));
        return cmd;
    }

    private static Command Check(TextWriter stdout, TimeProvider time)
    {
        var dir = KeystoreArgument();
        var enclave = EnclaveArgument();
        var domain = DomainOption();
        var cmd = new Command("check", "Check an enclave's files as a secured participant checks them before it starts (Enforce): exits 2 naming the first bad file.");
        cmd.Arguments.Add(dir);
        cmd.Arguments.Add(enclave);
        cmd.Options.Add(domain);
        cmd.SetAction(p => Run(() =>
        {
            uint domainId = Ros2.RosParticipant.ResolveDomainId(p.GetValue(domain), Environment.GetEnvironmentVariable);
            string enclaveDir = RosKeystore.EnclaveDirectory(p.GetValue(dir)!, p.GetValue(enclave)!);
            if (!Directory.Exists(enclaveDir))
            {
                throw new InputException($"{enclaveDir}: enclave directory not found");
            }

            EnclaveCheck c = EnclaveValidator.Validate(DdsSecurityFiles.FromEnclave(enclaveDir), domainId, time);
            stdout.WriteLine($"ok: {enclaveDir}: subject {c.Subject}, domain {domainId}, certificate valid to {c.CertificateNotAfter:yyyy-MM-dd}, permissions valid to {c.PermissionsNotAfter:yyyy-MM-dd}");
        }));
        return cmd;
    }

    /// <summary>Runs a verb, turning the keystore's errors into the one-line bad-input errors of the program.</summary>
    private static int Run(Action action)
    {
        try
        {
            action();
            return CommandLine.Ok;
        }
        catch (RosSecurityException e)
        {
            throw new InputException(e.Message, e);
        }
        catch (ArgumentException e)
        {
            // ArgumentException appends " (Parameter 'x')" to the message; the one-line error says it without.
            string message = e.ParamName is { } name ? e.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : e.Message;
            throw new InputException(message, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(e.Message, e);
        }
    }
}
