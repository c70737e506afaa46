using System.Globalization;

namespace LastKnownGood.Kernel;

/// <summary>The kernel's event log: written to standard error as it happens, the newest entries kept for a crash record.</summary>
public sealed class EventLog(TimeProvider time, int capacity = 64)
{
    private readonly Queue<string> _recent = new();

    public void Write(string source, string message)
    {
        var line = $"{time.GetUtcNow().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} {source}: {message}";
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
