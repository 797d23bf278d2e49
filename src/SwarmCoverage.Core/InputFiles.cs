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
        var scanner = new Scanner(new StringReader(text), skipComments: true);
        try
        {
            stream.Load(new Parser(scanner));
        }
        catch (YamlException e)
        {
            throw new InputException($"{source}:{e.Start.Line}: not valid YAML: {e.InnerException?.Message ?? e.Message}", e);
        }
#pragma warning disable CA1031 // YamlDotNet's scanner throws InvalidOperationException (and others) on some malformed text (found by fuzzing, docs/fuzzing.md): a fault of the text, not of the program
        catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            throw new InputException($"{source}:{scanner.CurrentPosition.Line}: not valid YAML (the parser stopped at line {scanner.CurrentPosition.Line}, column {scanner.CurrentPosition.Column}: {e.Message})", e);
        }

        return stream;
    }
}
