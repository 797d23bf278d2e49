using System.CommandLine;
using System.Text;
using SwarmCoverage.Control.Parameters;
using SwarmCoverage.Nodes;

namespace SwarmCoverage.App.Cli;

/// <summary><c>swarm-coverage parameters</c>: the one parameter table, as the program checks it.</summary>
internal static class ParametersCommand
{
    public static Command Create(TextWriter stdout)
    {
        var cmd = new Command("parameters", "Every parameter of the params files: name, type, default, allowed range, unit, whether it may change while running, and what it does (a Markdown table).");
        cmd.SetAction(_ =>
        {
            stdout.Write(Markdown(NodeParameters.Table));
            return CommandLine.Ok;
        });
        return cmd;
    }

    /// <summary>The table as Markdown, one row per parameter in the table's order.</summary>
    public static string Markdown(ParameterTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var b = new StringBuilder();
        b.Append("| parameter | type | default | allowed | unit | while running | meaning |\n");
        b.Append("|---|---|---|---|---|---|---|\n");
        foreach (var d in table.All)
        {
            b.Append("| `").Append(d.Name).Append("` | ").Append(d.Type).Append(" | ")
                .Append(Cell(d.DefaultText)).Append(" | ").Append(Cell(d.RangeText)).Append(" | ")
                .Append(Cell(d.Unit)).Append(" | ").Append(d.RunTime ? "yes" : "restart").Append(" | ")
                .Append(Cell(d.Description)).Append(" |\n");
        }

        return b.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
