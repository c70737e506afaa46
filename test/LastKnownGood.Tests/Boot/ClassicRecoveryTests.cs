using LastKnownGood.Boot;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;

namespace LastKnownGood.Tests.Boot;

/// <summary>The Classic policy's decision, one row per history (oldest boot first; "N" normal, "L" Last Known Good, "S" safe mode).</summary>
public sealed class ClassicRecoveryTests
{
    private static readonly Select WithLastKnownGood = new(Current: 2, Default: 2, Failed: 0, LastKnownGood: 1);

    [Theory]
    [InlineData("", BootMode.Normal)]
    [InlineData("N:accepted", BootMode.Normal)]
    [InlineData("N:bugcheck", BootMode.Normal)]
    [InlineData("N:bugcheck N:bugcheck", BootMode.LastKnownGood)]
    [InlineData("N:killed N:bugcheck", BootMode.LastKnownGood)]
    [InlineData("N:bugcheck N:shutdown N:bugcheck", BootMode.LastKnownGood)]
    [InlineData("N:bugcheck N:accepted N:bugcheck", BootMode.Normal)]
    [InlineData("N:start-failure+lkg", BootMode.LastKnownGood)]
    [InlineData("N:killed+lkg", BootMode.LastKnownGood)]
    [InlineData("N:bugcheck N:bugcheck L:bugcheck", BootMode.SafeMinimal)]
    [InlineData("N:start-failure+lkg L:start-failure", BootMode.SafeMinimal)]
    [InlineData("N:bugcheck N:bugcheck L:shutdown", BootMode.LastKnownGood)]
    [InlineData("N:bugcheck N:bugcheck L:accepted", BootMode.Normal)]
    [InlineData("N:bugcheck N:bugcheck L:bugcheck S:shutdown", BootMode.Normal)]
    [InlineData("N:bugcheck N:bugcheck L:bugcheck S:bugcheck", BootMode.Normal)]
    [InlineData("N:bugcheck N:bugcheck L:bugcheck S:shutdown N:bugcheck", BootMode.Normal)]
    [InlineData("N:accepted+bugcheck", BootMode.Normal)]
    [InlineData("N:accepted+killed+lkg", BootMode.LastKnownGood)]
    [InlineData("N:bugcheck N:bugcheck L:killed+lkg", BootMode.SafeMinimal)]
    [InlineData("N:bugcheck N:bugcheck L:accepted+killed+lkg", BootMode.LastKnownGood)]
    public void Decide_FollowsTheClassicRules(string history, BootMode expected)
    {
        var plan = ClassicRecovery.Decide(Parse(history), WithLastKnownGood, new RecoveryOptions());

        Assert.Equal(expected, plan.Mode);
    }

    [Fact]
    public void Decide_FailedBootsBeforeRecovery_SetsHowManyFailuresItTakes()
    {
        var options = new RecoveryOptions { FailedBootsBeforeRecovery = 3 };

        Assert.Equal(BootMode.Normal, ClassicRecovery.Decide(Parse("N:bugcheck N:bugcheck"), WithLastKnownGood, options).Mode);
        Assert.Equal(BootMode.LastKnownGood, ClassicRecovery.Decide(Parse("N:bugcheck N:bugcheck N:bugcheck"), WithLastKnownGood, options).Mode);
    }

    [Fact]
    public void Decide_WithoutALastKnownGood_GoesToSafeMode()
    {
        var plan = ClassicRecovery.Decide(Parse("N:bugcheck N:bugcheck"), WithLastKnownGood with { LastKnownGood = 0 }, new RecoveryOptions());

        Assert.Equal(BootMode.SafeMinimal, plan.Mode);
        Assert.Contains("no Last Known Good", plan.Reason);
    }

    /// <summary>"N:bugcheck" is a normal boot that bug-checked; "+lkg" asked for Last Known Good; "accepted+bugcheck" crashed after acceptance.</summary>
    private static List<BootRecord> Parse(string history) =>
        [.. history.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select((text, index) =>
        {
            var (mode, rest) = (text[0], text[2..]);
            var askedForLastKnownGood = rest.EndsWith("+lkg", StringComparison.Ordinal);
            var accepted = rest.StartsWith("accepted", StringComparison.Ordinal);
            var outcome = rest.Replace("+lkg", "", StringComparison.Ordinal).Replace("accepted+", "", StringComparison.Ordinal);
            return new BootRecord(index + 1, 1, mode switch { 'N' => BootMode.Normal, 'L' => BootMode.LastKnownGood, _ => BootMode.SafeMinimal }, DateTimeOffset.UnixEpoch)
            {
                Outcome = BootNames.Parse<BootOutcome>(outcome),
                Accepted = accepted ? DateTimeOffset.UnixEpoch : null,
                AskedForLastKnownGood = askedForLastKnownGood,
            };
        }).Reverse()];
}
