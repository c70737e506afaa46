using LastKnownGood.Registry;

namespace LastKnownGood.Services;

/// <summary>
/// One value of a service's <c>TrackedFiles\</c> key (DESIGN §6): the absolute path the program
/// reads, which is the value's name, and the FILE value's content in the control set.
/// </summary>
public sealed record TrackedFile(string Path, FileReference Content);
