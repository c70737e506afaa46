using System.Globalization;
using System.Text.RegularExpressions;
using LastKnownGood.Diagnostics;

namespace LastKnownGood.Boot;

/// <summary>What a kernel's exit status means for its boot (DESIGN §3, §7, §9).</summary>
internal sealed partial record KernelExit(BootOutcome Outcome, string Reason, bool AskedForLastKnownGood = false)
{
    /// <summary>For a kernel that died without writing its crash record, the record the boot manager writes for it.</summary>
    public CrashRecord? Crash { get; init; }

    public static KernelExit Classify(int exitCode, BootRecord boot, bool hasCrashRecord, string standardError, DateTimeOffset now) => exitCode switch
    {
        KernelExitCodes.Shutdown => new(BootOutcome.Shutdown, "shut down"),
        KernelExitCodes.BugCheck when hasCrashRecord => new(BootOutcome.Bugcheck, "bug check"),
        KernelExitCodes.RebootWithLastKnownGood => new(BootOutcome.StartFailure, StartFailure(standardError, "a start failure asked for Last Known Good"), AskedForLastKnownGood: true),
        KernelExitCodes.FailedBoot => new(BootOutcome.StartFailure, StartFailure(standardError, "a Critical component failed to start in a Last Known Good boot")),
        _ => Died(exitCode, boot, standardError, now),
    };

    /// <summary>
    /// A kernel gone without a crash record of its own: one is written from what is left, the
    /// exit status and the tail of standard error (the runtime prints its fatal errors there).
    /// A bug check whose record could not be written keeps its stop code from the STOP line;
    /// any other death is 0xEF, the machine's critical process died.
    /// </summary>
    private static KernelExit Died(int exitCode, BootRecord boot, string standardError, DateTimeOffset now)
    {
        var signal = exitCode > 128 ? exitCode - 128 : 0;
        var how = signal != 0 ? $"died of signal {signal} ({SignalName(signal)})" : $"exited with code {exitCode}";
        var stop = StopLine().Match(standardError);
        var code = stop.Success ? (BugCheckCode)uint.Parse(stop.Groups[1].ValueSpan, NumberStyles.HexNumber, CultureInfo.InvariantCulture) : BugCheckCode.CriticalProcessDied;
        var message = $"The kernel (process {boot.KernelProcessId}) {how} without a crash record of its own.";
        var crash = new CrashRecord(now, code, [(ulong)(boot.KernelProcessId ?? 0), (ulong)signal, (ulong)exitCode, 0], boot.Number, boot.ControlSet,
            stop.Success && stop.Groups[2].Value != "kernel" ? stop.Groups[2].Value : null, null, message, standardError, []);
        return new(signal == 9 ? BootOutcome.Killed : BootOutcome.Bugcheck, how) { Crash = crash };
    }

    private static string StartFailure(string standardError, string fallback) =>
        standardError.Split('\n').LastOrDefault(l => l.Contains(" failed to start", StringComparison.Ordinal)) is { } line
            ? line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..]
            : fallback;

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

    [GeneratedRegex(@"\*\*\* STOP: 0x([0-9A-F]{8}) \([A-Z0-9_]+\) (\S+):")]
    private static partial Regex StopLine();
}
