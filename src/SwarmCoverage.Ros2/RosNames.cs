using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace SwarmCoverage.Ros2;

/// <summary>
/// ROS 2 naming rules and their mapping to DDS, as rcl and the rmw layers apply them:
/// topic names are validated and expanded like <c>rcl_expand_topic_name</c> and
/// <c>rmw_validate_full_topic_name</c>; the DDS topic is the full name with the <c>rt</c> prefix
/// (<c>/robot_0/cmd_vel</c> -&gt; <c>rt/robot_0/cmd_vel</c>); the DDS type name inserts a <c>dds_</c>
/// module and appends <c>_</c> (<c>geometry_msgs/msg/Twist</c> -&gt; <c>geometry_msgs::msg::dds_::Twist_</c>).
/// </summary>
public static class RosNames
{
    /// <summary>Longest fully qualified topic name ROS accepts (<c>RMW_TOPIC_MAX_NAME_LENGTH</c> = 255 - 8).</summary>
    public const int MaxTopicNameLength = 247;

    /// <summary>Longest node name ROS accepts (<c>RMW_NODE_NAME_MAX_NAME_LENGTH</c>).</summary>
    public const int MaxNodeNameLength = 255;

    /// <summary>DDS topic prefix of ROS topics.</summary>
    public const string TopicPrefix = "rt";

    /// <summary>
    /// Expands and validates a topic name the way rcl does: absolute names (<c>/a/b</c>) stay, relative ones
    /// (<c>cmd_vel</c>) go under <paramref name="namespace"/>, <c>~</c> is the node's private namespace, and the
    /// substitutions <c>{node}</c>, <c>{ns}</c>, <c>{namespace}</c> are replaced. Throws <see cref="ArgumentException"/>
    /// naming the rule broken and the character position.
    /// </summary>
    /// <param name="topicName">The name as a user wrote it.</param>
    /// <param name="namespace">The node namespace, absolute (<c>/</c> or <c>/robots</c>).</param>
    /// <param name="nodeName">The node name; needed only for <c>~</c> and <c>{node}</c>.</param>
    public static string ExpandTopicName(string topicName, string @namespace = "/", string? nodeName = null)
    {
        ArgumentNullException.ThrowIfNull(topicName);
        ValidateNamespace(@namespace);
        if (nodeName is not null)
        {
            ValidateNodeName(nodeName);
        }

        ValidateTopicNameSyntax(topicName);

        string ns = @namespace;
        var sb = new StringBuilder(topicName.Length + ns.Length + 16);
        int i = 0;
        if (topicName[0] == '~')
        {
            string node = nodeName ?? throw Invalid(topicName, 0, "uses '~' (the node's private namespace) but no node name was given");
            sb.Append(ns == "/" ? string.Empty : ns).Append('/').Append(node);
            i = 1;
        }
        else if (topicName[0] != '/')
        {
            sb.Append(ns == "/" ? string.Empty : ns).Append('/');
        }

        for (; i < topicName.Length; i++)
        {
            char c = topicName[i];
            if (c != '{')
            {
                sb.Append(c);
                continue;
            }

            int close = topicName.IndexOf('}', i);
            string key = topicName[(i + 1)..close];
            switch (key)
            {
                case "node":
                    sb.Append(nodeName ?? throw Invalid(topicName, i, "uses {node} but no node name was given"));
                    break;
                case "ns":
                case "namespace":
                    sb.Append(ns == "/" ? string.Empty : ns.TrimStart('/'));
                    break;
                default:
                    throw Invalid(topicName, i, $"uses the unknown substitution {{{key}}} (known: {{node}}, {{ns}}, {{namespace}})");
            }

            i = close;
        }

        string full = sb.ToString();
        ValidateFullTopicName(full);
        return full;
    }

