using LastKnownGood.Kernel;
using LastKnownGood.Services;

namespace LastKnownGood.Tests.Kernel;

public sealed class StartFailurePolicyTests
{
    // DESIGN §7: ErrorControl | failure in a normal boot | failure in a Last Known Good boot.
    [Theory]
    [InlineData(ErrorControl.Ignore, StartType.Boot, false, StartFailureOutcome.Continue)]
    [InlineData(ErrorControl.Ignore, StartType.Boot, true, StartFailureOutcome.Continue)]
    [InlineData(ErrorControl.Normal, StartType.Auto, false, StartFailureOutcome.LogAndContinue)]
    [InlineData(ErrorControl.Normal, StartType.Auto, true, StartFailureOutcome.LogAndContinue)]
    [InlineData(ErrorControl.Severe, StartType.System, false, StartFailureOutcome.RebootWithLastKnownGood)]
    [InlineData(ErrorControl.Severe, StartType.System, true, StartFailureOutcome.LogAndContinue)]
    [InlineData(ErrorControl.Critical, StartType.Boot, false, StartFailureOutcome.RebootWithLastKnownGood)]
    [InlineData(ErrorControl.Critical, StartType.Boot, true, StartFailureOutcome.BugCheckInaccessibleBootDevice)]
    [InlineData(ErrorControl.Critical, StartType.System, true, StartFailureOutcome.BugCheckInaccessibleBootDevice)]
    [InlineData(ErrorControl.Critical, StartType.Auto, false, StartFailureOutcome.RebootWithLastKnownGood)]
    [InlineData(ErrorControl.Critical, StartType.Auto, true, StartFailureOutcome.FailedBoot)]
    [InlineData(ErrorControl.Critical, StartType.Demand, true, StartFailureOutcome.FailedBoot)]
    public void Decide_FollowsTheErrorControlTable(ErrorControl errorControl, StartType start, bool lastKnownGood, StartFailureOutcome expected) =>
        Assert.Equal(expected, StartFailurePolicy.Decide(errorControl, start, lastKnownGood));
}
