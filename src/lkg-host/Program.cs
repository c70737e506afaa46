using LastKnownGood.Cli;
using LastKnownGood.Host;

// lkg-host ROLE [options]: the processes of a boot that run driver code. The boot manager starts
// them; the only role today is the kernel.
if (args is [KernelCommand.Name, .. var kernelArgs])
{
    return KernelCommand.Run(kernelArgs, TimeProvider.System);
}

Console.Error.WriteLine($"lkg-host runs a boot's kernel for lkg boot: lkg-host {KernelCommand.Name} [options]; run lkg-host {KernelCommand.Name} --help for them.");
return ExitCodes.Usage;
