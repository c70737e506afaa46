namespace LastKnownGood.Diagnostics;

/// <summary>
/// The names of the process dumps in a machine's <c>dumps/</c> (DESIGN §4, §9): written by the
/// boot manager or the runtime, read by <c>lkg analyze</c>. One place for both sides.
/// </summary>
public static class DumpFile
{
    /// <summary>The dump of bug check record <paramref name="crashId"/>, once it is whole.</summary>
    public static string ForCrash(long crashId) => $"crash-{crashId}.dmp";

    /// <summary>The dump the runtime writes when it ends boot <paramref name="boot"/>'s kernel itself.</summary>
    public static string ForFatalError(int boot) => $"boot-{boot}.dmp";

    /// <summary>
    /// The dump of boot <paramref name="boot"/>'s bug check while <c>createdump</c> writes it, beside
    /// the next boot: it takes its <see cref="ForCrash"/> name only once it is whole, so a dump
    /// under that name is never half written.
    /// </summary>
    public static string Writing(int boot) => $"crash-of-boot-{boot}.dmp.partial";

    /// <summary>The suffix of <see cref="Writing"/>'s names.</summary>
    public const string WritingSuffix = ".partial";
}
