using LastKnownGood;

namespace Sensor;

/// <summary>
/// An early-launch security sensor, modelled on the driver of 19 July 2024. At DriverEntry it
/// loads every <c>C-00000291*</c> channel file from its content, validates it, and subscribes to
/// the kernel's IPC events; each event is matched against every template instance at once. A new
/// channel file pushed while the machine runs comes as a <c>content</c> event: the sensor loads
/// its channel files again and matches the next events against them, as the real one did.
/// </summary>
public sealed class SensorDriver : IDriver
{
    private IReadOnlyList<TemplateInstance> _instances = [];
    private IDriverContext? _context;

    public NtStatus DriverEntry(IDriverContext context)
    {
        _context = context;
        if (Load(context) is not { } instances)
        {
            return NtStatus.DataError;
        }

        _instances = instances;
        var status = context.Subscribe("content", OnContent);
        return status.IsSuccess ? context.Subscribe("ipc", OnIpc) : status;
    }

    public void Unload() => _context?.Log("unloaded");

    /// <summary>Every channel file 291, parsed and validated; null (logged) when one is rejected.</summary>
    private static List<TemplateInstance>? Load(IDriverContext context)
    {
        var instances = new List<TemplateInstance>();
        foreach (var name in context.ContentNames.Where(n => n.StartsWith("C-00000291", StringComparison.OrdinalIgnoreCase)))
        {
            if (!context.OpenContent(name, out var content).IsSuccess)
            {
                context.Log($"rejected {name}: it cannot be opened");
                return null;
            }

            using (content)
            {
                if (!ChannelFile.TryParse(name, content!, out var file, out var error) || !ContentValidator.Validate(file!, out error))
                {
                    context.Log($"rejected {error}");
                    return null;
                }

                instances.AddRange(file!.Instances);
                context.Log($"loaded {name}: {file.Instances.Count} template instances");
            }
        }

        return instances;
    }

    /// <summary>New content while running: the instances are replaced at once, or kept when the new files are rejected.</summary>
    private void OnContent(KernelEvent changed)
    {
        if (Load(_context!) is { } instances)
        {
            _instances = instances;
        }
    }

    private void OnIpc(KernelEvent ipc)
    {
        foreach (var instance in _instances)
        {
            if (ContentInterpreter.Match(instance, ipc.Fields))
            {
                _context!.Log($"detection: {string.Join(' ', ipc.Fields.Take(3))}");
            }
        }
    }
}
