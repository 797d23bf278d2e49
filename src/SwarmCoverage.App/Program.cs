using SwarmCoverage.App.Cli;

return CommandLine.Run(args, Console.Out, Console.Error);
