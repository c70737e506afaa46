using LastKnownGood.Diagnostics;
using LastKnownGood.Registry;

namespace LastKnownGood.Cli;

/// <summary>A crash record on screen, for <c>lkg crashes show N</c>, and the lookups the crash commands share.</summary>
internal static class CrashFormat
{
    /// <summary>Crash <paramref name="id"/>; a missing one is the one sentence every crash command gives.</summary>
    public static CrashRecord Find(Hive hive, long id) => CrashLog.Get(hive, id)
        ?? throw new LkgException(NtStatus.ObjectNameNotFound, $"Crash {id} does not exist; lkg crashes lists them.");

    /// <summary>A frame as <c>STACK_TEXT</c> writes it: number, symbol and offset, source line, and the driver that owns it.</summary>
    public static string Frame(int number, CrashFrame frame) =>
        $"{number:00} {frame}" + (frame.Owner is { } owner ? $"  ({owner})" : "");

    public static IEnumerable<string> Lines(CrashRecord crash)
    {
        yield return $"Crash {crash.Id}: {crash.Name} ({StopCodeJsonConverter.Format(crash.Code)}), boot {crash.Boot?.ToString() ?? "unknown"}, {ControlSetInfo.FormatName(crash.ControlSet)}, {crash.Time:u}";
        yield return $"Component:  {crash.Component ?? "unknown"}";
        yield return $"Parameters: {string.Join(" ", crash.Parameters.Select(p => $"0x{p:X}"))}";
        if (crash.ExceptionType is not null)
        {
            yield return $"Exception:  {crash.ExceptionType}";
        }

        yield return $"Message:    {crash.Message}";
        yield return "Frames:" + (crash.Frames.Count == 0 ? " none recorded" : "");
        for (var i = 0; i < crash.Frames.Count; i++)
        {
            yield return "  " + Frame(i, crash.Frames[i]);
        }

        yield return "Last events:" + (crash.LastEvents.Count == 0 ? " none" : "");
        foreach (var e in crash.LastEvents)
        {
            yield return "  " + e;
        }

        if (crash.Pool is { } pool)
        {
            yield return $"Pool:       {PoolLine(pool)}";
        }

        yield return $"Dump:       {(crash.Dump is { } dump ? $"dumps/{dump}" : "none")}";
        yield return $"lkg analyze {crash.Id} explains it.";
    }

    public static string PoolLine(PoolEvidence pool) =>
        $"block 0x{pool.Block:X} tag '{pool.BlockTag ?? "free"}' owner {pool.BlockOwner ?? "none"}; "
        + (pool.PrecedingBlock is { } before
            ? $"the block before it 0x{before:X} tag '{pool.PrecedingTag ?? "free"}' owner {pool.PrecedingOwner ?? "none"}"
            : "no block before it");
}
