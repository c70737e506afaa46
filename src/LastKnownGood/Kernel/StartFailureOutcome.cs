namespace LastKnownGood.Kernel;

/// <summary>What a boot does when a component fails to start (DESIGN §7).</summary>
public enum StartFailureOutcome
{
    Continue,
    LogAndContinue,
    RebootWithLastKnownGood,

    /// <summary>Bug check 0x7B, INACCESSIBLE_BOOT_DEVICE.</summary>
    BugCheckInaccessibleBootDevice,

    /// <summary>The boot fails; recovery goes on to safe mode.</summary>
    FailedBoot,
}
