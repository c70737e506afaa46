using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Registry;

public sealed class ControlSetDiffTests : IDisposable
{
    private static readonly KeyPath Sensor = KeyPath.Parse(@"Services\Sensor");
    private static readonly KeyPath Content = KeyPath.Parse(@"Services\Sensor\Content");

    private readonly TempDirectory _temp = new();
    private readonly Hive _hive;

    public ControlSetDiffTests()
    {
        _hive = Hive.Create(_temp.Combine("system.db"), TimeProvider.System);
        _hive.Write("test", "base", e =>
        {
            e.SetValue(Sensor, "Start", RegistryValue.Dword(0));
            e.SetValue(Sensor, "Group", RegistryValue.String("Early-Launch"));
            e.SetValue(Content, "C-00000291-1.sys", RegistryValue.File(e.StoreFile(new MemoryStream("v1"u8.ToArray()), "C-00000291-1.sys")));
            for (var i = 0; i < 50; i++)
            {
                e.SetValue(KeyPath.Parse($@"Services\Other{i}"), "Start", RegistryValue.Dword(3));
            }
        });
    }

    public void Dispose()
    {
        _hive.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Diff_ListsExactlyTheChangedValuesAndFiles()
    {
        _hive.Write("test", "update", e =>
        {
            e.SetValue(Sensor, "Start", RegistryValue.Dword(1));
            e.DeleteValue(Sensor, "Group");
            e.SetValue(Sensor, "Tag", RegistryValue.Dword(5));
            e.SetValue(Content, "C-00000291-1.sys", RegistryValue.File(e.StoreFile(new MemoryStream("v2"u8.ToArray()), "C-00000291-1.sys")));
        });

        var differences = _hive.Diff(1, 2);

        Assert.Equal(
            [
                (DifferenceKind.ValueDeleted, @"Services\Sensor", "Group"),
                (DifferenceKind.ValueChanged, @"Services\Sensor", "Start"),
                (DifferenceKind.ValueAdded, @"Services\Sensor", "Tag"),
                (DifferenceKind.ValueChanged, @"Services\Sensor\Content", "C-00000291-1.sys"),
            ],
            differences.Select(d => (d.Kind, d.Key.ToString(), d.Name!)));
        var file = differences[3];
        Assert.NotEqual(file.Old!.AsFile().Hash, file.New!.AsFile().Hash);
        Assert.Equal(0u, differences[1].Old!.AsDword());
        Assert.Equal(1u, differences[1].New!.AsDword());
    }

    [Fact]
    public void Diff_AddedAndDeletedKeys_AreListedOnceWithTheAddedContents()
    {
        _hive.Write("test", "keys", e =>
        {
            e.DeleteKey(KeyPath.Parse(@"Services\Other7"));
            e.SetValue(KeyPath.Parse(@"Services\New\Parameters"), "X", RegistryValue.String("y"));
        });

        var differences = _hive.Diff(1, 2);

        Assert.Equal(
            [
                (DifferenceKind.KeyAdded, @"Services\New", null),
                (DifferenceKind.KeyAdded, @"Services\New\Parameters", null),
                (DifferenceKind.ValueAdded, @"Services\New\Parameters", "X"),
                (DifferenceKind.KeyDeleted, @"Services\Other7", null),
            ],
            differences.Select(d => (d.Kind, d.Key.ToString(), d.Name)));
    }

    [Fact]
    public void Diff_OfASetWithItself_IsEmpty_AndReversingSwapsSides()
    {
        _hive.Write("test", "update", e => e.SetValue(Sensor, "Start", RegistryValue.Dword(1)));

        Assert.Empty(_hive.Diff(2, 2));
        var back = Assert.Single(_hive.Diff(2, 1));
        Assert.Equal((1u, 0u), (back.Old!.AsDword(), back.New!.AsDword()));
    }
}
