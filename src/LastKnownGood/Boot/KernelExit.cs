using LastKnownGood.Diagnostics;

namespace LastKnownGood.Boot;

/// <summary>What a kernel's exit status means for its boot (DESIGN §3, §7, §9).</summary>
internal sealed record KernelExit(BootOutcome Outcome, string Reason, bool AskedForLastKnownGood = false)
{
    /// <summary>For a kernel that died without writing its crash record, the record the boot manager writes for it.</summary>
    public CrashRecord? Crash { get; init; }

    public static KernelExit Classify(int exitCode, BootRecord boot, bool hasCrashRecord, string standardError, DateTimeOffset now) => exitCode switch
    {
        KernelExitCodes.Shutdown => new(BootOutcome.Shutdown, "shut down"),
        KernelExitCodes.BugCheck when hasCrashRecord => new(BootOutcome.Bugcheck, "bug check"),
        KernelExitCodes.RebootWithLastKnownGood => new(BootOutcome.StartFailure, StartFailure(standardError, "a start failure asked for Last Known Good"), AskedForLastKnownGood: true),
        KernelExitCodes.FailedBoot => new(BootOutcome.StartFailure, StartFailure(standardError, "a Critical component failed to start in a Last Known Good boot")),
        KernelExitCodes.Reboot => new(BootOutcome.Reboot, Rebooted(standardError, "a service's FailureActions asked for a reboot")),
        _ => Died(exitCode, boot, standardError, now),
    };

    /// <summary>
    /// A kernel gone without a crash record of its own: one is written from what is left, the
    /// exit status and the tail of standard error (the runtime prints its fatal errors there).
    /// A bug check whose record could not be written keeps its stop code from the stop line. A
    /// runtime that ended the kernel (a stack overflow, a fault in native code, a fatal error) is
    /// an exception nobody handled in kernel mode, 0x1E, with the exception code of the signal in
    /// p1; 0xEF is only ever for Critical user-mode processes. SIGKILL is not a failure of the
    /// kernel's code (a person, or the out-of-memory killer): the boot is killed, with no record.
    /// </summary>
    private static KernelExit Died(int exitCode, BootRecord boot, string standardError, DateTimeOffset now)
    {
        var signal = exitCode > 128 ? exitCode - 128 : 0;
        var how = signal != 0 ? $"died of signal {signal} ({SignalName(signal)})" : $"exited with code {exitCode}";
        if (signal == SignalKill)
        {
            return new(BootOutcome.Killed, how);
        }

        var stopped = StopLine.TryParse(standardError, out var code, out var component);
        var exceptionCode = standardError.Contains("Stack overflow", StringComparison.Ordinal) ? StatusStackOverflow : ExceptionCodeOf(signal);
        var message = $"The kernel (process {boot.KernelProcessId}) {how} without a crash record of its own.";
        var crash = new CrashRecord(now, stopped ? code : BugCheckCode.KmodeExceptionNotHandled, [exceptionCode, 0, (ulong)signal, (ulong)exitCode],
            boot.Number, boot.ControlSet, component, null, message, standardError, []);
        return new(BootOutcome.Bugcheck, how) { Crash = crash };
    }

    private const int SignalKill = 9;
    private const ulong StatusStackOverflow = 0xC00000FD;

    /// <summary>The NTSTATUS exception code Windows reports for the fault a signal stands for.</summary>
    private static ulong ExceptionCodeOf(int signal) => signal switch
    {
        4 => 0xC000001D, // STATUS_ILLEGAL_INSTRUCTION
        7 or 11 => 0xC0000005, // STATUS_ACCESS_VIOLATION
        8 => 0xC0000094, // STATUS_INTEGER_DIVIDE_BY_ZERO
        _ => 0xC0000409, // STATUS_STACK_BUFFER_OVERRUN: the fail-fast code the runtime's own aborts use
    };

    /// <summary>What the kernel's event line before a <see cref="KernelExitCodes.Reboot"/> starts with, after its source (<c>Kernel.RequestReboot</c>).</summary>
    internal const string RebootMarker = "rebooting: ";

    private static string StartFailure(string standardError, string fallback) =>
        LastLineWith(standardError, " failed to start") is { } line ? line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..] : fallback;

    private static string Rebooted(string standardError, string fallback) =>
        LastLineWith(standardError, RebootMarker) is { } line ? line[(line.IndexOf(RebootMarker, StringComparison.Ordinal) + RebootMarker.Length)..] : fallback;

    private static string? LastLineWith(string standardError, string text) =>
        standardError.Split('\n').LastOrDefault(l => l.Contains(text, StringComparison.Ordinal))?.TrimEnd('\r');

    private static string SignalName(int signal) => signal switch
    {
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        15 => "SIGTERM",
        _ => "a signal",
    };
}
