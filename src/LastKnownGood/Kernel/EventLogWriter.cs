using LastKnownGood.Boot;
using LastKnownGood.Recovery;

namespace LastKnownGood.Kernel;

/// <summary>
/// Writes a boot's event log lines, component states and recorded events to the machine database on a thread of
/// its own, so that no caller waits for SQLite: adding one is a lock and a list append. A batch is
/// one transaction on the writer's own connection, written at least every <see cref="Interval"/>
/// and whenever <see cref="Flush"/> asks (the boot's end, a bug check). Lines added before
/// <see cref="Start"/> wait for it. Should the database refuse a batch, its lines are lost, said
/// once on standard error; past <see cref="MaxPending"/> unwritten lines, new ones are lost too.
/// </summary>
internal sealed partial class EventLogWriter(int boot, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    public const int MaxPending = 20_000;

    private readonly object _gate = new();
    private List<EventEntry> _lines = [];
    private List<ComponentRecord> _components = [];
    private List<RecordedEvent> _recorded = [];
    private long _added;
    private long _written;
    private long _lost;
    private bool _stopping;
    private bool _flushing;
    private bool _halted;
    private Thread? _thread;

    /// <summary>The boot the lines belong to.</summary>
    public int Boot => boot;

    /// <summary>
    /// Starts writing to the database at <paramref name="hivePath"/>, keeping its newest
    /// <paramref name="capacity"/> lines and each component's newest <paramref name="recordedCapacity"/>
    /// recorded events; 0 keeps none.
    /// </summary>
    public void Start(string hivePath, int capacity, int recordedCapacity)
    {
        lock (_gate)
        {
            if (_thread is not null || _stopping)
            {
                return;
            }

            _thread = new Thread(() => Run(hivePath, capacity, recordedCapacity)) { IsBackground = true, Name = "event log writer" };
            _thread.Start();
        }
    }

    public void Add(EventEntry line)
    {
        lock (_gate)
        {
            if (_lines.Count >= MaxPending)
            {
                _lost++;
                return;
            }

            _lines.Add(line);
            _added++;
        }
    }

    public void Add(ComponentRecord component)
    {
        lock (_gate)
        {
            _components.Add(component);
            _added++;
        }
    }

    /// <summary>An event a component evaluated; past <see cref="MaxPending"/> unwritten ones, it is not recorded.</summary>
    public void Add(RecordedEvent recorded)
    {
        lock (_gate)
        {
            if (_recorded.Count < MaxPending)
            {
                _recorded.Add(recorded);
                _added++;
            }
        }
    }

    /// <summary>Waits, at most <paramref name="timeout"/>, until what was added before the call is written; false when it was not (or the writer never started).</summary>
    public bool Flush(TimeSpan timeout)
    {
        lock (_gate)
        {
            var target = _added;
            var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
            _flushing = true;
            Monitor.PulseAll(_gate);
            while (_written < target && _thread is not null)
            {
                var left = deadline - Environment.TickCount64;
                if (left <= 0)
                {
                    return false;
                }

                Monitor.Wait(_gate, TimeSpan.FromMilliseconds(left));
            }

            return _written >= target;
        }
    }

    /// <summary>
    /// A bug check: writes what was added so far, then writes nothing more and ends the thread, so
    /// that it holds no transaction open while the boot manager writes the crash record.
    /// </summary>
    public void Halt(TimeSpan timeout)
    {
        Flush(timeout);
        lock (_gate)
        {
            _halted = true;
            Monitor.PulseAll(_gate);
        }

        _thread?.Join(timeout);
    }

    /// <summary>Writes what is left (waiting at most a second), then ends the thread.</summary>
    public void Dispose()
    {
        Flush(TimeSpan.FromSeconds(1));
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }

        _thread?.Join(TimeSpan.FromSeconds(1));
    }
}
