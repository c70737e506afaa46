namespace Sensor;

/// <summary>
/// The sensor's own content validator. It checks instances against the template type — 21
/// criteria each — and not against what the interpreter will actually be given, so it passes an
/// instance whose 21st criterion is a value. (CrowdStrike's root-cause analysis: the validator and
/// the interpreter disagreed about the number of inputs.)
/// </summary>
public static class ContentValidator
{
    public static bool Validate(ChannelFile file, out string? error)
    {
        foreach (var (instance, index) in file.Instances.Select((i, n) => (i, n)))
        {
            if (instance.Criteria.Count != IpcTemplateType.DeclaredFields)
            {
                error = $"{file.Name}: instance {index + 1} has {instance.Criteria.Count} criteria; the template type declares {IpcTemplateType.DeclaredFields}.";
                return false;
            }
        }

        error = null;
        return true;
    }
}
