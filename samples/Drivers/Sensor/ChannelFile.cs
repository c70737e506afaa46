namespace Sensor;

/// <summary>
/// A channel file (<c>C-00000291-*.sys</c>): a header line <c>CHANNEL 291</c>, then one template
/// instance per line, its match criteria separated by <c>|</c>, one per template field, each a
/// value or the wildcard <c>*</c>. Lines starting with <c>#</c> are comments.
/// </summary>
public sealed record ChannelFile(string Name, IReadOnlyList<TemplateInstance> Instances)
{
    public const string Header = "CHANNEL 291";

    public static bool TryParse(string name, Stream content, out ChannelFile? file, out string? error)
    {
        using var reader = new StreamReader(content);
        file = null;
        if (reader.ReadLine()?.Trim() != Header)
        {
            error = $"{name} does not start with \"{Header}\".";
            return false;
        }

        var instances = new List<TemplateInstance>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                instances.Add(new TemplateInstance(line.Split('|').Select(c => c.Trim()).ToArray()));
            }
        }

        file = new ChannelFile(name, instances);
        error = null;
        return true;
    }
}
