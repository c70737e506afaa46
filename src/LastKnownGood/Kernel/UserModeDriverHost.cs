using LastKnownGood.Kernel.UserMode;
using LastKnownGood.Registry;
using LastKnownGood.Services;

namespace LastKnownGood.Kernel;

/// <summary>
/// User-mode drivers (<c>Type</c> 2): each runs in a <c>lkg-host umhost</c> process of its own,
/// reached over a socket in <paramref name="runDirectory"/> (docs/user-mode-drivers.md). A
/// driver has started once DriverEntry has returned success in its host; from then on its
/// host's crashes take its failure actions (<see cref="UserModeDriver"/>).
/// </summary>
internal sealed class UserModeDriverHost(Kernel kernel, string runDirectory, TimeSpan stopTimeout) : IComponentHost
{
    private readonly List<UserModeDriver> _drivers = [];

    /// <summary>The user-mode drivers started this boot, to hand kernel events to (their states go to the component table).</summary>
    public IReadOnlyList<UserModeDriver> Drivers
    {
        get
        {
            lock (_drivers)
            {
                return [.. _drivers];
            }
        }
    }

    public NtStatus Start(ServiceEntry entry, out IStartedComponent? started, out string reason)
    {
        started = null;
        var settings = kernel.WithHive((hive, set) => UserModeDriverSettings.Read(hive.OpenKey(set, KeyPath.Parse("Services").Child(entry.Name)) ?? KeyNode.Empty));
        Directory.CreateDirectory(runDirectory);
        var status = UserModeDriver.TryStart(kernel, entry, settings, Path.Combine(runDirectory, $"umhost-{entry.Name}.sock"), stopTimeout, out var driver, out reason);
        if (driver is not null)
        {
            lock (_drivers)
            {
                _drivers.Add(driver);
            }

            started = driver;
        }

        return status;
    }

    /// <summary>Hands a kernel event to every host that subscribed to its type (or only <paramref name="component"/>'s); never waits on a host.</summary>
    public void Dispatch(KernelEvent kernelEvent, string? component)
    {
        foreach (var driver in Drivers.Where(d => component is null || RegistryNames.Comparer.Equals(d.Name, component)))
        {
            driver.Forward(kernelEvent);
        }
    }
}
