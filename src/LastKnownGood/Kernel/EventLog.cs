using LastKnownGood.Boot;
using LastKnownGood.Recovery;

namespace LastKnownGood.Kernel;

/// <summary>
/// The kernel's event log: each line is written to standard error as it happens
/// (<see cref="EventLine"/>), the newest kept for a crash record, and, under a boot manager, kept
/// in the machine database's event log by a writer of its own (<see cref="EventLogWriter"/>),
/// which also records the components' states. Safe to call from any thread.
/// </summary>
public sealed class EventLog(TimeProvider time, int? boot = null, int capacity = 64) : IDisposable
{
    private readonly Queue<string> _recent = new();
    private readonly EventLogWriter? _writer = boot is { } number ? new EventLogWriter(number, time) : null;

    /// <summary>A line at <see cref="EventLevel.Info"/>.</summary>
    public void Write(string source, string message) => Write(source, message, EventLevel.Info);

    public void Write(string source, string message, EventLevel level)
    {
        var now = time.GetUtcNow();
        var line = EventLine.Format(now, source, message);
        lock (_recent)
        {
            if (_recent.Count == capacity)
            {
                _recent.Dequeue();
            }

            _recent.Enqueue(line);
        }

        _writer?.Add(new EventEntry(_writer.Boot, now, source, level, message));
        Console.Error.WriteLine(line);
    }

    public IReadOnlyList<string> Recent()
    {
        lock (_recent)
        {
            return [.. _recent];
        }
    }

    /// <summary>
    /// Starts keeping the lines, those written so far first, in the database at <paramref name="hivePath"/>;
    /// its newest <paramref name="keep"/> lines are kept, and each component's newest <paramref name="keepRecorded"/> recorded events.
    /// </summary>
    internal void StartKeeping(string hivePath, int keep, int keepRecorded) => _writer?.Start(hivePath, keep, keepRecorded);

    /// <summary>Records that <paramref name="component"/> evaluates <paramref name="kernelEvent"/>, for a content pre-flight to replay (<see cref="RecordedEvents"/>).</summary>
    internal void Record(string component, KernelEvent kernelEvent) =>
        _writer?.Add(new RecordedEvent(component, _writer.Boot, time.GetUtcNow(), kernelEvent));

    /// <summary>Records a component's state, by the same writer as the lines.</summary>
    internal void Report(string name, string type, ComponentState state, int? processId, int? restarts) =>
        _writer?.Add(new ComponentRecord(_writer.Boot, name, type, state, processId, time.GetUtcNow(), restarts));

    /// <summary>Waits, at most <paramref name="timeout"/>, until every line written so far is in the database.</summary>
    public void Flush(TimeSpan timeout) => _writer?.Flush(timeout);

    /// <summary>A bug check: what was written so far is kept (waiting at most <paramref name="timeout"/>), nothing after it.</summary>
    internal void Halt(TimeSpan timeout) => _writer?.Halt(timeout);

    public void Dispose() => _writer?.Dispose();
}
