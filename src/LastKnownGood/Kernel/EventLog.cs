using System.Globalization;

namespace LastKnownGood.Kernel;

/// <summary>The kernel's event log: written to standard error as it happens, the newest entries kept for a crash record.</summary>
public sealed class EventLog(TimeProvider time, int capacity = 64)
{
    private readonly Queue<string> _recent = new();

    public void Write(string source, string message)
    {
        // HH:mm:ss.fff from the numbers: a custom date format string costs milliseconds on its first use, at every boot.
        var now = time.GetUtcNow();
        var line = string.Create(CultureInfo.InvariantCulture, $"{now.Hour:D2}:{now.Minute:D2}:{now.Second:D2}.{now.Millisecond:D3} {source}: {message}");
        lock (_recent)
        {
            if (_recent.Count == capacity)
            {
                _recent.Dequeue();
            }

            _recent.Enqueue(line);
        }

        Console.Error.WriteLine(line);
    }

    public IReadOnlyList<string> Recent()
    {
        lock (_recent)
        {
            return [.. _recent];
        }
    }
}
