using System.Text.Json;

namespace LastKnownGood.Machines;

/// <summary>A JSON element of a manifest with the line it starts on, so errors can point at it.</summary>
internal sealed record ManifestNode(JsonTokenType Type, int Line, string? Text = null)
{
    /// <summary>An object's members in file order, each with the line of its name.</summary>
    public List<(string Name, int Line, ManifestNode Value)> Members { get; } = [];

    public List<ManifestNode> Items { get; } = [];
}
