using LastKnownGood.Diagnostics;
using LastKnownGood.Machines;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Diagnostics;

/// <summary>The analyzer on a real hive file with crash records stored through the crash log, one rule of docs/analysis.md per test: the walk and the Windows fields here, triage and confidence in the other parts.</summary>
public sealed partial class AnalyzerTests : IDisposable
{
    private const string SensorDigest = "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e";

    private static readonly CrashFrame InterpreterMatch = new("Sensor", "Sensor", "Sensor.ContentInterpreter", "Match", 0x06000007, 0x1A, null);
    private static readonly CrashFrame SensorEvent = new("Sensor", "Sensor", "Sensor.SensorDriver", "OnEvent", 0x06000003, 0x08, null);
    private static readonly CrashFrame KernelDispatch = new("LastKnownGood", null, "LastKnownGood.Kernel.Kernel", "Dispatch", 0x06000100, 0x30, null);
    private static readonly CrashFrame PoolFree = new("LastKnownGood", null, "LastKnownGood.Kernel.Pool.KernelPool", "Free", 0x06000200, 0x40, null);
    private static readonly CrashFrame HelloRefresh = new("Hello", "Hello", "Hello.HelloDriver", "Refresh", 0x06000004, 0x12, null);
    private static readonly CrashFrame NotMyFaultOverflow = new("NotMyFault", "NotMyFault", "NotMyFault.NotMyFaultDriver", "Overflow", 0x06000005, 0x20, null);
    private static readonly CrashFrame HelperParse = new("Sensor.Helpers", "Sensor", "Sensor.Helpers.Parser", "Parse", 0x06000002, 0x04, null);

    private readonly TempDirectory _temp = new();
    private readonly Hive _hive;

    public AnalyzerTests()
    {
        _hive = Hive.Create(_temp.Combine("system.db"), TimeProvider.System);
        DriverPackages.Create(_temp.Combine("drivers", SensorDigest), "Sensor", "7.11.0");
        _hive.Write("test", "base", e =>
        {
            e.SetValue(KeyPath.Parse(@"Services\Sensor"), "ImagePath", RegistryValue.String(SensorDigest));
            e.SetValue(KeyPath.Parse(@"Services\Sensor\Parameters"), "EventBudget", RegistryValue.Dword(20));
            e.SetValue(KeyPath.Parse(@"Services\Hello"), "ImagePath", RegistryValue.String("not-a-package"));
        });
    }

