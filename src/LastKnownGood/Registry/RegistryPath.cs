namespace LastKnownGood.Registry;

/// <summary>
/// A full registry path as users write it: <c>SYSTEM\Select</c>, <c>SYSTEM\ControlSet002\Services</c>
/// or <c>SYSTEM\CurrentControlSet\Services\Sensor</c>, with or without a leading <c>HKLM\</c>.
/// </summary>
public sealed record RegistryPath(RegistryPathKind Kind, int ControlSet, KeyPath Key)
{
    public const string CurrentControlSetName = "CurrentControlSet";

    public static bool TryParse(string text, out RegistryPath path, out string error)
    {
        path = new(RegistryPathKind.System, 0, KeyPath.Root);
        if (!KeyPath.TryParse(text, out var full, out error))
        {
            return false;
        }

        var segments = full.Segments.ToList();
        if (segments.Count > 0 && (RegistryNames.Comparer.Equals(segments[0], "HKLM") || RegistryNames.Comparer.Equals(segments[0], "HKEY_LOCAL_MACHINE")))
        {
            segments.RemoveAt(0);
        }

        if (segments.Count == 0 || !RegistryNames.Comparer.Equals(segments[0], "SYSTEM"))
        {
            error = $"The path \"{Quote.Short(text)}\" is outside the hive; paths start with SYSTEM, as in SYSTEM\\CurrentControlSet\\Services.";
            return false;
        }

        if (segments.Count == 1)
        {
            return true;
        }

        var rest = KeyPath.From(segments.Skip(2));
        var top = segments[1];
        if (RegistryNames.Comparer.Equals(top, "Select"))
        {
            path = new(RegistryPathKind.Select, 0, rest);
            error = rest.IsRoot ? "" : "SYSTEM\\Select has no subkeys; query SYSTEM\\Select itself.";
            return rest.IsRoot;
        }

        if (RegistryNames.Comparer.Equals(top, CurrentControlSetName))
        {
            path = new(RegistryPathKind.CurrentControlSet, 0, rest);
            return true;
        }

        if (top.Length == "ControlSet000".Length && top.StartsWith("ControlSet", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(top.AsSpan(10), System.Globalization.CultureInfo.InvariantCulture, out var id) && id is >= 1 and <= 999)
        {
            path = new(RegistryPathKind.ControlSet, id, rest);
            return true;
        }

        error = $"SYSTEM has no key \"{Quote.Short(top)}\"; it holds Select, CurrentControlSet and ControlSet001 to ControlSet999.";
        return false;
    }

    public override string ToString() => Kind switch
    {
        RegistryPathKind.System => "SYSTEM",
        RegistryPathKind.Select => @"SYSTEM\Select",
        RegistryPathKind.CurrentControlSet => Join(CurrentControlSetName),
        _ => Join(ControlSetInfo.FormatName(ControlSet)),
    };

    private string Join(string set) => Key.IsRoot ? $@"SYSTEM\{set}" : $@"SYSTEM\{set}\{Key}";
}
