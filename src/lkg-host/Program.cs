using LastKnownGood.Cli;
using LastKnownGood.Host;

// lkg-host ROLE [options]: the processes of a boot that run driver code: the kernel, which the
// boot manager starts, and each user-mode driver's host, which the kernel starts; and the reader
// of a kernel's dump, which lkg's analysis starts.
if (args is [KernelCommand.Name, .. var kernelArgs])
{
    return KernelCommand.Run(kernelArgs, TimeProvider.System);
}

if (args is [UmhostCommand.Name, .. var hostArgs])
{
    return UmhostCommand.Run(hostArgs);
}

if (args is [DumpCommand.Name, .. var dumpArgs])
{
    return DumpCommand.Run(dumpArgs);
}

Console.Error.WriteLine($"lkg-host runs a boot's kernel for lkg boot: lkg-host {KernelCommand.Name} [options]; run lkg-host {KernelCommand.Name} --help for them.");
return ExitCodes.Usage;