    /// <summary>
    /// Checks a fully qualified topic name (<c>rmw_validate_full_topic_name</c>): starts with <c>/</c>, only
    /// <c>[A-Za-z0-9_/]</c>, no <c>//</c>, no trailing <c>/</c>, no token starting with a digit, at most
    /// <see cref="MaxTopicNameLength"/> characters.
    /// </summary>
    public static void ValidateFullTopicName(string topicName)
    {
        ArgumentNullException.ThrowIfNull(topicName);
        if (topicName.Length == 0)
        {
            throw Invalid(topicName, 0, "is empty");
        }

        if (topicName[0] != '/')
        {
            throw Invalid(topicName, 0, "is not absolute (must start with '/')");
        }

        if (topicName.Length > 1 && topicName[^1] == '/')
        {
            throw Invalid(topicName, topicName.Length - 1, "ends with '/'");
        }

        if (topicName == "/")
        {
            throw Invalid(topicName, 0, "has no name after the '/'");
        }

        for (int i = 0; i < topicName.Length; i++)
        {
            char c = topicName[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '/'))
            {
                throw Invalid(topicName, i, $"contains '{c}' (allowed: letters, digits, '_', '/')");
            }

            if (c == '/' && i + 1 < topicName.Length && topicName[i + 1] == '/')
            {
                throw Invalid(topicName, i, "contains '//'");
            }

            if (c == '/' && i + 1 < topicName.Length && char.IsAsciiDigit(topicName[i + 1]))
            {
                throw Invalid(topicName, i + 1, "has a name token starting with a digit");
            }
        }

