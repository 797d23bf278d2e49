namespace SwarmCoverage.Core;

/// <summary>Reading the files a user names, with failures as <see cref="InputException"/> that name the file.</summary>
public static class InputFiles
{
    /// <summary>The whole text of <paramref name="path"/>; <paramref name="what"/> (e.g. "target file") goes into the error.</summary>
    public static string ReadAllText(string path, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot read {what}: {e.Message}", e);
        }
    }
}
