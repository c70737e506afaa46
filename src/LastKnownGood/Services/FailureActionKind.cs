namespace LastKnownGood.Services;

public enum FailureActionKind
{
    None,
    Restart,
    Reboot,
    Run,
}
