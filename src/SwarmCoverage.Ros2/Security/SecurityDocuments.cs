using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace SwarmCoverage.Ros2.Security;

/// <summary>How DDS Security protects a kind of traffic (<c>*_protection_kind</c> of the governance document).</summary>
public enum ProtectionKind
{
    /// <summary>In clear.</summary>
    None,

    /// <summary>Signed (message authentication code), readable.</summary>
    Sign,

    /// <summary>Encrypted and authenticated (AES-GCM).</summary>
    Encrypt,
}

/// <summary>
/// The governance document: one domain rule for the keystore's domain and one topic rule for every topic. The
/// defaults are sros2's (<c>governance.xml</c> of sros2's defaults): authenticated participants only, join access
/// control, discovery and liveliness encrypted, RTPS messages signed, every topic's data and metadata encrypted with
/// read and write access control (docs/security.md, "Governance").
/// </summary>
public sealed record GovernanceOptions
{
    public bool AllowUnauthenticatedParticipants { get; init; }

    public bool EnableJoinAccessControl { get; init; } = true;

    public ProtectionKind DiscoveryProtection { get; init; } = ProtectionKind.Encrypt;

    public ProtectionKind LivelinessProtection { get; init; } = ProtectionKind.Encrypt;

    public ProtectionKind RtpsProtection { get; init; } = ProtectionKind.Sign;

    public bool EnableDiscoveryProtection { get; init; } = true;

    public bool EnableLivelinessProtection { get; init; } = true;

    public bool EnableReadAccessControl { get; init; } = true;

    public bool EnableWriteAccessControl { get; init; } = true;

    public ProtectionKind MetadataProtection { get; init; } = ProtectionKind.Encrypt;

    public ProtectionKind DataProtection { get; init; } = ProtectionKind.Encrypt;

    /// <summary>
    /// Authentication and access control without encryption or signing of the traffic: everything
    /// <see cref="ProtectionKind.None"/> (for measuring what encryption costs; not for deployment).
    /// </summary>
    public static GovernanceOptions AccessControlOnly { get; } = new()
    {
        DiscoveryProtection = ProtectionKind.None,
        LivelinessProtection = ProtectionKind.None,
        RtpsProtection = ProtectionKind.None,
        EnableDiscoveryProtection = false,
        EnableLivelinessProtection = false,
        MetadataProtection = ProtectionKind.None,
        DataProtection = ProtectionKind.None,
    };
}

/// <summary>The XML of governance and permissions documents (docs/security.md, "Governance", "Permissions").</summary>
public static class SecurityDocuments
{
    private const string XsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";
    private const string GovernanceSchema = "http://www.omg.org/spec/DDS-SECURITY/20170901/omg_shared_ca_governance.xsd";
    private const string PermissionsSchema = "http://www.omg.org/spec/DDS-SECURITY/20170901/omg_shared_ca_permissions.xsd";

    /// <summary>The governance document for domain <paramref name="domainId"/>.</summary>
    public static string Governance(uint domainId, GovernanceOptions? options = null)
    {
        options ??= new GovernanceOptions();
        XNamespace xsi = XsiNamespace;
        var doc = new XElement("dds",
            new XAttribute(XNamespace.Xmlns + "xsi", XsiNamespace),
            new XAttribute(xsi + "noNamespaceSchemaLocation", GovernanceSchema),
            new XElement("domain_access_rules",
                new XElement("domain_rule",
                    new XElement("domains", new XElement("id", domainId.ToString(CultureInfo.InvariantCulture))),
                    new XElement("allow_unauthenticated_participants", Bool(options.AllowUnauthenticatedParticipants)),
                    new XElement("enable_join_access_control", Bool(options.EnableJoinAccessControl)),
                    new XElement("discovery_protection_kind", Kind(options.DiscoveryProtection)),
                    new XElement("liveliness_protection_kind", Kind(options.LivelinessProtection)),
                    new XElement("rtps_protection_kind", Kind(options.RtpsProtection)),
                    new XElement("topic_access_rules",
                        new XElement("topic_rule",
                            new XElement("topic_expression", "*"),
                            new XElement("enable_discovery_protection", Bool(options.EnableDiscoveryProtection)),
                            new XElement("enable_liveliness_protection", Bool(options.EnableLivelinessProtection)),
                            new XElement("enable_read_access_control", Bool(options.EnableReadAccessControl)),
                            new XElement("enable_write_access_control", Bool(options.EnableWriteAccessControl)),
                            new XElement("metadata_protection_kind", Kind(options.MetadataProtection)),
                            new XElement("data_protection_kind", Kind(options.DataProtection)))))));
        return ToText(doc);
    }

