using System.Runtime.InteropServices;
using LastKnownGood.Diagnostics;
using LastKnownGood.Machines;

namespace LastKnownGood.Boot;

/// <summary>
/// Process dumps of a boot's kernel, written by the boot manager (DESIGN §9): of a kernel stopped
/// by its bug check, with the runtime's <c>createdump</c>, which reads a stopped process's memory
/// without running any of it; and, for a kernel the runtime itself ends (a stack overflow, a
/// fatal error), by the runtime on its way out, asked for in the kernel's environment.
/// </summary>
internal static class KernelDump
{
    private static readonly TimeSpan CreateDumpTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The environment that makes the runtime write <see cref="DumpFile.ForFatalError"/> when it ends the kernel.
    /// Mini is the runtime's minidump with heap here: in its plain minidump the code of a stack
    /// overflow's frames is missing, and no method on the overflowed thread can be named.
    /// </summary>
    public static IEnumerable<(string Name, string Value)> FatalErrorEnvironment(MachineDirectory machine, int boot, DumpType type) => type == DumpType.None ? [] :
    [
        ("DOTNET_DbgEnableMiniDump", "1"),
        ("DOTNET_DbgMiniDumpType", type == DumpType.Full ? "4" : "2"),
        ("DOTNET_DbgMiniDumpName", Path.Combine(machine.DumpsPath, DumpFile.ForFatalError(boot))),
    ];

    /// <summary>
    /// Writes the dump of boot <paramref name="boot"/>'s stopped kernel <paramref name="processId"/> to
    /// <see cref="DumpFile.Writing"/>; the error when it could not be written (nothing is left then).
    /// <paramref name="createDump"/> null: the <c>createdump</c> of the runtime the kernel runs on.
    /// </summary>
    public static async Task<string?> WriteAsync(string? createDump, MachineDirectory machine, int processId, DumpType type, int boot)
    {
        var path = Path.Combine(machine.DumpsPath, DumpFile.Writing(boot));
        try
        {
            // There from the start, for lkg analyze to see a dump in writing before createdump opens it.
            Directory.CreateDirectory(machine.DumpsPath);
            File.WriteAllBytes(path, []);
            if (await RunAsync(createDump ?? CreateDumpOf(processId), path, processId, type) is not { } error)
            {
                return null;
            }

            File.Delete(path);
            return error;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{path} cannot be written: {e.Message}";
        }
    }

    /// <summary>
    /// Gives boot <paramref name="boot"/>'s whole dump its name for crash <paramref name="crashId"/>, and
    /// returns that name; again after a record the hive refused, it finds the dump named already.
    /// </summary>
    public static string Complete(MachineDirectory machine, int boot, long crashId)
    {
        var name = DumpFile.ForCrash(crashId);
        var writing = Path.Combine(machine.DumpsPath, DumpFile.Writing(boot));
        var whole = Path.Combine(machine.DumpsPath, name);
        if (File.Exists(writing) || !File.Exists(whole))
        {
            File.Move(writing, whole, overwrite: true);
        }

        return name;
    }

    /// <summary>Deletes boot <paramref name="boot"/>'s dump in writing, if there is one.</summary>
    public static void Discard(MachineDirectory machine, int boot)
    {
        try
        {
            File.Delete(Path.Combine(machine.DumpsPath, DumpFile.Writing(boot)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next boot manager's DiscardUnfinished.
        }
    }

    /// <summary>
    /// Deletes the dumps a boot manager that died left half written: their kernels were killed as
    /// leftovers, so no one finishes them, and <c>lkg analyze</c> must not take them for dumps in writing.
    /// </summary>
    public static void DiscardUnfinished(MachineDirectory machine)
    {
        if (Directory.Exists(machine.DumpsPath))
        {
            foreach (var file in Directory.EnumerateFiles(machine.DumpsPath, "*" + DumpFile.WritingSuffix))
            {
                try
                {
                    File.Delete(file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // A read-only machine: lkg analyze takes it for unfinished, since no boot manager writes it.
                }
            }
        }
    }

    /// <summary>
    /// The <c>createdump</c> beside the <c>libcoreclr.so</c> the kernel has mapped: the one of the
    /// runtime it runs on, whatever this process runs on (a native boot manager has no runtime
    /// directory of its own). Failing that, the one beside this process's runtime.
    /// </summary>
    private static string CreateDumpOf(int processId)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{processId}/maps"))
            {
                var start = line.IndexOf('/');
                if (start >= 0 && line.EndsWith("/libcoreclr.so", StringComparison.Ordinal))
                {
                    return Path.Combine(Path.GetDirectoryName(line[start..])!, "createdump");
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone, or not ours to read: createdump will say what is wrong with it.
        }

        return Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "createdump");
    }

    private static async Task<string?> RunAsync(string createDump, string path, int processId, DumpType type)
    {
        HelperProcess.Outcome? outcome;
        try
        {
            outcome = await HelperProcess.RunAsync(createDump, ["-f", path, type == DumpType.Full ? "--full" : "--normal", $"{processId}"], CreateDumpTimeout);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            return $"createdump could not run: {e.Message}";
        }

        return outcome is null ? $"createdump did not finish within {CreateDumpTimeout.TotalSeconds:0} s and was stopped"
            : outcome.ExitCode == 0 && new FileInfo(path).Length > 0 ? null
            : $"createdump exited with {outcome.ExitCode}: {outcome.Error.Trim()} {outcome.Output.Trim()}".TrimEnd();
    }
}
