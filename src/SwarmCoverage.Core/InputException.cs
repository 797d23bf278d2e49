namespace SwarmCoverage.Core;

/// <summary>
/// Bad input from a user: a file, a key, a column, a value out of range. The message names the
/// offending file, line, key or parameter and is meant to be shown as one line; the command-line
/// program turns it into exit code 2.
/// </summary>
public sealed class InputException : Exception
{
    public InputException(string message) : base(message) { }

    public InputException(string message, Exception inner) : base(message, inner) { }

    public InputException() { }
}
