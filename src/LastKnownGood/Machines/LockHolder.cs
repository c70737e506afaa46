namespace LastKnownGood.Machines;

/// <summary>
/// Who holds a machine lock: the process, when it took the lock, and what it runs. Since is
/// null when <c>machine.lock</c> does not name the holder (deleted, replaced, not written yet):
/// then the command is what /proc shows of it. Process id 0 is a process that cannot be seen
/// from here (another process id namespace).
/// </summary>
public sealed record LockHolder(int ProcessId, DateTimeOffset? Since, string Command)
{
    public override string ToString() => (ProcessId, Since) switch
    {
        (0, _) => $"a process that cannot be seen from here ({Command})",
        (_, { } since) => $"process {ProcessId} ({Command}, since {since:u})",
        _ => $"process {ProcessId} ({Command})",
    };
}
