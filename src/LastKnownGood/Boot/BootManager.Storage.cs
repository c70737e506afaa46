namespace LastKnownGood.Boot;

public sealed partial class BootManager
{
    private LkgException? _writeFailure;

    /// <summary>
    /// The storage failure (<see cref="LkgException.IsWriteFailure"/>) the hive still had when the
    /// run ended, or null when its last write went through: what a run stopped while waiting says.
    /// </summary>
    public LkgException? WriteFailure => _writeFailure;

    /// <summary>
    /// A write that must happen before the machine may go on: a hive that refuses it (busy past the
    /// busy timeout, a full disk, a read-only file system, an I/O error) is tried again after 1 s,
    /// doubling to 30 s, with a warning when the failure starts or changes, not at every try.
    /// False when <paramref name="end"/> fired first (after one last try): the write did not happen,
    /// and <see cref="WriteFailure"/> says why.
    /// </summary>
    private async Task<bool> DurablyAsync(Action write, string waiting, CancellationToken end)
    {
        var delay = options.FirstWriteRetry;
        while (true)
        {
            if (TryWrite(write, waiting))
            {
                return true;
            }

            if (end.IsCancellationRequested)
            {
                return false;
            }

            try
            {
                await Task.Delay(delay, time, end);
            }
            catch (OperationCanceledException)
            {
                // Stopped or timed out while waiting: one last try above, then give up.
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxWriteRetry.Ticks));
        }
    }

    /// <summary>
    /// One try of a write (or, with <paramref name="writes"/> false, a read); a storage failure is
    /// reported on a change of state and returns false. Only a write that goes through ends a
    /// failure: a full or read-only disk still serves reads.
    /// </summary>
    private bool TryWrite(Action write, string waiting, bool writes = true)
    {
        try
        {
            write();
        }
        catch (LkgException e) when (e.IsWriteFailure)
        {
            if (_writeFailure?.Status != e.Status)
            {
                reporter.Warning($"{e.Message} {waiting}");
            }

            _writeFailure = e;
            return false;
        }

        if (writes && _writeFailure is not null)
        {
            reporter.Warning("The hive takes writes again; the boot manager goes on.");
            _writeFailure = null;
        }

        return true;
    }
}
