using LastKnownGood.Registry;

namespace LastKnownGood.Diagnostics;

/// <summary>
/// <c>Control\Triage</c> of a control set, WinDbg's <c>triage.ini</c> in registry form: each SZ
/// value is named <c>Module</c> or <c>Module!Type.Method</c> (the type's short name, as
/// <c>SYMBOL_NAME</c> writes it, or its full name), and its data is a driver's name, which takes
/// the blame for such a frame, or <c>ignore</c>, which skips the frame. A method rule wins over
/// its module's rule; names compare case-insensitively; values of other types, and empty ones, are not rules.
/// </summary>
public sealed class TriageRules
{
    public static readonly KeyPath KeyPath = KeyPath.Parse(@"Control\Triage");

    private readonly Dictionary<string, TriageRule> _rules;

    public TriageRules(IEnumerable<TriageRule> rules) =>
        _rules = rules.ToDictionary(r => r.Name, RegistryNames.Comparer);

    public static TriageRules Read(Hive hive, int controlSet) => new(
        hive.OpenKey(controlSet, KeyPath) is { } key
            ? key.Values.Where(v => v.Value.Kind == RegistryValueKind.Sz && v.Value.AsString().Trim().Length > 0)
                .Select(v => new TriageRule(v.Name, v.Value.AsString().Trim()))
            : []);

    /// <summary>The rule that applies to <paramref name="frame"/>, most specific first; null when none does.</summary>
    public TriageRule? Find(CrashFrame frame) =>
        _rules.GetValueOrDefault($"{frame.Module}!{frame.ShortType}.{frame.Method}")
        ?? _rules.GetValueOrDefault($"{frame.Module}!{frame.Type}.{frame.Method}")
        ?? _rules.GetValueOrDefault(frame.Module);
}
