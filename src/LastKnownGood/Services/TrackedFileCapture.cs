namespace LastKnownGood.Services;

/// <summary>
/// Improved's capture of a tracked file that a person changed on disk behind the runtime's back
/// (DESIGN §8), so that a rollback can undo it.
/// </summary>
/// <param name="AtStart">
/// Before the service starts, the file differs from the running set: the boot goes on on a set
/// derived with the file on disk, tentative, and this returns its number.
/// </param>
/// <param name="WhileRunning">
/// The file changed while the service ran, after it read it: the service and the boot stay on what
/// they started with, and the file is written into <c>Default</c> for the next boot; this returns
/// that set's number, or null when <c>Default</c> holds that file already.
/// </param>
public sealed record TrackedFileCapture(Func<string, TrackedFile, Stream, int> AtStart, Func<string, string, Stream, int?> WhileRunning);