    public void Dispose()
    {
        _hive.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Analyze_FirstDriverFrame_IsBlamed_WithTheWindowsFields()
    {
        var analysis = Analyze(Crash(BugCheckCode.PageFaultInNonpagedArea, "Sensor", InterpreterMatch, SensorEvent, KernelDispatch));

        Assert.Equal(("Sensor", 0, "Sensor!ContentInterpreter.Match"), (analysis.Blamed, analysis.BlamedFrame, analysis.SymbolName));
        Assert.Equal("0x50_Sensor!ContentInterpreter.Match", analysis.FailureBucketId);
        Assert.Equal(("Sensor", "Sensor.dll", "7.11.0", "Sensor"), (analysis.ModuleName, analysis.ImageName, analysis.ImageVersion, analysis.FollowupName));
        Assert.Equal(Analyzer.KernelProcessName, analysis.ProcessName);
        Assert.Equal(Confidence.Certain, analysis.Confidence);
        Assert.Empty(analysis.Suspects);
        Assert.Equal("2: a write operation", analysis.Arguments[1].Meaning);
    }

    [Fact]
    public void Analyze_KernelFramesAboveTheDriver_AreWalkedPast()
    {
        var analysis = Analyze(Crash(BugCheckCode.BadPoolCaller, "Hello", PoolFree, KernelDispatch, HelloRefresh));

        Assert.Equal((2, "Hello", "0xC2_Hello!HelloDriver.Refresh"), (analysis.BlamedFrame, analysis.Blamed, analysis.FailureBucketId));
        Assert.Equal(("Hello", "not-a-package", null), (analysis.ModuleName, analysis.ImageName, analysis.ImageVersion));
    }

    [Fact]
    public void Analyze_ChangesSinceLastKnownGood_AreThoseInTheBlamedComponentsSubtree()
    {
        _hive.UpdateSelect(s => s with { LastKnownGood = 1 });
        _hive.Write("test", "update", e =>
        {
            e.SetValue(KeyPath.Parse(@"Services\Sensor\Parameters"), "EventBudget", RegistryValue.Dword(21));
            e.SetValue(KeyPath.Parse(@"Services\Sensor\Content"), "C-00000291.sys", RegistryValue.File(e.StoreFile(new MemoryStream("bad"u8.ToArray()), "C-00000291.sys")));
            e.SetValue(KeyPath.Parse(@"Services\Hello"), "Start", RegistryValue.Dword(3));
            e.SetValue(KeyPath.Parse(@"Services\SensorTwin"), "Start", RegistryValue.Dword(3));
        });

        var analysis = Analyze(Crash(BugCheckCode.PageFaultInNonpagedArea, "Sensor", InterpreterMatch));

        Assert.Equal((1, 2), (analysis.LastKnownGood, analysis.ControlSet));
        Assert.Equal(
            [
                ("key-added", @"Services\Sensor\Content", null),
                ("value-added", @"Services\Sensor\Content", "C-00000291.sys"),
                ("value-changed", @"Services\Sensor\Parameters", "EventBudget"),
            ],
            analysis.Changes.Select(c => (c.Kind, c.Key, c.Name)));
        Assert.Equal(("0x00000014 (20)", "0x00000015 (21)"), (analysis.Changes[2].Old, analysis.Changes[2].New));
    }

    [Fact]
    public void Analyze_CrashInLastKnownGoodItself_HasNoChanges()
    {
        _hive.UpdateSelect(s => s with { LastKnownGood = 1 });

        Assert.Empty(Analyze(Crash(BugCheckCode.PageFaultInNonpagedArea, "Sensor", InterpreterMatch)).Changes);
    }

    [Fact]
    public void Analyze_FrameWithAModuleAndNoLine_GetsItsLineFromThePdb()
    {
        var method = typeof(AnalyzerTests).GetMethod(nameof(Analyze_FrameWithAModuleAndNoLine_GetsItsLineFromThePdb))!;
        var frame = new CrashFrame("LastKnownGood.Tests", "Sensor", typeof(AnalyzerTests).FullName!, method.Name, method.MetadataToken, 0, typeof(AnalyzerTests).Assembly.Location);

        var analysis = Analyze(Crash(BugCheckCode.KmodeExceptionNotHandled, "Sensor", frame));

        Assert.EndsWith("AnalyzerTests.cs", analysis.Stack[0].File);
        Assert.NotNull(analysis.Stack[0].Line);
        Assert.Equal(frame, analysis.Stack[0] with { File = null, Line = null });
    }

    /// <summary>A record of a crash in the newest control set.</summary>
    private CrashRecord Crash(BugCheckCode code, string? component, params CrashFrame[] frames) =>
        new(DateTimeOffset.UnixEpoch, code, [0x15, 2, 0, 0], 1, _hive.ReadSelect().Default, component, null, "test crash", "", ["Sensor: armed"]) { Frames = frames };

    private CrashAnalysis Analyze(CrashRecord crash)
    {
        var id = CrashLog.Append(_hive.Path, crash);
        return new Analyzer(_hive, new MachineDirectory(_temp.Path), Lkg.Dumps).Analyze(CrashLog.Get(_hive, id)!);
    }

    private void SetTriage(string name, string target) =>
        _hive.Write("test", "triage", e => e.SetValue(TriageRules.KeyPath, name, RegistryValue.String(target)));
}
