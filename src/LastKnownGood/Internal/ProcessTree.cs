using System.Globalization;

namespace LastKnownGood.Internal;

/// <summary>Parents and descendants of processes, read from <c>/proc/PID/stat</c>.</summary>
internal static class ProcessTree
{
    /// <summary>Deeper than any real process tree; bounds the walk should /proc change under it.</summary>
    private const int MaxDepth = 256;

    /// <summary>True when <paramref name="pid"/> is <paramref name="ancestor"/> or one of its descendants, running now.</summary>
    public static bool IsSelfOrDescendant(int pid, int ancestor)
    {
        for (var (current, depth) = (pid, 0); current > 1 && depth < MaxDepth; depth++)
        {
            if (current == ancestor)
            {
                return true;
            }

            if (Read(current) is not { } stat)
            {
                return false;
            }

            current = stat.Parent;
        }

        return false;
    }

    /// <summary>The living (not zombie) descendants of <paramref name="ancestor"/>, itself excluded.</summary>
    public static IReadOnlyList<int> DescendantsOf(int ancestor) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0 && pid != ancestor && Read(pid) is { State: not 'Z' } && IsSelfOrDescendant(pid, ancestor))];

    /// <summary>State and parent from <c>/proc/PID/stat</c>; null when the process is gone.</summary>
    private static (char State, int Parent)? Read(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ', 3);
        return fields.Length >= 2 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent)
            ? (fields[0][0], parent)
            : null;
    }
}
