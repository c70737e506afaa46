using System.Text.Json;
using LastKnownGood.Boot;

namespace LastKnownGood.Diagnostics;

/// <summary>
/// Reads a kernel's process dump (DESIGN §9, §12): the faulting thread's managed stack. It is what
/// the analysis falls back on when the record alone is not enough: a runtime that ended the kernel
/// (a stack overflow, a fatal error) leaves no frames. The dump is read with ClrMD, which needs the
/// runtime's data access library, which the NativeAOT lkg has not: in <c>lkg-host dump</c>, on the
/// shared runtime the kernels run on, whose answer comes back as JSON (<see cref="Format"/>) on its
/// standard output; the frames' owners are looked up here.
/// </summary>
public sealed class DumpReader(KernelCommandLine host)
{
    /// <summary>lkg-host's role that reads one dump: <c>lkg-host dump PATH</c>.</summary>
    public const string Role = "dump";

    /// <summary>A full dump of a large kernel takes seconds to walk; one that takes longer is given up.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The faulting thread of the dump at <paramref name="dumpPath"/>, read by lkg-host, each frame
    /// with its owner: <paramref name="ownerOf"/> names the driver a module file belongs to, or null.
    /// Throws <see cref="LkgException"/> with lkg-host's one line when the dump cannot be read.
    /// </summary>
    public DumpStack Read(string dumpPath, Func<string, string?> ownerOf)
    {
        if (!File.Exists(host.ProgramFile))
        {
            throw new LkgException(NtStatus.ObjectNameNotFound, $"lkg-host, which reads dumps, is missing ({host.ProgramFile}); reinstall lkg.");
        }

        HelperProcess.Outcome? outcome;
        try
        {
            // Waited for here: an analysis is a synchronous step of the decision and of lkg analyze.
            outcome = HelperProcess.RunAsync(host.FileName, [.. host.Arguments, Role, dumpPath], Timeout).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            throw new LkgException(NtStatus.ObjectNameNotFound, $"lkg-host, which reads dumps, could not run ({e.Message.TrimEnd('.')}); reinstall lkg.");
        }

        if (outcome is null)
        {
            throw new LkgException(NtStatus.IoTimeout, $"reading it took longer than {Timeout.TotalSeconds:0} s");
        }

        if (outcome.ExitCode != 0)
        {
            var why = outcome.Error.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            throw new LkgException(NtStatus.DataError, why ?? $"lkg-host {Role} exited with {outcome.ExitCode}");
        }

        var stack = Parse(outcome.Output);
        return stack with { Frames = [.. stack.Frames.Select(f => f with { Owner = f.ModulePath is { } module ? ownerOf(module) : null })] };
    }

    /// <summary>What <c>lkg-host dump</c> prints: the stack as JSON.</summary>
    public static string Format(DumpStack stack) => JsonSerializer.Serialize(stack, CrashJson.Default.DumpStack);

    private static DumpStack Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, CrashJson.Default.DumpStack) is { Why: not null, Frames: not null } stack
                && stack.Frames.All(f => f is { Module: not null, Type: not null, Method: not null }) ? stack
                : throw new LkgException(NtStatus.DataError, $"lkg-host {Role} wrote no stack");
        }
        catch (JsonException e)
        {
            throw new LkgException(NtStatus.DataError, $"lkg-host {Role} wrote no stack that reads: {e.Message}");
        }
    }
}
