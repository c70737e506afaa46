using LastKnownGood.Services;

namespace LastKnownGood.Kernel;

/// <summary>Windows' ErrorControl table: what a start failure leads to, in a normal boot and in a Last Known Good boot.</summary>
public static class StartFailurePolicy
{
    public static StartFailureOutcome Decide(ErrorControl errorControl, StartType start, bool lastKnownGoodBoot) => errorControl switch
    {
        ErrorControl.Ignore => StartFailureOutcome.Continue,
        ErrorControl.Normal => StartFailureOutcome.LogAndContinue,
        ErrorControl.Severe => lastKnownGoodBoot ? StartFailureOutcome.LogAndContinue : StartFailureOutcome.RebootWithLastKnownGood,
        _ when !lastKnownGoodBoot => StartFailureOutcome.RebootWithLastKnownGood,
        _ when start is StartType.Boot or StartType.System => StartFailureOutcome.BugCheckInaccessibleBootDevice,
        _ => StartFailureOutcome.FailedBoot,
    };
}
