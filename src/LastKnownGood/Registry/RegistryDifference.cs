namespace LastKnownGood.Registry;

/// <summary>
/// One difference between two control sets. <see cref="Name"/> is null for key differences;
/// <see cref="Old"/> and <see cref="New"/> are the value on each side, null where absent.
/// </summary>
public sealed record RegistryDifference(DifferenceKind Kind, KeyPath Key, string? Name, RegistryValue? Old, RegistryValue? New)
{
    /// <summary>The edit that carries the older set this step towards the newer one.</summary>
    public RegistryChange ToChange() => Kind switch
    {
        DifferenceKind.KeyAdded => new RegistryChange.CreateKey(Key),
        DifferenceKind.KeyDeleted => new RegistryChange.DeleteKey(Key),
        DifferenceKind.ValueDeleted => new RegistryChange.DeleteValue(Key, Name!),
        _ => new RegistryChange.SetValue(Key, Name!, New!),
    };
}
