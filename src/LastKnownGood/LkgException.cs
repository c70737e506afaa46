namespace LastKnownGood;

/// <summary>
/// An operation on a machine failed for a reason the user can act on. The message is one
/// sentence that says what was wrong and what to do; the command line prints it as it is.
/// </summary>
public class LkgException(NtStatus status, string message, Exception? inner = null) : Exception(message, inner)
{
    public NtStatus Status { get; } = status;
}
