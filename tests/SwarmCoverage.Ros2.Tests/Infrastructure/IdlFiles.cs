using System.Text;
using System.Text.RegularExpressions;

namespace SwarmCoverage.Ros2.Tests.Infrastructure;

/// <summary>What rosidl's IDL files need before Cyclone's idlc 0.10.2 takes them (the idlc ops tests and the C graph peer).</summary>
internal static class IdlFiles
{
    /// <summary>
    /// Two adjustments idlc 0.10.2 needs, neither of which changes a type: rosidl's IDL files have no include
    /// guards and repeat typedefs such as <c>double__36</c> in several files of one module (guards added), and
    /// idlc drops the ops of a struct that carries a <c>@verbatim</c> comment annotation when it is used as a
    /// sequence element (GaussianComponent in Target), so the comment annotations are removed.
    /// </summary>
    public static void PrepareForIdlc(string path, string relative)
    {
        string text = File.ReadAllText(path);
        text = StripVerbatim(text);
        text = Regex.Replace(text, @"^(\s*)typedef (.+?) (\w+)\[(\d+)\];", m =>
            $"{m.Groups[1].Value}#ifndef TYPEDEF_{m.Groups[3].Value}\n{m.Groups[1].Value}#define TYPEDEF_{m.Groups[3].Value}\n" +
            $"{m.Value.TrimStart('\n')}\n{m.Groups[1].Value}#endif", RegexOptions.Multiline);
        string guard = "GUARD_" + Regex.Replace(relative, @"[^A-Za-z0-9]", "_").ToUpperInvariant();
        File.WriteAllText(path, $"#ifndef {guard}\n#define {guard}\n{text}\n#endif\n");
    }

    public static string StripVerbatim(string text)
    {
        var sb = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            if (string.CompareOrdinal(text, i, "@verbatim", 0, 9) != 0)
            {
                sb.Append(text[i++]);
                continue;
            }

            int k = text.IndexOf('(', i);
            int depth = 0;
            bool inString = false;
            for (; k < text.Length; k++)
            {
                char c = text[k];
                if (inString)
                {
                    if (c == '\\')
                    {
                        k++;
                    }
                    else if (c == '"')
                    {
                        inString = false;
                    }
                }
                else if (c == '"')
                {
                    inString = true;
                }
                else if (c == '(')
                {
                    depth++;
                }
                else if (c == ')' && --depth == 0)
                {
                    break;
                }
            }

            i = k + 1;
        }

        return sb.ToString();
    }
}
