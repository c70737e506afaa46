using System.Runtime.InteropServices;

namespace LastKnownGood.Internal;

/// <summary>The one way a failed socket call becomes an exception: the call, the socket and the system's reason.</summary>
internal static class SocketCalls
{
    /// <exception cref="IOException"><paramref name="result"/> is negative.</exception>
    public static void Check(int result, string call, string path)
    {
        if (result < 0)
        {
            throw new IOException($"{call} for the socket {path} failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
    }
}
