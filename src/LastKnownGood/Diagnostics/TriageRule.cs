namespace LastKnownGood.Diagnostics;

/// <summary>
/// One value of <c>Control\Triage</c>: <see cref="Name"/> is <c>Module</c> or <c>Module!Type.Method</c>,
/// <see cref="Target"/> the owner blame goes to for such a frame, or <c>ignore</c>.
/// </summary>
public sealed record TriageRule(string Name, string Target)
{
    public const string IgnoreWord = "ignore";

    /// <summary>The frame is skipped by the blame walk.</summary>
    public bool Ignores => string.Equals(Target, IgnoreWord, StringComparison.OrdinalIgnoreCase);

    /// <summary>The owner the rule blames, or null when it ignores the frame.</summary>
    public string? Owner => Ignores ? null : Target;
}
