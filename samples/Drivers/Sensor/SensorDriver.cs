using LastKnownGood;

namespace Sensor;

/// <summary>
/// An early-launch security sensor, modelled on the driver of 19 July 2024. At DriverEntry it
/// loads every <c>C-00000291*</c> channel file from its content, validates it, and subscribes to
/// the kernel's IPC events; each event is matched against every template instance at once.
/// </summary>
public sealed class SensorDriver : IDriver
{
    private readonly List<TemplateInstance> _instances = [];
    private IDriverContext? _context;

    public NtStatus DriverEntry(IDriverContext context)
    {
        _context = context;
        foreach (var name in context.ContentNames.Where(n => n.StartsWith("C-00000291", StringComparison.OrdinalIgnoreCase)))
        {
            if (!context.OpenContent(name, out var content).IsSuccess)
            {
                return NtStatus.ObjectNameNotFound;
            }

            using (content)
            {
                if (!ChannelFile.TryParse(name, content!, out var file, out var error) || !ContentValidator.Validate(file!, out error))
                {
                    context.Log($"rejected {error}");
                    return NtStatus.DataError;
                }

                _instances.AddRange(file!.Instances);
                context.Log($"loaded {name}: {file.Instances.Count} template instances");
            }
        }

        return context.Subscribe("ipc", OnIpc);
    }

    public void Unload() => _context?.Log("unloaded");

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
