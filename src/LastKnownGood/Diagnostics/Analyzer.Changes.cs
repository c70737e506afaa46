using System.Text.Json;
using LastKnownGood.Registry;

namespace LastKnownGood.Diagnostics;

public sealed partial class Analyzer
{
    /// <summary>The differences from <paramref name="lastKnownGood"/> to the crash's set under <c>Services\&lt;Driver&gt;</c>; none without Last Known Good.</summary>
    private IReadOnlyList<ComponentChange> Changes(int lastKnownGood, int controlSet, string driver)
    {
        if (lastKnownGood == 0 || lastKnownGood == controlSet || hive.FindControlSet(lastKnownGood) is null
            || !KeyPath.TryParse($@"Services\{driver}", out var component, out _))
        {
            return [];
        }

        return
        [
            .. hive.Diff(lastKnownGood, controlSet)
                .Where(d => d.Key.Segments.Count >= 2 && d.Key.Segments.Take(2).SequenceEqual(component.Segments, RegistryNames.Comparer))
                .Select(d => new ComponentChange(
                    JsonNamingPolicy.KebabCaseLower.ConvertName(d.Kind.ToString()),
                    d.Key.ToString(),
                    d.Name,
                    (d.New ?? d.Old) is { } value ? RegistryValueKinds.Name(value.Kind) : null,
                    d.Old?.ToDisplayString(),
                    d.New?.ToDisplayString())),
        ];
    }
}
