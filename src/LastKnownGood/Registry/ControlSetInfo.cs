namespace LastKnownGood.Registry;

/// <summary>A control set's record: its root node, the set it was derived from, and when, by whom and why.</summary>
public sealed record ControlSetInfo(int Id, ContentHash Root, int? Parent, DateTimeOffset Created, string Author, string Reason)
{
    public string Name => FormatName(Id);

    public static string FormatName(int id) => $"ControlSet{id:000}";
}
