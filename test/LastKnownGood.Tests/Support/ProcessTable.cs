namespace LastKnownGood.Tests.Support;

/// <summary>The processes of this machine as /proc shows them, for tests that check what is left running.</summary>
internal static class ProcessTable
{
    /// <summary>The process ids /proc lists that <paramref name="match"/> accepts.</summary>
    public static IReadOnlyList<int> Where(Func<int, bool> match) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && match(pid))];

    /// <summary><c>/proc/PID/<paramref name="file"/></c>, or empty once the process is gone or when it cannot be read.</summary>
    public static string Read(int pid, string file)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/{file}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>The state letter of <paramref name="pid"/> in /proc (T: stopped, Z: zombie), or null once it is gone.</summary>
    public static char? State(int pid) => Read(pid, "stat") is { Length: > 0 } stat ? stat[stat.LastIndexOf(')') + 2] : null;

    /// <summary>Waits, boundedly, until <paramref name="running"/> lists none; returns those still running.</summary>
    public static async Task<IReadOnlyList<int>> WaitForNoneAsync(Func<IReadOnlyList<int>> running, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (running() is { Count: > 0 } left)
        {
            if (DateTime.UtcNow > deadline)
            {
                return left;
            }

            await Task.Delay(50);
        }

        return [];
    }
}
