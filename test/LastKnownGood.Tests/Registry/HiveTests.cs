using LastKnownGood.Internal;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Registry;

public sealed class HiveTests : IDisposable
{
    private static readonly KeyPath Parameters = KeyPath.Parse(@"Services\Sensor\Parameters");

    private readonly TempDirectory _temp = new();
    private readonly Hive _hive;

    public HiveTests() => _hive = Hive.Create(_temp.Combine("system.db"), TimeProvider.System);

    public void Dispose()
    {
        _hive.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Write_FirstWrite_CreatesControlSet001AsDefault()
    {
        var result = _hive.Write("test", "first", e => e.SetValue(Parameters, "Budget", RegistryValue.Dword(20)));

        Assert.Equal(new WriteResult(1, true), result);
        Assert.Equal(new Select(0, 1, 0, 0), _hive.ReadSelect());
        Assert.Null(_hive.GetControlSet(1).Parent);
    }

    [Fact]
    public void Write_Change_DerivesNewSetAndMovesDefaultOnly()
    {
        _hive.Write("test", "first", e => e.SetValue(Parameters, "Budget", RegistryValue.Dword(20)));
        _hive.UpdateSelect(s => s with { Current = 1, LastKnownGood = 1 });

        var result = _hive.Write("alice", "raise budget", e => e.SetValue(Parameters, "Budget", RegistryValue.Dword(21)));

        Assert.Equal(2, result.ControlSet);
        Assert.Equal(new Select(1, 2, 0, 1), _hive.ReadSelect());
        var set = _hive.GetControlSet(2);
        Assert.Equal((1, "alice", "raise budget"), (set.Parent!.Value, set.Author, set.Reason));
        Assert.Equal(20u, Value(1, Parameters, "Budget").AsDword());
        Assert.Equal(21u, Value(2, Parameters, "Budget").AsDword());
    }

    [Fact]
    public void Write_SameValueAgain_CreatesNoSet()
    {
        _hive.Write("test", "first", e => e.SetValue(Parameters, "Budget", RegistryValue.Dword(20)));

        var result = _hive.Write("test", "again", e => e.SetValue(Parameters, "Budget", RegistryValue.Dword(20)));

        Assert.Equal(new WriteResult(1, false), result);
        Assert.Single(_hive.ListControlSets());
    }

    [Fact]
    public void Write_EditThrows_LeavesHiveAsBefore()
    {
        _hive.Write("test", "first", e => e.SetValue(Parameters, "Budget", RegistryValue.Dword(20)));

        Assert.Throws<InvalidOperationException>(() => _hive.Write("test", "broken", e =>
        {
            e.SetValue(Parameters, "Budget", RegistryValue.Dword(99));
            e.StoreFile(new MemoryStream([1, 2, 3]), "x.bin");
            throw new InvalidOperationException("the edit failed half way");
        }));

        Assert.Single(_hive.ListControlSets());
        Assert.Equal(1, _hive.ReadSelect().Default);
        Assert.Equal(20u, Value(1, Parameters, "Budget").AsDword());
        Assert.Equal(0L, CountRows("blobs"));
    }

    [Fact]
    public void Names_CompareIgnoringCase_KeepTheCaseFirstWritten()
    {
        _hive.Write("test", "first", e => e.SetValue(Parameters, "EventBudget", RegistryValue.Dword(20)));
        _hive.Write("test", "second", e => e.SetValue(KeyPath.Parse(@"SERVICES\sensor\PARAMETERS"), "eventbudget", RegistryValue.Dword(21)));

        var key = _hive.OpenKey(2, KeyPath.Parse(@"services\SENSOR\parameters"))!;
        Assert.Equal("EventBudget", Assert.Single(key.Values).Name);
        Assert.Equal(21u, key.Values[0].Value.AsDword());
        Assert.Equal("Parameters", _hive.OpenKey(2, KeyPath.Parse(@"Services\Sensor"))!.Subkeys.Single().Name);
    }

    [Fact]
    public void DeleteKey_RemovesTheWholeSubtree_AndMissingNamesAreErrors()
    {
        _hive.Write("test", "first", e =>
        {
            e.SetValue(Parameters, "Budget", RegistryValue.Dword(20));
            e.SetValue(KeyPath.Parse(@"Services\Hello"), "Start", RegistryValue.Dword(1));
        });

        _hive.Write("test", "remove sensor", e => e.DeleteKey(KeyPath.Parse(@"Services\Sensor")));

        Assert.Null(_hive.OpenKey(2, Parameters));
        Assert.NotNull(_hive.OpenKey(2, KeyPath.Parse(@"Services\Hello")));
        var missingValue = Assert.Throws<LkgException>(() => _hive.Write("test", "x", e => e.DeleteValue(KeyPath.Parse(@"Services\Hello"), "Nope")));
        Assert.Equal(NtStatus.ObjectNameNotFound, missingValue.Status);
        var missingKey = Assert.Throws<LkgException>(() => _hive.Write("test", "x", e => e.DeleteKey(Parameters)));
        Assert.Equal(NtStatus.ObjectNameNotFound, missingKey.Status);
        Assert.Equal(2, _hive.ReadSelect().Default);
    }

    [Fact]
    public void Retention_KeepsSetsSelectNamesAndTheNewestHistory()
    {
        _hive.Write("test", "set 1", e => e.SetValue(KeyPath.Parse(@"Control\Recovery"), "History", RegistryValue.Dword(3)));
        _hive.UpdateSelect(s => s with { LastKnownGood = 1 });
        for (var i = 2; i <= 6; i++)
        {
            _hive.Write("test", $"set {i}", e => e.SetValue(Parameters, "N", RegistryValue.Dword((uint)i)));
        }

        _hive.UpdateSelect(s => s with { Failed = 4 });
        for (var i = 7; i <= 12; i++)
        {
            _hive.Write("test", $"set {i}", e => e.SetValue(Parameters, "N", RegistryValue.Dword((uint)i)));
        }

        // Named: LastKnownGood 1, Failed 4, Default 12; plus the three newest others: 9, 10, 11.
        Assert.Equal([1, 4, 9, 10, 11, 12], _hive.ListControlSets().Select(s => s.Id));
        foreach (var set in _hive.ListControlSets())
        {
            _hive.VerifyControlSet(set.Id, contents: true);
        }
    }

    [Fact]
    public void Collect_RemovesNodesAndBlobsNoSetReaches()
    {
        _hive.Write("test", "set 1", e => e.SetValue(KeyPath.Parse(@"Control\Recovery"), "History", RegistryValue.Dword(0)));
        for (var i = 0; i < 3; i++)
        {
            _hive.Write("test", $"file {i}", e =>
                e.SetValue(Parameters, "Channel", RegistryValue.File(e.StoreFile(new MemoryStream(new byte[300_000 + i]), "channel.sys"))));
        }

        _hive.Collect();

        Assert.Equal([4], _hive.ListControlSets().Select(s => s.Id));
        Assert.Equal(1L, CountRows("blobs"));
        Assert.Equal(2L, CountRows("blob_chunks")); // 300,002 bytes in chunks of 256 KiB
        Assert.Equal(6L, CountRows("nodes"));       // root, Control, Recovery, Services, Sensor, Parameters
        Assert.Equal(new VerificationReport(6, 1), _hive.VerifyControlSet(4, contents: true));
    }

    [Fact]
    public void UpdateSelect_UnknownSet_IsRefusedAndChangesNothing()
    {
        _hive.Write("test", "first", e => e.CreateKey(Parameters));

        var error = Assert.Throws<LkgException>(() => _hive.UpdateSelect(s => s with { LastKnownGood = 7 }));

        Assert.Contains("ControlSet007 does not exist", error.Message);
        Assert.Equal(new Select(0, 1, 0, 0), _hive.ReadSelect());
    }

    [Fact]
    public void ResolveCurrentControlSet_IsCurrentDuringABoot_DefaultOtherwise()
    {
        _hive.Write("test", "one", e => e.CreateKey(Parameters));
        _hive.Write("test", "two", e => e.SetValue(Parameters, "N", RegistryValue.Dword(2)));
        _hive.UpdateSelect(s => s with { Current = 1 });

        Assert.Equal(1, _hive.ResolveCurrentControlSet(bootRunning: true));
        Assert.Equal(2, _hive.ResolveCurrentControlSet(bootRunning: false));
    }

    [Fact]
    public void Write_FileValueForUnknownContent_IsRefused()
    {
        var unknown = new FileReference(ContentHash.Of([9]), 1, "ghost.sys");

        var error = Assert.Throws<LkgException>(() => _hive.Write("test", "x", e => e.SetValue(Parameters, "F", RegistryValue.File(unknown))));

        Assert.Equal(NtStatus.ObjectNameNotFound, error.Status);
        Assert.Empty(_hive.ListControlSets());
    }

    [Fact]
    public void VerifyControlSet_DerivedFromVerifiedSet_ReadsOnlyTheChangedPath()
    {
        _hive.Write("test", "many", e =>
        {
            for (var i = 0; i < 200; i++)
            {
                e.SetValue(KeyPath.Parse($@"Services\Svc{i:000}\Parameters"), "Value", RegistryValue.Dword((uint)i));
            }
        });
        _hive.Write("test", "one", e => e.SetValue(KeyPath.Parse(@"Services\Svc042\Parameters"), "Value", RegistryValue.Dword(4242)));

        var full = _hive.VerifyControlSet(2);
        var incremental = _hive.VerifyControlSet(2, verifiedBase: 1);

        Assert.Equal(1 + 1 + (200 * 2), full.Nodes);
        Assert.Equal(4, incremental.Nodes); // root, Services, Svc042, Parameters
    }

    [Fact]
    public void Write_AfterAnotherHiveCollectedANodeThisOneCached_StoresTheNodeAgain()
    {
        _hive.Write("test", "x=1", e => e.SetValue(Parameters, "X", RegistryValue.Dword(1)));
        _hive.Write("test", "x=2", e => e.SetValue(Parameters, "X", RegistryValue.Dword(2)));
        using (var other = Hive.Open(_hive.Path, TimeProvider.System))
        {
            for (var i = 0; i < 20; i++)
            {
                other.Write("other", $"n={i}", e => e.SetValue(Parameters, "N", RegistryValue.Dword((uint)i)));
            }

            other.Collect();
        }

        // The node for X=1 is still in this hive's cache, but the other hive deleted its row.
        _hive.Write("test", "x=1 again", e =>
        {
            e.DeleteValue(Parameters, "N");
            e.SetValue(Parameters, "X", RegistryValue.Dword(1));
        });

        using var reopened = Hive.Open(_hive.Path, TimeProvider.System);
        var set = reopened.ReadSelect().Default;
        Assert.Equal(new VerificationReport(4, 0), reopened.VerifyControlSet(set));
    }

    private RegistryValue Value(int set, KeyPath key, string name) =>
        _hive.OpenKey(set, key) is { } node && node.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException(name);

    private long CountRows(string table)
    {
        using var database = SqliteDatabase.Open(_hive.Path, create: false);
        return (long)database.Scalar($"SELECT COUNT(*) FROM {table}")!;
    }
}
