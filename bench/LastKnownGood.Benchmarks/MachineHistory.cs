using LastKnownGood.Boot;
using LastKnownGood.Diagnostics;
using LastKnownGood.Registry;

namespace LastKnownGood.Benchmarks;

/// <summary>
/// The boot history of a long-lived machine, written through <see cref="BootLog"/> as the boot
/// manager writes it: cycles of ten boots (seven accepted and shut down, two bug checks with their
/// crash records, then a Last Known Good boot, accepted and shut down), one boot a minute. The last
/// three boots are always an accepted one and two bug checks, so the next decision is Last Known
/// Good and <c>lkg status</c> shows the same newest boots whatever the length: a 3-boot machine is
/// that ending alone.
/// </summary>
internal static class MachineHistory
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly char[] Cycle = "AAAAAAABBL".ToCharArray();

    private static readonly char[] Ending = "ABB".ToCharArray();

    /// <summary>
    /// Writes <paramref name="boots"/> boots of the cycle above or, with <paramref name="accepted"/>,
    /// accepted boots alone, shut down (a history that leaves the next decision the default one).
    /// </summary>
    public static void Write(Hive hive, int boots, bool accepted = false)
    {
        // Written once, before anything is measured: an fsync per commit would make 10,000 boots take minutes.
        hive.Database.Execute("PRAGMA synchronous = OFF");
        for (var i = 1; i <= boots; i++)
        {
            var left = boots - i;
            Write(hive, accepted ? 'A' : left < Ending.Length ? Ending[^(left + 1)] : Cycle[(i - 1) % Cycle.Length], Start.AddMinutes(i));
        }

        hive.Database.Execute("PRAGMA synchronous = FULL");
    }

    private static void Write(Hive hive, char kind, DateTimeOffset time)
    {
        var boot = BootLog.Begin(hive, kind == 'L' ? new BootPlan(BootMode.LastKnownGood, "2 consecutive failed boots") : new BootPlan(BootMode.Normal, "Default"), time);
        if (kind == 'B')
        {
            var crash = new CrashRecord(time, BugCheckCode.PageFaultInNonpagedArea, [0xFFFF_9E8A_0000_0000, 0, 0xFFFF_F806_2A4B_0000, 2], boot.Number, boot.ControlSet,
                "Sensor", "System.IndexOutOfRangeException", "Index was outside the bounds of the array.", "Sensor!ContentInterpreter.Match+0x2a", []);
            BootLog.End(hive, boot.Number, BootOutcome.Bugcheck, "bug check 0x50", askedForLastKnownGood: false, crash, time.AddSeconds(5));
            return;
        }

        BootLog.Accept(hive, boot.Number, time.AddSeconds(30));
        BootLog.End(hive, boot.Number, BootOutcome.Shutdown, "shut down", askedForLastKnownGood: false, crash: null, time.AddSeconds(50));
    }
}
