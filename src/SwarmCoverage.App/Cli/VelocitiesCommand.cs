using System.CommandLine;
using SwarmCoverage.Core;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.IO;

namespace SwarmCoverage.App.Cli;

internal static class VelocitiesCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var field = new FieldOptions(epsilonRequired: true);
        var positions = new Option<FileInfo>("--positions", "-p") { Description = "Positions CSV: header x / x,y / x,y,z, optional mass column.", Required = true };
        var cmd = new Command("velocities", "Print the blob velocity of every position as CSV (vx / vx,vy / vx,vy,vz), one row per input row, values that round-trip exactly.");
        field.AddTo(cmd);
        cmd.Options.Add(positions);
        cmd.SetAction(p =>
        {
            var target = field.LoadTarget(p);
            var set = ReadPositions(p.GetValue(positions)!, target.Domain);
            using var blob = new BlobField(target, field.Blob(p, p.GetValue(field.Epsilon)!.Value));
            FieldOptions.WarnIfUnresolved(blob, stderr);
            var v = new double[set.Positions.Length];
            blob.Evaluate(set.Positions, set.Masses, v);
            var text = new StringWriter();
            PositionsFile.Write(text, PositionsFile.VelocityHeader(set.Dimension), v);
            stdout.Write(text.ToString());
            return CommandLine.Ok;
        });
        return cmd;
    }

    public static PositionSet ReadPositions(FileInfo file, Box box)
    {
        if (!file.Exists) throw new InputException($"{file}: positions file not found");
        return PositionsFile.Read(file.FullName, box);
    }
}
