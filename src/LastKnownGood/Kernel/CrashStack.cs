using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using LastKnownGood.Diagnostics;

namespace LastKnownGood.Kernel;

/// <summary>
/// The faulting thread's stack for a crash record (DESIGN §9): the exception's own frames, from
/// where it was thrown to where the kernel caught it, then the thread's frames above the catch,
/// which hold the caller of a kernel service that found corruption. Each frame says which
/// driver's load context holds its code. It reads no PDB: a bug check captures this before the
/// machine stops, so source lines are resolved afterwards, when the crash is analysed.
/// </summary>
internal static class CrashStack
{
    public static (IReadOnlyList<CrashFrame> Frames, string Text) Capture(Exception? exception, StackTrace thread)
    {
        var frames = new List<CrashFrame>();
        var text = new StringBuilder();
        var above = thread.GetFrames();
        if (exception is not null)
        {
            var thrown = new StackTrace(exception, fNeedFileInfo: false).GetFrames();
            text.Append(exception.GetType().FullName).Append(": ").AppendLine(exception.Message);
            Append(thrown, frames, text);
            text.AppendLine("--- callers above the catch ---");
            // The thread's stack repeats the catching frame and the kernel's frames between it and the bug check.
            var catcher = thrown.LastOrDefault()?.GetMethod();
            var caught = Array.FindIndex(above, f => catcher is not null && f.GetMethod() == catcher);
            above = caught >= 0 ? above[(caught + 1)..] : above;
        }

        Append(above, frames, text);
        return (frames, text.ToString());
    }

    /// <summary>The driver that owns the first frame of <paramref name="exception"/>'s stack that belongs to a driver, or null.</summary>
    public static string? DriverOf(Exception exception)
    {
        foreach (var frame in new StackTrace(exception, fNeedFileInfo: false).GetFrames())
        {
            if (frame.GetMethod() is { } method && OwnerOf(method) is { } owner)
            {
                return owner;
            }
        }

        return exception.InnerException is { } inner ? DriverOf(inner) : null;
    }

    /// <summary>The driver whose load context holds <paramref name="method"/>'s assembly; null for the kernel and the runtime.</summary>
    public static string? OwnerOf(MethodBase method) =>
        AssemblyLoadContext.GetLoadContext(method.Module.Assembly) is DriverLoadContext context ? context.DriverName : null;

    private static void Append(StackFrame[] trace, List<CrashFrame> frames, StringBuilder text)
    {
        foreach (var frame in trace)
        {
            if (frame.GetMethod() is not { } method)
            {
                continue;
            }

            var module = method.Module;
            var crashFrame = new CrashFrame(
                module.Assembly.GetName().Name ?? module.Name,
                OwnerOf(method),
                method.DeclaringType?.FullName ?? "<global>",
                method.Name,
                method.MetadataToken,
                frame.GetILOffset(),
                string.IsNullOrEmpty(module.Assembly.Location) ? null : module.Assembly.Location);
            frames.Add(crashFrame);
            text.Append("   at ").AppendLine(crashFrame.ToString());
        }
    }
}
