using System.Buffers.Binary;
using LastKnownGood.Registry;
using LastKnownGood.Services;

namespace LastKnownGood.Kernel;

/// <summary>
/// Windows' load order (DESIGN §6): Boot-start drivers by group, then tag, dependencies
/// ignored; then System-start drivers likewise; then Auto-start drivers and services by group,
/// tag and dependencies, pulling in Demand-start services they depend on. Groups are ordered by
/// <c>Control\ServiceGroupOrder\List</c>, tags within a group by <c>Control\GroupOrderList</c>;
/// a component with no group loads after the grouped ones of its start type.
/// </summary>
public sealed class LoadOrder(IReadOnlyList<string> groupOrder, IReadOnlyDictionary<string, IReadOnlyList<uint>> groupTags)
{
    public LoadPlan Plan(IReadOnlyList<ServiceEntry> entries)
    {
        var order = new List<ServiceEntry>();
        var cannotStart = new List<(ServiceEntry, string)>();
        foreach (var early in new[] { StartType.Boot, StartType.System })
        {
            foreach (var entry in Ranked(entries.Where(e => e.Start == early)))
            {
                if (entry.IsDriver)
                {
                    order.Add(entry);
                }
                else
                {
                    cannotStart.Add((entry, $"only drivers can be {early} start; make it Auto (2) or Demand (3)."));
                }
            }
        }

        PlanAuto(entries, order, cannotStart);
        return new LoadPlan(order, cannotStart);
    }

    /// <summary>Reads the group order and tag lists from a control set's <c>Control</c> key.</summary>
    public static LoadOrder From(Func<KeyPath, KeyNode?> openKey)
    {
        var list = openKey(KeyPath.Parse(@"Control\ServiceGroupOrder")) is { } order && order.TryGetValue("List", out var value)
            && value.Kind == RegistryValueKind.MultiSz ? value.AsMultiString() : [];
        var tags = new Dictionary<string, IReadOnlyList<uint>>(RegistryNames.Comparer);
        foreach (var (group, vector) in openKey(KeyPath.Parse(@"Control\GroupOrderList"))?.Values ?? [])
        {
            if (vector.Kind == RegistryValueKind.Binary)
            {
                tags[group] = ParseTagVector(vector.Data);
            }
        }

        return new LoadOrder(list, tags);
    }

    /// <summary>Windows' tag vector: a DWORD count, then that many DWORD tags, little-endian.</summary>
    public static IReadOnlyList<uint> ParseTagVector(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4)
        {
            return [];
        }

