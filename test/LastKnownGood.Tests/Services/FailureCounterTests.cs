using LastKnownGood.Services;

namespace LastKnownGood.Tests.Services;

public sealed class FailureCounterTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Fail_TakesTheNthActionAndRepeatsTheLast()
    {
        var counter = new FailureCounter(Parse(TimeSpan.FromMinutes(1), "restart/2", "run/echo failed", "reboot"));

        var kinds = Enumerable.Range(0, 5).Select(i => counter.Fail(Start.AddSeconds(i)).Kind).ToArray();

        Assert.Equal([FailureActionKind.Restart, FailureActionKind.Run, FailureActionKind.Reboot, FailureActionKind.Reboot, FailureActionKind.Reboot], kinds);
        Assert.Equal(5, counter.Count);
    }

    [Fact]
    public void Fail_AfterTheResetPeriodWithoutAFailure_StartsTheCountAgain()
    {
        var counter = new FailureCounter(Parse(TimeSpan.FromSeconds(30), "restart/0", "none"));

        Assert.Equal(FailureActionKind.Restart, counter.Fail(Start).Kind);
        Assert.Equal(FailureActionKind.None, counter.Fail(Start.AddSeconds(29)).Kind);
        Assert.Equal(FailureActionKind.Restart, counter.Fail(Start.AddSeconds(59)).Kind);
        Assert.Equal(1, counter.Count);
    }

    [Fact]
    public void Fail_RepeatingTheLastRestart_DoublesItsDelayUpToTheMaximum()
    {
        var counter = new FailureCounter(Parse(TimeSpan.FromHours(1), "restart/0", "restart/3"));

        var delays = Enumerable.Range(0, 10).Select(i => counter.Fail(Start.AddSeconds(i)).Delay.TotalSeconds).ToArray();

        Assert.Equal([0, 3, 6, 12, 24, 48, 96, 192, 300, 300], delays);
    }

    [Fact]
    public void Fail_RepeatingARestartAtOnce_BacksOffFromOneSecond()
    {
        var counter = new FailureCounter(Parse(TimeSpan.FromHours(1), "restart/0"));

        var delays = Enumerable.Range(0, 4).Select(i => counter.Fail(Start.AddSeconds(i)).Delay.TotalSeconds).ToArray();

        Assert.Equal([0, 2, 4, 8], delays);
    }

    [Fact]
    public void UserModeDriverDefault_RestartsThreeTimesThenTakesNoAction()
    {
        var counter = new FailureCounter(FailureActions.UserModeDriverDefault);

        var kinds = Enumerable.Range(0, 5).Select(i => counter.Fail(Start.AddSeconds(i)).Kind).ToArray();

        Assert.Equal([FailureActionKind.Restart, FailureActionKind.Restart, FailureActionKind.Restart, FailureActionKind.None, FailureActionKind.None], kinds);
    }

    private static FailureActions Parse(TimeSpan reset, params string[] actions) =>
        new([.. actions.Select(text => FailureAction.TryParse(text, out var action) ? action : throw new ArgumentException(text))], reset);
}
