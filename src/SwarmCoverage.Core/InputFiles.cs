using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SwarmCoverage.Core;

/// <summary>Reading the files a user names, with failures as <see cref="InputException"/> that name the file (and line).</summary>
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

    /// <summary>YAML (or JSON) text as a stream of documents; <paramref name="source"/> names it in the error for text that is not YAML.</summary>
    public static YamlStream ParseYaml(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new InputException($"{source}:{e.Start.Line}: not valid YAML: {e.InnerException?.Message ?? e.Message}", e);
        }

        return stream;
    }
}
