using LastKnownGood.Registry;

namespace LastKnownGood.Services;

/// <summary>The <c>DependOnService</c> graph of a control set, for refusing cycles when a dependency is written.</summary>
public static class ServiceDependencies
{
    private static readonly KeyPath ServicesKey = KeyPath.Parse("Services");

    /// <summary>
    /// Throws when setting <paramref name="service"/>'s <c>DependOnService</c> to
    /// <paramref name="dependsOn"/> in control set <paramref name="set"/> would close a cycle.
    /// </summary>
    public static void RequireNoCycle(Hive hive, int set, string service, IReadOnlyList<string> dependsOn)
    {
        var graph = new Dictionary<string, IReadOnlyList<string>>(RegistryNames.Comparer);
        if (set != 0 && hive.OpenKey(set, ServicesKey) is { } services)
        {
            foreach (var subkey in services.Subkeys)
            {
                graph[subkey.Name] = hive.OpenKey(set, ServicesKey.Child(subkey.Name))!.TryGetValue("DependOnService", out var value)
                    && value.Kind == RegistryValueKind.MultiSz ? value.AsMultiString() : [];
            }
        }

        graph[service] = dependsOn;
        if (ServiceSchema.FindDependencyCycle(graph) is { } cycle)
        {
            throw new LkgException(NtStatus.InvalidParameter,
                $@"Services\{Quote.Short(service)}\DependOnService would make the services depend on each other in a cycle ({Quote.Short(string.Join(" -> ", cycle))}); remove one of the dependencies.");
        }
    }
}
