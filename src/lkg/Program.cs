using LastKnownGood.Cli;
using LastKnownGood.Cli.Commands;

// Every boot starts a kernel, so `lkg kernel` skips the command tree: System.CommandLine and
// Spectre.Console cost more to load than the rest of the start-up together (docs/kernel.md).
return args is [KernelCommand.Name, .. var kernelArgs]
    ? KernelCommand.Run(kernelArgs, TimeProvider.System)
    : LkgCommand.Run(args, TimeProvider.System);
