using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using LastKnownGood.Boot;
using Microsoft.Diagnostics.Runtime;

namespace LastKnownGood.Diagnostics;

/// <summary>
/// Reads a kernel's process dump with ClrMD (DESIGN §9, §12): the faulting thread's managed stack
/// and the modules loaded. It is what the analysis falls back on when the record alone is not
/// enough: a runtime that ended the kernel (a stack overflow, a fatal error) leaves no frames.
/// ClrMD needs the runtime's data access library, which the NativeAOT lkg has not: the dump is
/// read in <c>lkg-host dump</c>, on the shared runtime the kernels run on, whose answer comes back
/// as JSON on its standard output; the owners of its modules are looked up here.
/// </summary>
public sealed class DumpReader(KernelCommandLine host)
{
    /// <summary>lkg-host's role that reads one dump: <c>lkg-host dump PATH</c>.</summary>
    public const string Role = "dump";

    /// <summary>A stack overflow's thread has many thousands of frames; the top ones tell.</summary>
    private const int MaxFrames = 256;

    /// <summary>A full dump of a large kernel takes seconds to walk; one that takes longer is given up.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The faulting thread of the dump at <paramref name="dumpPath"/>, read by lkg-host, with each
    /// frame's owner and the drivers' modules: <paramref name="ownerOf"/> names the driver a module
    /// file belongs to, or null.
    /// </summary>
    public DumpStack Read(string dumpPath, Func<string, string?> ownerOf)
    {
        var info = new ProcessStartInfo(host.FileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[.. host.Arguments, Role, dumpPath])
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill();
            throw new LkgException(NtStatus.IoTimeout, $"Reading the dump {dumpPath} did not finish within {Timeout.TotalSeconds:0} s.");
        }

        if (process.ExitCode != 0)
        {
            throw new LkgException(NtStatus.DataError, error.Result.Trim() is { Length: > 0 } why ? why : $"lkg-host {Role} exited with {process.ExitCode}.");
        }

        var stack = JsonSerializer.Deserialize(output.Result, CrashJson.Default.DumpStack)
            ?? throw new LkgException(NtStatus.DataError, $"lkg-host {Role} wrote no stack for {dumpPath}.");
        return stack with
        {
            Frames = [.. stack.Frames.Select(f => f with { Owner = f.ModulePath is { } module ? ownerOf(module) : null })],
            Modules = [.. stack.Modules.Where(m => ownerOf(m) is not null)],
        };
    }

    /// <summary>What <c>lkg-host dump</c> prints: the dump's stack as JSON, its owners not yet known.</summary>
    public static string ReadAsJson(string dumpPath) => JsonSerializer.Serialize(ReadHere(dumpPath), CrashJson.Default.DumpStack);

    /// <summary>
    /// The faulting thread, in this process: the one in the kernel's bug check if there is one,
    /// else the one with an exception in flight, else the deepest stack (a stack overflow's); and
    /// every module loaded.
    /// </summary>
    private static DumpStack ReadHere(string dumpPath)
    {
        try
        {
            using var target = DataTarget.LoadDump(dumpPath);
            var clr = target.ClrVersions is [var first, ..] ? first
                : throw new LkgException(NtStatus.DataError, $"The dump {dumpPath} holds no .NET runtime; it is not a kernel's dump.");
            using var runtime = clr.CreateRuntime(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "libmscordaccore.so"), ignoreMismatch: true);
            var threads = runtime.Threads.Select(t => (Thread: t, Frames: FramesOf(t))).Where(t => t.Frames.Count > 0).ToList();
            var (thread, frames, why) =
                threads.FirstOrDefault(t => t.Frames.Any(f => f.Type == "LastKnownGood.Kernel.Kernel" && f.Method == "BugCheck")) is { Thread: not null } bugCheck
                    ? (bugCheck.Thread, bugCheck.Frames, "the thread in the kernel's bug check")
                : threads.FirstOrDefault(t => t.Thread.CurrentException is not null) is { Thread: not null } throwing
                    ? (throwing.Thread, throwing.Frames, "the thread with an exception in flight")
                : threads.OrderByDescending(t => t.Frames.Count).FirstOrDefault() is { Thread: not null } deepest
                    ? (deepest.Thread, deepest.Frames, "the deepest stack")
                : throw new LkgException(NtStatus.DataError, $"The dump {dumpPath} holds no managed thread with a stack.");
            var modules = runtime.EnumerateModules().Select(m => m.Name).OfType<string>().Distinct().ToList();
            return new DumpStack(thread.ManagedThreadId, why, frames, modules);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ClrDiagnosticsException)
        {
            throw new LkgException(NtStatus.DataError, e.Message);
        }
    }

    private static List<CrashFrame> FramesOf(ClrThread thread)
    {
        var frames = new List<CrashFrame>();
        foreach (var frame in thread.EnumerateStackTrace())
        {
            if (frame.Method is not { Type: { } type } method)
            {
                continue;
            }

            var modulePath = type.Module.Name;
            frames.Add(new CrashFrame(
                Path.GetFileNameWithoutExtension(modulePath ?? type.Module.AssemblyName ?? "?"),
                null,
                type.Name ?? "?",
                method.Name ?? "?",
                method.MetadataToken,
                method.GetILOffset(frame.InstructionPointer),
                modulePath));
            if (frames.Count == MaxFrames)
            {
                break;
            }
        }

        return frames;
    }
}
