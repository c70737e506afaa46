namespace LastKnownGood.Machines;

/// <summary>Who holds a machine lock: the process, when it took the lock, and what it runs.</summary>
public sealed record LockHolder(int ProcessId, DateTimeOffset Since, string Command)
{
    public override string ToString() => $"process {ProcessId} ({Command}, since {Since:u})";
}
