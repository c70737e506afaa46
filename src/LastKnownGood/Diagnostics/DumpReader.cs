using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Runtime;

namespace LastKnownGood.Diagnostics;

/// <summary>
/// Reads a kernel's process dump with ClrMD (DESIGN §9, §12): the faulting thread's managed stack
/// and the modules loaded. It is what the analysis falls back on when the record alone is not
/// enough: a runtime that ended the kernel (a stack overflow, a fatal error) leaves no frames.
/// </summary>
public static class DumpReader
{
    /// <summary>A stack overflow's thread has many thousands of frames; the top ones tell.</summary>
    private const int MaxFrames = 256;

    /// <summary>
    /// The faulting thread: the one in the kernel's bug check if there is one, else the one with an
    /// exception in flight, else the deepest stack (a stack overflow's). <paramref name="ownerOf"/>
    /// names the driver a module file belongs to, or null.
    /// </summary>
    public static DumpStack Read(string dumpPath, Func<string, string?> ownerOf)
    {
        using var target = DataTarget.LoadDump(dumpPath);
        var clr = target.ClrVersions is [var first, ..] ? first
            : throw new LkgException(NtStatus.DataError, $"The dump {dumpPath} holds no .NET runtime; it is not a kernel's dump.");
        using var runtime = clr.CreateRuntime(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "libmscordaccore.so"), ignoreMismatch: true);
        var threads = runtime.Threads.Select(t => (Thread: t, Frames: FramesOf(t, ownerOf))).Where(t => t.Frames.Count > 0).ToList();
        var (thread, frames, why) =
            threads.FirstOrDefault(t => t.Frames.Any(f => f.Type == "LastKnownGood.Kernel.Kernel" && f.Method == "BugCheck")) is { Thread: not null } bugCheck
                ? (bugCheck.Thread, bugCheck.Frames, "the thread in the kernel's bug check")
            : threads.FirstOrDefault(t => t.Thread.CurrentException is not null) is { Thread: not null } throwing
                ? (throwing.Thread, throwing.Frames, "the thread with an exception in flight")
            : threads.OrderByDescending(t => t.Frames.Count).FirstOrDefault() is { Thread: not null } deepest
                ? (deepest.Thread, deepest.Frames, "the deepest stack")
            : throw new LkgException(NtStatus.DataError, $"The dump {dumpPath} holds no managed thread with a stack.");
        var modules = runtime.EnumerateModules().Select(m => m.Name).OfType<string>().Where(n => ownerOf(n) is not null).Distinct().ToList();
        return new DumpStack(thread.ManagedThreadId, why, frames, modules);
    }

    private static List<CrashFrame> FramesOf(ClrThread thread, Func<string, string?> ownerOf)
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
                modulePath is null ? null : ownerOf(modulePath),
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
