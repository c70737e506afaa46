using System.Globalization;

namespace LastKnownGood.Internal;

/// <summary>
/// Who holds a flock(2), read from /proc/locks: flock has no call that names the holder, and
/// reading the table takes no lock, so looking never gets in the way of a process taking one.
/// </summary>
internal static class FileLocks
{
    /// <summary>
    /// The process holding a flock on <paramref name="file"/>, or null when none does. 0 is a
    /// process outside this one's process id namespace.
    /// </summary>
    public static int? FindFlockHolder(FileIdentity file)
    {
        var wanted = file.ToString();
        try
        {
            // "1: FLOCK  ADVISORY  WRITE 4242 fe:00:1311 0 EOF"; a waiter's line has "->" after the number.
            foreach (var line in File.ReadLines("/proc/locks"))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields is [_, "FLOCK", _, _, var pid, var identity, ..] && identity == wanted
                    && int.TryParse(pid, NumberStyles.Integer, CultureInfo.InvariantCulture, out var holder))
                {
                    return holder;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No /proc/locks to read: nobody can be named.
        }

        return null;
    }

    /// <summary>The command line of <paramref name="processId"/>, its arguments joined by spaces.</summary>
    public static string? CommandLine(int processId)
    {
        try
        {
            return File.ReadAllText($"/proc/{processId}/cmdline").TrimEnd('\0').Replace('\0', ' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
