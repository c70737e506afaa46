using System.Reflection;
using LastKnownGood.Boot;

namespace LastKnownGood.Cli;

/// <summary>This very program, to start again as a child: the kernel under the boot manager, or another lkg command.</summary>
internal static class LkgProgram
{
    /// <summary>The apphost, or <c>dotnet lkg.dll</c>; the child's own arguments come after these.</summary>
    public static KernelCommandLine CommandLine()
    {
        var host = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? new(host, [Assembly.GetEntryAssembly()!.Location])
            : new(host, []);
    }
}
