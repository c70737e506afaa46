using LastKnownGood.Kernel;
using LastKnownGood.Services;

namespace LastKnownGood.Tests.Kernel;

public sealed class LoadOrderTests
{
    private static readonly LoadOrder Order = new(
        ["Early-Launch", "Base", "Network"],
        new Dictionary<string, IReadOnlyList<uint>>(StringComparer.OrdinalIgnoreCase) { ["Base"] = [3, 1, 2] });

    private static ServiceEntry Driver(string name, StartType start, string? group = null, uint? tag = null, params string[] dependOn) =>
        new(name, ServiceType.KernelDriver, start, ErrorControl.Normal, name) { Group = group, Tag = tag, DependOnService = dependOn };

    private static ServiceEntry Service(string name, StartType start, string? group = null, string[]? dependOn = null, string[]? dependOnGroup = null) =>
        new(name, ServiceType.OwnProcess, start, ErrorControl.Normal, "/bin/" + name) { Group = group, DependOnService = dependOn ?? [], DependOnGroup = dependOnGroup ?? [] };

    public static TheoryData<string, ServiceEntry[], string[], string[]> Cases => new()
    {
        {
            "start types first: Boot, then System, then Auto; Demand and Disabled not at all",
            [Service("Web", StartType.Auto), Driver("Sys", StartType.System), Driver("Boot", StartType.Boot), Service("Manual", StartType.Demand), Service("Off", StartType.Disabled)],
            ["Boot", "Sys", "Web"], []
        },
        {
            "groups by ServiceGroupOrder, unlisted groups after, no group last",
            [Driver("NoGroup", StartType.Boot), Driver("Other", StartType.Boot, "Zeta"), Driver("Net", StartType.Boot, "Network"), Driver("Elam", StartType.Boot, "Early-Launch")],
            ["Elam", "Net", "Other", "NoGroup"], []
        },
        {
            "tags by GroupOrderList, unlisted tags after by value, no tag last",
            [Driver("NoTag", StartType.Boot, "Base"), Driver("T9", StartType.Boot, "Base", 9), Driver("T2", StartType.Boot, "Base", 2), Driver("T3", StartType.Boot, "Base", 3), Driver("T4", StartType.Boot, "Base", 4), Driver("T1", StartType.Boot, "Base", 1)],
            ["T3", "T1", "T2", "T4", "T9", "NoTag"], []
        },
        {
            "Boot start ignores dependencies",
            [Driver("A", StartType.Boot, "Base", 1, "B"), Driver("B", StartType.Boot, "Network")],
            ["A", "B"], []
        },
        {
            "Auto start follows dependencies before group order",
            [Service("Front", StartType.Auto, "Early-Launch", ["Db"]), Service("Db", StartType.Auto, "Network")],
            ["Db", "Front"], []
        },
        {
            "a Demand-start dependency of an Auto-start one is started too, transitively",
            [Service("Web", StartType.Auto, dependOn: ["Cache"]), Service("Cache", StartType.Demand, dependOn: ["Store"]), Service("Store", StartType.Demand), Service("Idle", StartType.Demand)],
            ["Store", "Cache", "Web"], []
        },
        {
            "a group dependency waits for the group's members and holds if one runs",
            [Service("App", StartType.Auto, dependOnGroup: ["Network"]), Service("Dns", StartType.Auto, "Network"), Service("Dhcp", StartType.Auto, "Network")],
            ["Dhcp", "Dns", "App"], []
        },
        {
            "a dependency that is missing, disabled or cannot start stops its dependents",
            [Service("A", StartType.Auto, dependOn: ["Ghost"]), Service("B", StartType.Auto, dependOn: ["Off"]), Service("Off", StartType.Disabled), Service("C", StartType.Auto, dependOn: ["A"]), Service("D", StartType.Auto)],
            ["D"], ["A", "B", "C"]
        },
        {
            "a group dependency with no member running cannot start",
            [Service("App", StartType.Auto, dependOnGroup: ["Nobody"])],
            [], ["App"]
        },
        {
            "a dependency cycle cannot start, the rest can",
            [Service("X", StartType.Auto, dependOn: ["Y"]), Service("Y", StartType.Auto, dependOn: ["X"]), Service("Z", StartType.Auto)],
            ["Z"], ["X", "Y"]
        },
        {
            "a service cannot be Boot or System start",
            [Service("Early", StartType.Boot), Driver("Drv", StartType.Boot)],
            ["Drv"], ["Early"]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Plan_FollowsWindowsLoadOrder(string rule, ServiceEntry[] entries, string[] expectedOrder, string[] expectedCannotStart)
    {
        var plan = Order.Plan(entries);

        Assert.True(expectedOrder.SequenceEqual(plan.Order.Select(e => e.Name)), $"{rule}: got {string.Join(", ", plan.Order.Select(e => e.Name))}");
        Assert.Equal(expectedCannotStart.Order(), plan.CannotStart.Select(c => c.Entry.Name).Order());
    }

    [Fact]
    public void ParseTagVector_ReadsWindowsFormat_AndToleratesShortData()
    {
        byte[] vector = [3, 0, 0, 0, 5, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0];

        Assert.Equal([5u, 1u, 2u], LoadOrder.ParseTagVector(vector));
        Assert.Equal([5u], LoadOrder.ParseTagVector(vector.AsSpan(0, 8)));
        Assert.Empty(LoadOrder.ParseTagVector([1, 0]));
    }
}
