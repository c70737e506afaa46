namespace LastKnownGood.Diagnostics;

public sealed partial class Analyzer
{
    /// <summary>What <see cref="CrashAnalysis.StackSource"/> says of a stack the crash record carried.</summary>
    public const string StackFromRecord = "the crash record";

    /// <summary>What it says when neither the record nor a dump gave a stack.</summary>
    public const string NoStack = "none";

    /// <summary>
    /// The record's frames; for a record without any (one written from the kernel's exit status),
    /// the faulting thread's frames read back from its dump, if there is a readable one.
    /// </summary>
    private (IReadOnlyList<CrashFrame> Frames, string Source) StackOf(CrashRecord crash)
    {
        if (crash.Frames.Count > 0)
        {
            return (crash.Frames, StackFromRecord);
        }

        var path = crash.Dump is { } dump ? Path.Combine(machine.DumpsPath, dump) : null;
        if (path is null || !File.Exists(path) || hive.FindControlSet(crash.ControlSet) is null)
        {
            return ([], NoStack);
        }

        try
        {
            var stack = dumps.Read(path, DriverModules.OwnerOf(hive, crash.ControlSet, machine));
            return (stack.Frames, $"the dump {crash.Dump}: {stack.Why}");
        }
        catch (Exception e) when (e is LkgException or System.ComponentModel.Win32Exception)
        {
            // An unreadable dump leaves the record as the only evidence, which the confidence says.
            return ([], $"none (the dump {crash.Dump} cannot be read: {e.Message.TrimEnd('.')})");
        }
    }
}
