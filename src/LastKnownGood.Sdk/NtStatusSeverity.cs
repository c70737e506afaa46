namespace LastKnownGood;

/// <summary>The two severity bits at the top of an <see cref="NtStatus"/>.</summary>
public enum NtStatusSeverity
{
    Success = 0,
    Informational = 1,
    Warning = 2,
    Error = 3,
}
