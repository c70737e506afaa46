using LastKnownGood.Diagnostics;
using LastKnownGood.Registry;

namespace LastKnownGood.Cli;

/// <summary><c>lkg analyze</c> on screen: the layout of WinDbg's <c>!analyze -v</c>, then what it cannot know.</summary>
internal static class AnalysisFormat
{
    public static IEnumerable<string> Lines(CrashAnalysis a)
    {
        yield return "Bugcheck Analysis";
        yield return "";
        yield return $"{a.Name} ({(uint)a.Code:X})";
        yield return a.Description;
        yield return "Arguments:";
        foreach (var argument in a.Arguments)
        {
            yield return $"Arg{argument.Number}: {argument.Value:x16}, {argument.Meaning}";
        }

        yield return "";
        yield return $"CRASH_ID:           {a.Crash}";
        yield return $"BOOT:               {a.Boot?.ToString() ?? "unknown"} ({ControlSetInfo.FormatName(a.ControlSet)}, {a.Time:u})";
        yield return $"PROCESS_NAME:       {a.ProcessName}";
        if (a.ExceptionType is not null)
        {
            yield return $"EXCEPTION:          {a.ExceptionType}";
        }

        yield return $"MESSAGE:            {a.Message}";
        yield return "STACK_TEXT:" + (a.Stack.Count == 0 ? $"         {a.StackSource}" : a.StackSource == Analyzer.StackFromRecord ? "" : $"         from {a.StackSource}");
        for (var i = 0; i < a.Stack.Count; i++)
        {
            yield return (i == a.BlamedFrame ? "> " : "  ") + CrashFormat.Frame(i, a.Stack[i]);
        }

        yield return $"SYMBOL_NAME:        {a.SymbolName ?? "none"}";
        yield return $"MODULE_NAME:        {a.ModuleName ?? "none"}";
        yield return $"IMAGE_NAME:         {a.ImageName ?? "none"}";
        yield return $"IMAGE_VERSION:      {a.ImageVersion ?? "unknown"}";
        yield return $"FAILURE_BUCKET_ID:  {a.FailureBucketId}";
        yield return $"FOLLOWUP_NAME:      {a.FollowupName}";
        yield return "";
        yield return $"BLAME:              {a.Blamed ?? "nobody"}: {a.BlameReason}";
        yield return $"CONFIDENCE:         {a.Confidence.ToString().ToLowerInvariant()}";
        foreach (var suspect in a.Suspects)
        {
            yield return $"SUSPECT:            {suspect.Driver}: {suspect.Reason}";
        }

        if (a.Pool is { } pool)
        {
            yield return $"POOL:               {CrashFormat.PoolLine(pool)}";
        }

        yield return $"VERIFIER:           {(a.Blamed is null ? "no driver blamed" : $"{a.Blamed}: {(a.Verifier == 0 ? "off" : a.Verifier.ToString())}")}"
            + (a.RaisedByVerifier ? "; a verifier check raised this bug check" : "");
        foreach (var line in ChangeLines(a))
        {
            yield return line;
        }

        yield return "LAST_EVENTS:" + (a.LastEvents.Count == 0 ? "        none" : "");
        foreach (var e in a.LastEvents)
        {
            yield return "  " + e;
        }

        yield return $"DUMP:               {(a.Dump is { } dump ? $"dumps/{dump}"
            : a.DumpPending ? $"still being written by the boot manager; run lkg analyze {a.Crash} again in a moment to have it" : "none")}";
    }

    private static IEnumerable<string> ChangeLines(CrashAnalysis a)
    {
        if (a.Blamed is null)
        {
            yield break;
        }

        var header = $@"CHANGES:            Services\{a.Blamed} from Last Known Good ";
        if (a.LastKnownGood == 0 || a.LastKnownGood == a.ControlSet)
        {
            yield return header + (a.LastKnownGood == 0 ? "(there is none)" : $"({ControlSetInfo.FormatName(a.ControlSet)} is Last Known Good)") + ": none";
            yield break;
        }

        yield return header + $"{ControlSetInfo.FormatName(a.LastKnownGood)} to {ControlSetInfo.FormatName(a.ControlSet)}:" + (a.Changes.Count == 0 ? " none" : "");
        foreach (var c in a.Changes)
        {
            yield return $"  {c.Kind} {c.Key}" + (c.Name is null ? "" : $" {c.Name}: {c.Old ?? "(absent)"} -> {c.New ?? "(absent)"}");
        }
    }
}