    /// <summary>
    /// The permissions document of enclave <paramref name="enclave"/> as sros2's template writes it: one grant named
    /// after the enclave for subject <c>CN=&lt;enclave&gt;</c>, valid from <paramref name="notBefore"/> to
    /// <paramref name="notAfter"/> (sros2: the certificate's validity), one allow rule with the policy's DDS topics
    /// on domain <paramref name="domainId"/>, the <c>ros_discovery_info</c> rule when the policy asks, default DENY.
    /// </summary>
    public static string Permissions(string subjectName, string grantName, EnclavePolicy policy, uint domainId, DateTime notBefore, DateTime notAfter)
    {
        ArgumentNullException.ThrowIfNull(policy);
        XNamespace xsi = XsiNamespace;
        (IReadOnlyList<string> publish, IReadOnlyList<string> subscribe) = policy.ToDdsTopics();
        var grant = new XElement("grant",
            new XAttribute("name", grantName),
            new XElement("subject_name", subjectName),
            new XElement("validity",
                new XElement("not_before", XmlDate(notBefore)),
                new XElement("not_after", XmlDate(notAfter))));
        if (publish.Count > 0 || subscribe.Count > 0)
        {
            grant.Add(Rule("allow_rule", domainId, publish, subscribe));
        }

        if (policy.AllowRosDiscoveryInfo)
        {
            grant.Add(Rule("allow_rule", domainId, ["ros_discovery_info"], ["ros_discovery_info"]));
        }

        grant.Add(new XElement("default", "DENY"));
        var doc = new XElement("dds",
            new XAttribute(XNamespace.Xmlns + "xsi", XsiNamespace),
            new XAttribute(xsi + "noNamespaceSchemaLocation", PermissionsSchema),
            new XElement("permissions", grant));
        return ToText(doc);
    }

    /// <summary>sros2's date form: the certificate time, UTC, <c>yyyy-MM-ddTHH:mm:ss</c> without a zone.</summary>
    public static string XmlDate(DateTime t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>
    /// Parses a DDS Security date (xs:dateTime: a zone suffix optional, none meaning UTC, as Cyclone reads it).
    /// Null when it does not parse.
    /// </summary>
    public static DateTime? ParseXmlDate(string text)
    {
        return DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset t)
            ? t.UtcDateTime
            : null;
    }

    /// <summary>Whether a <c>&lt;domains&gt;</c> element (ids and id ranges) contains <paramref name="domainId"/>.</summary>
    internal static bool DomainsContain(XElement? domains, uint domainId)
    {
        if (domains is null)
        {
            return false;
        }

        foreach (XElement e in domains.Elements())
        {
            if (e.Name.LocalName == "id" && uint.TryParse(e.Value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out uint id) && id == domainId)
            {
                return true;
            }

            if (e.Name.LocalName == "id_range")
            {
                bool hasMin = uint.TryParse(((string?)e.Element("min"))?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out uint min);
                bool hasMax = uint.TryParse(((string?)e.Element("max"))?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out uint max);
                if ((!hasMin || domainId >= min) && (!hasMax || domainId <= max) && (hasMin || hasMax))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static XElement Rule(string kind, uint domainId, IReadOnlyList<string> publish, IReadOnlyList<string> subscribe)
    {
        var rule = new XElement(kind, new XElement("domains", new XElement("id", domainId.ToString(CultureInfo.InvariantCulture))));
        if (publish.Count > 0)
        {
            rule.Add(new XElement("publish", new XElement("topics", publish.Select(t => new XElement("topic", t)))));
        }

        if (subscribe.Count > 0)
        {
            rule.Add(new XElement("subscribe", new XElement("topics", subscribe.Select(t => new XElement("topic", t)))));
        }

        return rule;
    }

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Kind(ProtectionKind kind) => kind switch
    {
        ProtectionKind.None => "NONE",
        ProtectionKind.Sign => "SIGN",
        ProtectionKind.Encrypt => "ENCRYPT",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static string ToText(XElement root)
    {
        var sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.Append(root.ToString(SaveOptions.None).Replace("\r\n", "\n", StringComparison.Ordinal)).Append('\n');
        return sb.ToString();
    }
}
