namespace LastKnownGood.Registry;

/// <summary>
/// A key's path inside a control set, such as <c>Services\Sensor\Parameters</c>: segments
/// joined by <c>\</c>, compared case-insensitively, kept in the case they were written.
/// </summary>
public sealed class KeyPath : IEquatable<KeyPath>
{
    public static readonly KeyPath Root = new([]);

    private KeyPath(string[] segments) => Segments = segments;

    public IReadOnlyList<string> Segments { get; }

    public bool IsRoot => Segments.Count == 0;

    public string Name => IsRoot ? "" : Segments[^1];

    public KeyPath Parent => IsRoot ? this : new(Segments.Take(Segments.Count - 1).ToArray());

    public KeyPath Child(string name) => new([.. Segments, RegistryNames.RequireKeyName(name)]);

    public static KeyPath From(IEnumerable<string> segments)
    {
        var array = segments.ToArray();
        if (array.Length > RegistryNames.MaxDepth)
        {
            throw new LkgException(NtStatus.ObjectNameInvalid, $"The key path is {array.Length} keys deep; the limit is {RegistryNames.MaxDepth}.");
        }

        foreach (var segment in array)
        {
            RegistryNames.RequireKeyName(segment);
        }

        return new(array);
    }

    /// <summary>Parses <c>A\B\C</c>; an empty string is the root. A trailing backslash is allowed.</summary>
    public static bool TryParse(string text, out KeyPath path, out string error)
    {
        path = Root;
        var trimmed = text.EndsWith('\\') ? text[..^1] : text;
        if (trimmed.Length == 0)
        {
            error = "";
            return true;
        }

        var segments = trimmed.Split('\\');
        if (segments.Length > RegistryNames.MaxDepth)
        {
            error = $"The key path is {segments.Length} keys deep; the limit is {RegistryNames.MaxDepth}.";
            return false;
        }

        foreach (var segment in segments)
        {
            if (!RegistryNames.TryValidateKeyName(segment, out error))
            {
                error = $"The key path \"{Quote.Short(text)}\" is not valid: {error}";
                return false;
            }
        }

        path = new(segments);
        error = "";
        return true;
    }

    public static KeyPath Parse(string text) =>
        TryParse(text, out var path, out var error) ? path : throw new LkgException(NtStatus.ObjectNameInvalid, error);

    public bool Equals(KeyPath? other) =>
        other is not null && Segments.SequenceEqual(other.Segments, RegistryNames.Comparer);

    public override bool Equals(object? obj) => Equals(obj as KeyPath);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var segment in Segments)
        {
            hash.Add(segment, RegistryNames.Comparer);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => string.Join('\\', Segments);
}
