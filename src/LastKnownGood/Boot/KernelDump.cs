using System.Diagnostics;
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

    /// <summary>The dump's file name for bug check record <paramref name="crashId"/>.</summary>
    public static string ForCrash(long crashId) => $"crash-{crashId}.dmp";

    /// <summary>The file name the runtime writes when it ends boot <paramref name="boot"/>'s kernel itself.</summary>
    public static string ForFatalError(int boot) => $"boot-{boot}.dmp";

    /// <summary>
    /// The environment that makes the runtime write <see cref="ForFatalError"/> when it ends the kernel.
    /// Mini is the runtime's minidump with heap here: in its plain minidump the code of a stack
    /// overflow's frames is missing, and no method on the overflowed thread can be named.
    /// </summary>
    public static IEnumerable<(string Name, string Value)> FatalErrorEnvironment(MachineDirectory machine, int boot, DumpType type) => type == DumpType.None ? [] :
    [
        ("DOTNET_DbgEnableMiniDump", "1"),
        ("DOTNET_DbgMiniDumpType", type == DumpType.Full ? "4" : "2"),
        ("DOTNET_DbgMiniDumpName", Path.Combine(machine.DumpsPath, ForFatalError(boot))),
    ];

    /// <summary>Writes the dump of the stopped process <paramref name="processId"/>; the error when it could not be written.</summary>
    public static async Task<string?> WriteAsync(MachineDirectory machine, int processId, DumpType type, string name)
    {
        var createDump = Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "createdump");
        Directory.CreateDirectory(machine.DumpsPath);
        var info = new ProcessStartInfo(createDump) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["-f", Path.Combine(machine.DumpsPath, name), type == DumpType.Full ? "--full" : "--normal", $"{processId}"])
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            return $"createdump could not run: {e.Message}";
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(CreateDumpTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                return $"createdump did not finish within {CreateDumpTimeout.TotalSeconds:0} s and was stopped";
            }

            return process.ExitCode == 0 ? null : $"createdump exited with {process.ExitCode}: {(await error).Trim()} {(await output).Trim()}";
        }
    }
}
