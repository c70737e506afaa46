using LastKnownGood.Boot;
using LastKnownGood.Diagnostics;

namespace LastKnownGood.Cli;

/// <summary>
/// The programs lkg starts, by their path beside it: lkg itself again (a demo's commands), and
/// lkg-host, the program of a boot's kernel. Under <c>dotnet lkg.dll</c> they start the same way,
/// as <c>dotnet NAME.dll</c>; otherwise by their own executable.
/// </summary>
internal static class LkgProgram
{
    /// <summary>This very program, to run another lkg command as a child.</summary>
    public static KernelCommandLine Self() => Beside("lkg");

    /// <summary>lkg-host, which every boot's kernel runs in; the child's own arguments come after these.</summary>
    public static KernelCommandLine Host()
    {
        var host = Beside("lkg-host");
        return File.Exists(host.ProgramFile)
            ? host
            : throw new LkgException(NtStatus.ObjectNameNotFound,
                $"The kernel's program {host.ProgramFile} is missing: every boot's kernel runs in lkg-host, installed beside lkg; reinstall lkg, or build the solution.");
    }

    /// <summary>
    /// The reader of kernels' dumps, which runs lkg-host: unlike <see cref="Host"/>, a missing
    /// lkg-host is not an error here, only a dump the analysis says it could not read.
    /// </summary>
    public static DumpReader Dumps() => new(Beside("lkg-host"));

    private static KernelCommandLine Beside(string program)
    {
        var dotnet = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(dotnet) == "dotnet"
            ? new(dotnet, [Path.Combine(AppContext.BaseDirectory, program + ".dll")])
            : new(Path.Combine(AppContext.BaseDirectory, program), []);
    }
}
