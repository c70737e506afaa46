using System.Security.Cryptography;
using LastKnownGood.Registry;

namespace LastKnownGood.Recovery;

/// <summary>
/// A culprit held out of every control set (DESIGN §8): the component, where the value was
/// (<see cref="Key"/>, <see cref="Name"/>), and what it was (<see cref="Identity"/>, from
/// <see cref="IdentityOf"/>): a content file by its hash, whatever its name; any other value by
/// its type and bytes. <see cref="Crash"/> and <see cref="Boot"/> say what convicted it.
/// </summary>
public sealed record QuarantineEntry(string Component, string Key, string Name, string Identity, string Reason)
{
    public long Id { get; init; }

    public DateTimeOffset Created { get; init; }

    public long? Crash { get; init; }

    public int? Boot { get; init; }

    /// <summary>When <c>lkg quarantine release</c> let it be written again; null while it is held.</summary>
    public DateTimeOffset? Released { get; init; }

    /// <summary><c>content</c> for a content file (matched by hash under any name), <c>value</c> for any other value.</summary>
    public string Kind => Identity.StartsWith(ContentPrefix, StringComparison.Ordinal) ? "content" : "value";

    /// <summary>What a value is, for quarantine: <c>sha256:HASH</c> of a content file's bytes, else its type and the SHA-256 of its data.</summary>
    public static string IdentityOf(RegistryValue value) => value.Kind == RegistryValueKind.File
        ? ContentPrefix + value.AsFile().Hash
        : $"{RegistryValueKinds.Name(value.Kind)}:{Convert.ToHexStringLower(SHA256.HashData(value.Data))}";

    /// <summary>Whether writing <paramref name="value"/> as <paramref name="name"/> in <paramref name="key"/> of <paramref name="component"/> is this culprit again.</summary>
    public bool Matches(string component, KeyPath key, string name, RegistryValue value) =>
        string.Equals(component, Component, StringComparison.OrdinalIgnoreCase) && IdentityOf(value) == Identity
        && (Kind == "content" || (string.Equals(key.ToString(), Key, StringComparison.OrdinalIgnoreCase) && string.Equals(name, Name, StringComparison.OrdinalIgnoreCase)));

    private const string ContentPrefix = "sha256:";
}