        var count = Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(data), (uint)((data.Length - 4) / 4));
        var tags = new uint[count];
        for (var i = 0; i < count; i++)
        {
            tags[i] = BinaryPrimitives.ReadUInt32LittleEndian(data[(4 + (4 * i))..]);
        }

        return tags;
    }

    /// <summary>
    /// The entries by <see cref="Priority"/>, a total order (names are unique), so an unstable sort
    /// is enough. A list sorted in place, not LINQ's <c>OrderBy</c>: its first use cost 18 M
    /// instructions at every start of the kernel (bench/README.md, kernel start).
    /// </summary>
    private List<ServiceEntry> Ranked(IEnumerable<ServiceEntry> entries)
    {
        var ranked = new List<ServiceEntry>(entries);
        ranked.Sort(Priority);
        return ranked;
    }

    private IComparer<ServiceEntry> Priority => Comparer<ServiceEntry>.Create((a, b) =>
    {
        var (groupA, tagA) = Rank(a);
        var (groupB, tagB) = Rank(b);
        return groupA != groupB ? groupA.CompareTo(groupB)
            : tagA != tagB ? tagA.CompareTo(tagB)
            : RegistryNames.Comparer.Compare(a.Name, b.Name);
    });

    /// <summary>Listed groups in list order, then unlisted groups, then no group; tags in the group's list order, then by value, then none.</summary>
    private (long Group, long Tag) Rank(ServiceEntry entry)
    {
        if (entry.Group is null)
        {
            return (groupOrder.Count + 1L, 0);
        }

        // Loops, not LINQ: LINQ over tuples and uint is compiled at run time, at every boot.
        var group = IndexOf(groupOrder, entry.Group) is var index and >= 0 ? index : groupOrder.Count;
        var listed = groupTags.TryGetValue(entry.Group, out var tags) ? tags : [];
        var tag = entry.Tag is not { } t ? long.MaxValue
            : IndexOf(listed, t) is var position and >= 0 ? position
            : listed.Count + (long)t;
        return (group, tag);
    }

    private static int IndexOf(IReadOnlyList<string> groups, string group)
    {
        for (var i = 0; i < groups.Count; i++)
        {
            if (RegistryNames.Comparer.Equals(groups[i], group))
            {
                return i;
            }
        }

        return -1;
    }

    private static int IndexOf(IReadOnlyList<uint> tags, uint tag)
    {
        for (var i = 0; i < tags.Count; i++)
        {
            if (tags[i] == tag)
            {
                return i;
            }
        }

        return -1;
    }

    private void PlanAuto(IReadOnlyList<ServiceEntry> entries, List<ServiceEntry> order, List<(ServiceEntry, string)> cannotStart)
    {
        var byName = entries.ToDictionary(e => e.Name, RegistryNames.Comparer);
        var failed = new Dictionary<string, string>(RegistryNames.Comparer);
        var chosen = new Dictionary<string, ServiceEntry>(RegistryNames.Comparer);

        // Auto-start components, and the Demand-start services they depend on, transitively.
        var pending = new Queue<ServiceEntry>(entries.Where(e => e.Start == StartType.Auto));
        while (pending.TryDequeue(out var entry))
        {
            if (!chosen.TryAdd(entry.Name, entry))
            {
                continue;
            }

            foreach (var dependency in entry.DependOnService)
            {
                if (!byName.TryGetValue(dependency, out var target))
                {
                    failed.TryAdd(entry.Name, $"it depends on {dependency}, which is not installed.");
                }
                else if (target.Start == StartType.Disabled)
                {
                    failed.TryAdd(entry.Name, $"it depends on {target.Name}, which is disabled.");
                }
                else if (target.Start == StartType.Demand)
                {
                    pending.Enqueue(target);
                }
            }
        }

        // Kahn's algorithm, always taking the ready component that ranks first.
        var waitingOn = chosen.Values.ToDictionary(e => e.Name, e => Prerequisites(e, chosen).ToHashSet(RegistryNames.Comparer), RegistryNames.Comparer);
        var ready = new SortedSet<ServiceEntry>(Priority);
        ready.UnionWith(chosen.Values.Where(e => waitingOn[e.Name].Count == 0));
        while (ready.Min is { } next)
        {
            ready.Remove(next);
            chosen.Remove(next.Name);
            var reason = failed.GetValueOrDefault(next.Name)
                ?? next.DependOnService.Where(failed.ContainsKey).Select(d => $"it depends on {d}, which cannot start.").FirstOrDefault()
                ?? next.DependOnGroup.Where(g => !AnyMemberStarted(g)).Select(g => $"it depends on group {g}, of which no member runs.").FirstOrDefault();
            if (reason is not null)
            {
                failed[next.Name] = reason;
                cannotStart.Add((next, reason));
            }
            else
            {
                order.Add(next);
            }

            foreach (var dependent in chosen.Values.Where(e => waitingOn[e.Name].Remove(next.Name) && waitingOn[e.Name].Count == 0))
            {
                ready.Add(dependent);
            }
        }

        bool AnyMemberStarted(string group) => order.Any(e => e.Group is not null && RegistryNames.Comparer.Equals(e.Group, group));

        foreach (var stuck in Ranked(chosen.Values))
        {
            cannotStart.Add((stuck, "it is part of a dependency cycle; remove one of the dependencies."));
        }
    }

    /// <summary>The chosen components that must start first: named services, and every member of named groups.</summary>
    private static IEnumerable<string> Prerequisites(ServiceEntry entry, Dictionary<string, ServiceEntry> chosen) =>
        entry.DependOnService.Where(chosen.ContainsKey)
            .Concat(entry.DependOnGroup.SelectMany(group => chosen.Values
                .Where(member => member.Group is not null && RegistryNames.Comparer.Equals(member.Group, group))
                .Select(member => member.Name)))
            .Where(name => !RegistryNames.Comparer.Equals(name, entry.Name));
}
