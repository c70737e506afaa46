using LastKnownGood.Cli;

namespace LastKnownGood.Tests.Cli;

/// <summary>The one duration syntax of lkg boot --timeout and lkg-host kernel --watchdog (DESIGN §14).</summary>
public sealed class DurationsTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("1h30m", 5400)]
    [InlineData("30m1h", 5400)]
    [InlineData("1d", 86400)]
    [InlineData("500ms", 0.5)]
    [InlineData("1.5", 1.5)]
    [InlineData("2.5m", 150)]
    [InlineData("24d", 24 * 86400)]
    public void TryParse_ADuration_GivesItsLength(string text, double seconds)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("0s")]
    [InlineData("1h30")]
    [InlineData("h")]
    [InlineData("-5s")]
    [InlineData("1 h")]
    [InlineData("25d")]
    [InlineData("NaN")]
    [InlineData("1w")]
    [InlineData("0.5ms")]
    [InlineData("0.0001")]
    public void TryParse_AnythingElse_IsRefused(string text) => Assert.False(Durations.TryParse(text, out _));
}