        if (topicName.Length > MaxTopicNameLength)
        {
            throw Invalid(topicName, MaxTopicNameLength, $"is longer than {MaxTopicNameLength} characters");
        }
    }

    /// <summary>Checks a node namespace (<c>rmw_validate_namespace</c>): <c>/</c> or an absolute name without trailing <c>/</c>.</summary>
    public static void ValidateNamespace(string @namespace)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        if (@namespace == "/")
        {
            return;
        }

        try
        {
            ValidateFullTopicName(@namespace);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(e.Message.Replace("topic name", "namespace", StringComparison.Ordinal), nameof(@namespace));
        }
    }

    /// <summary>Checks a node name (<c>rmw_validate_node_name</c>): <c>[A-Za-z_][A-Za-z0-9_]*</c>, at most 255 characters.</summary>
    public static void ValidateNodeName(string nodeName)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        if (nodeName.Length == 0)
        {
            throw new ArgumentException("node name '' is empty", nameof(nodeName));
        }

        if (char.IsAsciiDigit(nodeName[0]))
        {
            throw new ArgumentException($"node name '{nodeName}' starts with a digit", nameof(nodeName));
        }

        for (int i = 0; i < nodeName.Length; i++)
        {
            char c = nodeName[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                throw new ArgumentException($"node name '{nodeName}' contains '{c}' at position {i} (allowed: letters, digits, '_')", nameof(nodeName));
            }
        }

        if (nodeName.Length > MaxNodeNameLength)
        {
            throw new ArgumentException($"node name '{nodeName}' is longer than {MaxNodeNameLength} characters", nameof(nodeName));
        }
    }

    /// <summary>The DDS topic of a fully qualified ROS topic: <c>/robot_0/cmd_vel</c> -&gt; <c>rt/robot_0/cmd_vel</c>.</summary>
    public static string ToDdsTopicName(string fullTopicName)
    {
        ValidateFullTopicName(fullTopicName);
        return TopicPrefix + fullTopicName;
    }

    /// <summary>The ROS topic of a DDS topic, when it is one (<c>rt/...</c>); services (<c>rq/</c>, <c>rr/</c>) and plain DDS topics are not.</summary>
    public static bool TryFromDdsTopicName(string ddsTopicName, [NotNullWhen(true)] out string? rosTopicName)
    {
        ArgumentNullException.ThrowIfNull(ddsTopicName);
        if (ddsTopicName.Length > TopicPrefix.Length + 1 && ddsTopicName.StartsWith(TopicPrefix + "/", StringComparison.Ordinal))
        {
            rosTopicName = ddsTopicName[TopicPrefix.Length..];
            return true;
        }

        rosTopicName = null;
        return false;
    }

    /// <summary>
    /// The DDS type name of a ROS type: <c>pkg/msg/Name</c> -&gt; <c>pkg::msg::dds_::Name_</c>. The ROS name must have
    /// the form <c>package/msg/Type</c> (or <c>srv</c>, <c>action</c>) with a lower-case package and a CamelCase type.
    /// </summary>
    public static string ToDdsTypeName(string rosTypeName)
    {
        ArgumentNullException.ThrowIfNull(rosTypeName);
        string[] parts = rosTypeName.Split('/');
        if (parts.Length != 3 || parts[1] is not ("msg" or "srv" or "action"))
        {
            throw new ArgumentException($"ROS type name '{rosTypeName}' must have the form package/msg/Type", nameof(rosTypeName));
        }

        if (parts[0].Length == 0 || !char.IsAsciiLetterLower(parts[0][0]) ||
            !parts[0].All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
        {
            throw new ArgumentException($"ROS type name '{rosTypeName}': package '{parts[0]}' must be lower case letters, digits and '_', starting with a letter", nameof(rosTypeName));
        }

        // A service's halves are Name_Request and Name_Response (rosidl's names for the two structs of a .srv).
        string type = parts[1] == "srv" && (parts[2].EndsWith("_Request", StringComparison.Ordinal) || parts[2].EndsWith("_Response", StringComparison.Ordinal))
            ? parts[2][..parts[2].LastIndexOf('_')]
            : parts[2];
        if (type.Length == 0 || !char.IsAsciiLetterUpper(type[0]) || !type.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException($"ROS type name '{rosTypeName}': type '{parts[2]}' must be CamelCase letters and digits, starting upper case", nameof(rosTypeName));
        }

        return $"{parts[0]}::{parts[1]}::dds_::{parts[2]}_";
    }

    /// <summary>
    /// The ROS type of a DDS type name, as rmw_cyclonedds demangles it: <c>a::b::dds_::Name_</c> -&gt; <c>a/b/Name</c>.
    /// False for names that are not mangled ROS types.
    /// </summary>
    public static bool TryFromDdsTypeName(string ddsTypeName, [NotNullWhen(true)] out string? rosTypeName)
    {
        ArgumentNullException.ThrowIfNull(ddsTypeName);
        const string Module = "dds_::";
        int at = ddsTypeName.IndexOf(Module, StringComparison.Ordinal);
        if (ddsTypeName.Length == 0 || ddsTypeName[^1] != '_' || at < 0 || at + Module.Length >= ddsTypeName.Length - 1)
        {
            rosTypeName = null;
            return false;
        }

        string scope = ddsTypeName[..at].Replace("::", "/", StringComparison.Ordinal);
        string name = ddsTypeName[(at + Module.Length)..^1];
        rosTypeName = scope + name;
        return true;
    }

    private static void ValidateTopicNameSyntax(string topicName)
    {
        if (topicName.Length == 0)
        {
            throw Invalid(topicName, 0, "is empty");
        }

        if (topicName.Length > 1 && topicName[^1] == '/')
        {
            throw Invalid(topicName, topicName.Length - 1, "ends with '/'");
        }

        if (char.IsAsciiDigit(topicName[0]))
        {
            throw Invalid(topicName, 0, "starts with a digit");
        }

        bool inSubstitution = false;
        int substitutionStart = -1;
        for (int i = 0; i < topicName.Length; i++)
        {
            char c = topicName[i];
            if (c == '~')
            {
                if (i != 0)
                {
                    throw Invalid(topicName, i, "has '~' somewhere other than at the start");
                }

                if (topicName.Length > 1 && topicName[1] != '/')
                {
                    throw Invalid(topicName, 1, "has '~' not followed by '/'");
                }

                continue;
            }

            if (c == '{')
            {
                if (inSubstitution)
                {
                    throw Invalid(topicName, i, "has a '{' inside a substitution");
                }

                inSubstitution = true;
                substitutionStart = i;
                continue;
            }

            if (c == '}')
            {
                if (!inSubstitution)
                {
                    throw Invalid(topicName, i, "has an unmatched '}'");
                }

                if (i == substitutionStart + 1)
                {
                    throw Invalid(topicName, i, "has an empty substitution '{}'");
                }

                inSubstitution = false;
                continue;
            }

            if (inSubstitution)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
                {
                    throw Invalid(topicName, i, $"has '{c}' inside a substitution (allowed: letters, digits, '_')");
                }

                if (i == substitutionStart + 1 && char.IsAsciiDigit(c))
                {
                    throw Invalid(topicName, i, "has a substitution starting with a digit");
                }

                continue;
            }

            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '/'))
            {
                throw Invalid(topicName, i, $"contains '{c}' (allowed: letters, digits, '_', '/', '~' at the start, {{substitutions}})");
            }

            if (c == '/' && i + 1 < topicName.Length && char.IsAsciiDigit(topicName[i + 1]))
            {
                throw Invalid(topicName, i + 1, "has a name token starting with a digit");
            }
        }

        if (inSubstitution)
        {
            throw Invalid(topicName, substitutionStart, "has an unmatched '{'");
        }
    }

    private static ArgumentException Invalid(string topicName, int index, string problem) =>
        new($"topic name '{topicName}' {problem} (at character {index})", nameof(topicName));
}
