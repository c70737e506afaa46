using LastKnownGood.Machines;
using LastKnownGood.Registry;

namespace LastKnownGood.Diagnostics;

/// <summary>
/// Which driver a module file belongs to, when only its path is known (a frame read from a dump):
/// a driver's assemblies load from its installed package, <c>drivers/&lt;ImagePath&gt;/</c>, and
/// <c>Services\&lt;Name&gt;\ImagePath</c> of the crash's control set names the package.
/// </summary>
public static class DriverModules
{
    private static readonly KeyPath ServicesKey = KeyPath.Parse("Services");

    public static Func<string, string?> OwnerOf(Hive hive, int controlSet, MachineDirectory machine)
    {
        var byPackage = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var service in hive.OpenKey(controlSet, ServicesKey)?.Subkeys ?? [])
        {
            if (hive.OpenKey(controlSet, ServicesKey.Child(service.Name)) is { } key && key.TryGetValue("ImagePath", out var image) && image.Kind == RegistryValueKind.Sz)
            {
                byPackage[image.AsString()] = service.Name;
            }
        }

        var drivers = Path.GetFullPath(machine.DriversPath) + Path.DirectorySeparatorChar;
        return path =>
        {
            var full = Path.GetFullPath(path);
            return full.StartsWith(drivers, StringComparison.Ordinal)
                && byPackage.TryGetValue(full[drivers.Length..].Split(Path.DirectorySeparatorChar)[0], out var name) ? name : null;
        };
    }
}
