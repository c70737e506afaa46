namespace LastKnownGood.Boot;

/// <summary>
/// One line of the event log: the boot it belongs to, when it was written (UTC), the component
/// that wrote it (<c>kernel</c> for the kernel's own lines), its level, and the line itself.
/// <see cref="Id"/> orders the lines of the whole machine; 0 until the line is stored.
/// </summary>
public sealed record EventEntry(int Boot, DateTimeOffset Time, string Component, EventLevel Level, string Message)
{
    public long Id { get; init; }
}
