using LastKnownGood.Cli;
using LastKnownGood.Diagnostics;

namespace LastKnownGood.Host;

/// <summary>
/// <c>lkg-host dump PATH</c>: reads a kernel's dump with ClrMD, on the shared runtime whose data
/// access library ClrMD needs, and prints its stack as JSON for lkg's analysis
/// (<see cref="DumpReader"/>), which starts it; it is not run by hand.
/// </summary>
internal static class DumpCommand
{
    public const string Name = DumpReader.Role;

    public static int Run(IReadOnlyList<string> args)
    {
        if (args is not [var path])
        {
            Console.Error.WriteLine($"lkg-host {Name} reads one kernel's dump for lkg analyze, which starts it with the dump's path; it is not run by hand.");
            return ExitCodes.Usage;
        }

        try
        {
            Console.Out.Write(DumpReader.ReadAsJson(path));
            return ExitCodes.Success;
        }
        catch (LkgException e)
        {
            Console.Error.WriteLine(e.Message);
            return ExitCodes.Failed;
        }
    }
}
