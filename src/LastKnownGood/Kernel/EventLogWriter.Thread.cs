using LastKnownGood.Boot;
using LastKnownGood.Internal;
using LastKnownGood.Recovery;

namespace LastKnownGood.Kernel;

/// <summary>The writer's thread: it takes a batch each interval and writes it in one transaction.</summary>
internal sealed partial class EventLogWriter
{
    /// <summary>What one interval brought, written in one transaction.</summary>
    private sealed record Batch(List<EventEntry> Lines, List<ComponentRecord> Components, List<RecordedEvent> Recorded)
    {
        public bool IsEmpty => Lines.Count + Components.Count + Recorded.Count == 0;
    }

    private void Run(string hivePath, int capacity, int recordedCapacity)
    {
        SqliteDatabase? database = null;
        var failed = false;
        try
        {
            // Opened at once, so that a bug check early in the boot waits only for its lines' transaction.
            Try(() => database = Open(hivePath));
            while (true)
            {
                var more = Take(out var batch, out var upTo);
                if (!batch.IsEmpty)
                {
                    Try(() =>
                    {
                        var open = database ??= Open(hivePath);
                        open.Write(() =>
                        {
                            EventStore.Append(open, capacity > 0 ? batch.Lines : [], capacity);
                            foreach (var component in batch.Components)
                            {
                                ComponentLog.Report(open, component);
                            }

                            RecordedEvents.Append(open, recordedCapacity > 0 ? batch.Recorded : [], recordedCapacity);
                            return 0;
                        });
                    });
                }

                lock (_gate)
                {
                    _written = upTo;
                    Monitor.PulseAll(_gate);
                }

                if (!more)
                {
                    return;
                }
            }
        }
        finally
        {
            database?.Dispose();
        }

        void Try(Action write)
        {
            try
            {
                write();
            }
            catch (Exception e)
            {
                // A log that cannot be written must not end the boot: said once, and the boot goes on.
                if (!failed)
                {
                    failed = true;
                    Console.Error.WriteLine($"The event log could not be written ({e.Message.TrimEnd('.')}); its lines are on standard error only until it can.");
                }
            }
        }
    }

    /// <summary>A boot begins: the component states of boots long gone are dropped, once, on this thread.</summary>
    private SqliteDatabase Open(string hivePath)
    {
        // The kernel's hive is at this lkg's schema already; the event log is never the reason to migrate.
        var database = MachineDatabase.Open(hivePath, migrate: false);
        try
        {
            // Lines need no fsync of their own: in WAL mode a commit without one survives the kernel's
            // death, and the boot manager's next commit (the boot's end) syncs them with its own. Only the
            // machine itself going down can lose the last ones, and a bug check waits for no disk.
            database.Execute("PRAGMA synchronous = NORMAL");
            database.Write(() => ComponentLog.DropBefore(database, boot));
            return database;
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Waits <see cref="Interval"/>, or less when a flush or the end asks, and takes the batch; false
    /// once stopping, with the last batch taken. Waiting even when lines are there keeps the writer
    /// off the core while the kernel starts, and makes batches of what an interval brings.
    /// </summary>
    private bool Take(out Batch batch, out long upTo)
    {
        lock (_gate)
        {
            if (!_stopping && !_flushing)
            {
                Monitor.Wait(_gate, Interval);
            }

            _flushing = false;
            if (_halted)
            {
                (batch, upTo) = (new([], [], []), _written);
                return false;
            }

            batch = new(_lines, _components, _recorded);
            (_lines, _components, _recorded) = ([], [], []);
            upTo = _added;
            if (_lost > 0 && batch.Lines.Count < MaxPending)
            {
                batch.Lines.Add(new EventEntry(boot, time.GetUtcNow(), "kernel", EventLevel.Warning, $"{_lost} lines were lost: the event log was not written fast enough"));
                _lost = 0;
            }

            return !_stopping;
        }
    }
}
