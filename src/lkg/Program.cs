using LastKnownGood.Cli;

return LkgCommand.Run(args, TimeProvider.System);
