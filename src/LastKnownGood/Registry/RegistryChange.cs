namespace LastKnownGood.Registry;

/// <summary>One edit of a control set. A diff is a list of these, and applying it to the older set yields the newer.</summary>
public abstract record RegistryChange(KeyPath Key)
{
    public sealed record SetValue(KeyPath Key, string Name, RegistryValue Value) : RegistryChange(Key);

    public sealed record DeleteValue(KeyPath Key, string Name) : RegistryChange(Key);

    public sealed record CreateKey(KeyPath Key) : RegistryChange(Key);

    /// <summary>Deletes the key and everything below it.</summary>
    public sealed record DeleteKey(KeyPath Key) : RegistryChange(Key);
}
