namespace SwarmCoverage.Ros2.Security;

/// <summary>
/// Turns Cyclone's log of a refused secured participant into an exception that names the file to blame
/// (docs/security.md, "When Cyclone refuses"). Cyclone 0.10 reports the identity check as "validating local
/// permission" (singular) and the access-control check as "validating local permissions"; its text names a path
/// only when a file cannot be read.
/// </summary>
internal static class SecurityRefusal
{
    public static RosSecurityException FromCycloneLog(DdsSecurityFiles files, IReadOnlyList<string> log, string what)
    {
        string cyclone = log.Count == 0 ? "Cyclone DDS logged no reason" : string.Join(" | ", log.Select(l => l.Trim()));
        string? file = Blame(files, cyclone);
        string reason = $"{what}; Cyclone DDS says: {cyclone}";
        return new RosSecurityException(file, file is null ? reason + $"; files: {string.Join(", ", files.All().Select(f => f.Path))}" : reason);
    }

    internal static string? Blame(DdsSecurityFiles files, string text)
    {
        // A path in the text is the best evidence.
        foreach ((_, string path) in files.All())
        {
            if (text.Contains(path, StringComparison.Ordinal))
            {
                return path;
            }
        }

        string t = text.ToLowerInvariant();
        if (t.Contains("governance", StringComparison.Ordinal))
        {
            return files.Governance;
        }

        if (t.Contains("validating local permissions", StringComparison.Ordinal) || t.Contains("permissions validity", StringComparison.Ordinal) ||
            t.Contains("subject name", StringComparison.Ordinal) || t.Contains("smime", StringComparison.Ordinal) || t.Contains("pkcs7", StringComparison.Ordinal))
        {
            return files.Permissions;
        }

        if (t.Contains("private key", StringComparison.Ordinal))
        {
            return files.PrivateKey;
        }

        if (t.Contains("validating local permission", StringComparison.Ordinal) || t.Contains("identity", StringComparison.Ordinal) ||
            t.Contains("certificate", StringComparison.Ordinal))
        {
            return files.Certificate;
        }

        if (t.Contains("crl", StringComparison.Ordinal) || t.Contains("revocation", StringComparison.Ordinal))
        {
            return files.Crl;
        }

        return null;
    }
}
