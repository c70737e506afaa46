using System.Runtime.InteropServices;
using LastKnownGood.Cli;
using LastKnownGood.Diagnostics;
using Microsoft.Diagnostics.Runtime;

namespace LastKnownGood.Host;

/// <summary>
/// <c>lkg-host dump PATH</c>: reads a kernel's dump with ClrMD, on the shared runtime whose data
/// access library ClrMD needs, and prints its stack as JSON for lkg's analysis
/// (<see cref="DumpReader"/>: <c>lkg analyze</c>, Improved recovery's blame, the demos), which
/// starts it; it is not run by hand. What stops the read is one line on standard error.
/// </summary>
internal static class DumpCommand
{
    public const string Name = DumpReader.Role;

    /// <summary>A stack overflow's thread has many thousands of frames; the top ones tell.</summary>
    private const int MaxFrames = 256;

    public static int Run(IReadOnlyList<string> args)
    {
        if (args is not [var path])
        {
            Console.Error.WriteLine($"lkg-host {Name} reads one kernel's dump for lkg's analysis, which starts it with the dump's path; it is not run by hand.");
            return ExitCodes.Usage;
        }

        try
        {
            Console.Out.Write(DumpReader.Format(Read(path)));
            return ExitCodes.Success;
        }
        catch (Exception e)
        {
            // Whatever a damaged dump makes ClrMD throw, the analysis gets one line of it.
            Console.Error.WriteLine(e.Message.ReplaceLineEndings(" "));
            return ExitCodes.Failed;
        }
    }

    /// <summary>
    /// The faulting thread, in this process: the one in the kernel's bug check if there is one,
    /// else the one with an exception in flight, else the deepest stack (a stack overflow's).
    /// </summary>
    private static DumpStack Read(string dumpPath)
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
        return new DumpStack(thread.ManagedThreadId, why, frames);
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
