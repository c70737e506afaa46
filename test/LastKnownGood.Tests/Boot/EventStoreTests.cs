using LastKnownGood.Boot;
using LastKnownGood.Diagnostics;
using LastKnownGood.Kernel;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Boot;

/// <summary>The event log's tables on a real hive file: the cap, the writer's batches, component states, a dead kernel's standard error.</summary>
public sealed class EventStoreTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _temp = new();
    private readonly Hive _hive;

    public EventStoreTests() => _hive = Hive.Create(_temp.Combine("system.db"), TimeProvider.System);

    public void Dispose()
    {
        _hive.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Append_PastTheCap_DropsTheOldestFirst_InBatchesAndAcrossBoots()
    {
        Append(1, 0, 6, capacity: 4);
        Append(2, 6, 3, capacity: 4);

        var kept = EventStore.ReadAfter(_hive, boot: null, component: null, after: 0, limit: 100);

        Assert.Equal(["line 6", "line 7", "line 8", "line 9"], kept.Select(e => e.Message));
        Assert.Equal([1, 2, 2, 2], kept.Select(e => e.Boot));
        Assert.Equal(["line 8", "line 9"], EventStore.Newest(_hive, 2, 2).Select(e => e.Message));
        Assert.Equal(["line 6"], EventStore.ReadAfter(_hive, 1, null, 0, 100).Select(e => e.Message));
    }

    [Fact]
    public void ReadCapacity_IsControlEventLogMaxEntries_ElseTheDefault()
    {
        _hive.Write("test", "no cap", e => e.SetValue(KeyPath.Parse("Control"), "A", RegistryValue.Dword(1)));
        _hive.Write("test", "cap", e => e.SetValue(EventStore.SettingsKey, EventStore.CapacityValue, RegistryValue.Dword(3)));

        Assert.Equal((EventStore.DefaultCapacity, 3, EventStore.DefaultCapacity), (EventStore.ReadCapacity(_hive, 1), EventStore.ReadCapacity(_hive, 2), EventStore.ReadCapacity(_hive, 0)));
    }

    [Fact]
    public void ReadAfter_ByComponent_IgnoresCase_AndPagesById()
    {
        _hive.Database.Write(() =>
        {
            EventStore.Append(_hive.Database, [Entry(1, "kernel", "booting"), Entry(1, "Talker", "hello"), Entry(1, "kernel", "started Talker"), Entry(1, "Talker", "bye")], 100);
            return 0;
        });

        var first = Assert.Single(EventStore.ReadAfter(_hive, 1, "talker", 0, 1));
        var rest = EventStore.ReadAfter(_hive, 1, "TALKER", first.Id, 10);

        Assert.Equal(("hello", "bye"), (first.Message, Assert.Single(rest).Message));
    }

    [Fact]
    public void Writer_UnderABootManager_KeepsEveryLineAndComponentState_OnceFlushed_AndOnlyThen()
    {
        using var log = new EventLog(TimeProvider.System, boot: 3);
        log.Write("kernel", "before the writer starts");
        log.StartKeeping(_hive.Path, EventStore.DefaultCapacity, keepRecorded: 2);
        log.Write("Talker", "oops", EventLevel.Warning);
        log.Report("Talker", "service", ComponentState.Running, 4242, restarts: null);
        log.Report("Talker", "service", ComponentState.Restarting, null, restarts: 1);

        log.Flush(TimeSpan.FromSeconds(10));

        var lines = EventStore.ReadAfter(_hive, 3, null, 0, 100);
        Assert.Equal([("kernel", EventLevel.Info, "before the writer starts"), ("Talker", EventLevel.Warning, "oops")], lines.Select(e => (e.Component, e.Level, e.Message)));
        var component = Assert.Single(ComponentLog.ForBoot(_hive, 3));
        Assert.Equal(("Talker", "service", ComponentState.Restarting, (int?)null, (int?)1), (component.Name, component.Type, component.State, component.ProcessId, component.Restarts));
    }

    [Fact]
    public void RecordedEvents_KeepEachComponentsNewest_InOrder_WithTheirFieldsAsTheyWere()
    {
        using (var log = new EventLog(TimeProvider.System, boot: 3))
        {
            log.StartKeeping(_hive.Path, EventStore.DefaultCapacity, keepRecorded: 2);
            foreach (var n in new[] { "1", "2", "3" })
            {
                log.Record("Sensor", new KernelEvent("ipc", ["unix", n, "a \"quoted\" field", ""]));
            }

            log.Record("Other", new KernelEvent("ipc", ["only"]));
            log.Flush(TimeSpan.FromSeconds(10));
        }

        var sensor = RecordedEvents.Read(_hive, "sensor");
        Assert.Equal([["unix", "2", "a \"quoted\" field", ""], ["unix", "3", "a \"quoted\" field", ""]], sensor.Select(e => e.Event.Fields));
        Assert.All(sensor, e => Assert.Equal(("Sensor", 3, "ipc"), (e.Component, e.Boot, e.Event.Type)));
        Assert.Equal(["only"], Assert.Single(RecordedEvents.Read(_hive, "Other")).Event.Fields);
    }

    [Fact]
    public void Writer_WithoutABootManager_KeepsNothing()
    {
        using (var log = new EventLog(TimeProvider.System))
        {
            log.StartKeeping(_hive.Path, EventStore.DefaultCapacity, 0);
            log.Write("kernel", "a kernel run by hand");
            log.Flush(TimeSpan.FromSeconds(1));
        }

        Assert.Empty(EventStore.ReadAfter(_hive, null, null, 0, 100));
    }

    [Fact]
    public void End_OfAKernelThatDied_KeepsTheStandardErrorLinesTheLogLacks_AndStopsItsComponents()
    {
        var boot = BootLog.Begin(_hive, new BootPlan(BootMode.Normal, "Default"), Now);
        _hive.Database.Write(() =>
        {
            ComponentLog.Report(_hive.Database, new ComponentRecord(boot.Number, "Talker", "service", ComponentState.Running, 4242, Now, 0));
            return 0;
        });
        var standardError = $"{EventLine.Format(Now, "kernel", "booting")}\nStack overflow.\n   at Sensor.Recurse()\n";
        var crash = new CrashRecord(Now, BugCheckCode.KmodeExceptionNotHandled, [0, 0, 6, 134], boot.Number, boot.ControlSet, null, null, "died", standardError, []);

        BootLog.End(_hive, boot.Number, BootOutcome.Bugcheck, "died of signal 6", askedForLastKnownGood: false, crash, Now);

        Assert.Equal([("kernel", EventLevel.Error, "Stack overflow."), ("kernel", EventLevel.Error, "   at Sensor.Recurse()")],
            EventStore.ReadAfter(_hive, boot.Number, null, 0, 100).Select(e => (e.Component, e.Level, e.Message)));
        Assert.Equal((ComponentState.Stopped, (int?)null), Assert.Single(ComponentLog.ForBoot(_hive, boot.Number)) is var c ? (c.State, c.ProcessId) : default);
    }

    private void Append(int boot, int first, int count, int capacity) => _hive.Database.Write(() =>
    {
        EventStore.Append(_hive.Database, Enumerable.Range(first + 1, count).Select(i => Entry(boot, "kernel", $"line {i}")), capacity);
        return 0;
    });

    private static EventEntry Entry(int boot, string component, string message) => new(boot, Now, component, EventLevel.Info, message);
}
