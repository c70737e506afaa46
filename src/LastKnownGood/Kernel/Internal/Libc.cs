using System.Runtime.InteropServices;

namespace LastKnownGood.Kernel.Internal;

internal static partial class Libc
{
    /// <summary>
    /// Ends the process at once: no finalizers, no exit handlers, no other thread gets to run
    /// more driver code. This is what a bug check needs and Environment.Exit does not give.
    /// </summary>
    [LibraryImport("libc", EntryPoint = "_exit")]
    public static partial void Exit(int status);
}
