using LastKnownGood.Diagnostics;
using LastKnownGood.Machines;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;
using LastKnownGood.Verifier;

namespace LastKnownGood.Tests.Diagnostics;

/// <summary>The analyzer on a real hive file with crash records stored through the crash log, one rule of docs/analysis.md per test.</summary>
public sealed class AnalyzerTests : IDisposable
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
    public void Analyze_TriageRuleNamingAnOwner_MovesTheBlame()
    {
        SetTriage("Sensor.Helpers!Parser.Parse", "Hello");

        var analysis = Analyze(Crash(BugCheckCode.KmodeExceptionNotHandled, "Sensor", HelperParse, InterpreterMatch));

        Assert.Equal(("Hello", 0, "Hello"), (analysis.Blamed, analysis.BlamedFrame, analysis.FollowupName));
        Assert.Contains(@"Control\Triage\Sensor.Helpers!Parser.Parse", analysis.BlameReason);
        Assert.Contains(analysis.Suspects, s => s.Driver == "Sensor");
    }

    [Fact]
    public void Analyze_TriageRuleIgnoringAModule_SkipsItsFrames()
    {
        SetTriage("Sensor.Helpers", TriageRule.IgnoreWord);

        var analysis = Analyze(Crash(BugCheckCode.KmodeExceptionNotHandled, "Sensor", HelperParse, InterpreterMatch));

        Assert.Equal((1, "0x1E_Sensor!ContentInterpreter.Match"), (analysis.BlamedFrame, analysis.FailureBucketId));
        Assert.Contains("Frames skipped by Control\\Triage: Sensor.Helpers", analysis.BlameReason);
    }

    [Fact]
    public void Analyze_MethodRule_WinsOverItsModulesRule()
    {
        SetTriage("Sensor", TriageRule.IgnoreWord);
        SetTriage("Sensor!SensorDriver.OnEvent", "Sensor");

        var analysis = Analyze(Crash(BugCheckCode.KmodeExceptionNotHandled, "Sensor", InterpreterMatch, SensorEvent));

        Assert.Equal((1, "Sensor!SensorDriver.OnEvent"), (analysis.BlamedFrame, analysis.SymbolName));
    }

    [Fact]
    public void Analyze_EmptyOrNonStringTriageValues_AreNoRules()
    {
        SetTriage("Sensor", " ");
        _hive.Write("test", "triage", e => e.SetValue(TriageRules.KeyPath, "Sensor!ContentInterpreter.Match", RegistryValue.Dword(1)));

        var analysis = Analyze(Crash(BugCheckCode.KmodeExceptionNotHandled, "Sensor", InterpreterMatch));

        Assert.Equal(("Sensor", 0, Confidence.Certain), (analysis.Blamed, analysis.BlamedFrame, analysis.Confidence));
    }

    [Fact]
    public void Analyze_PoolCorruptionFoundByAnotherDriver_IsUncertain_AndNamesThePrecedingBlocksOwner()
    {
        var crash = Crash(BugCheckCode.BadPoolHeader, "Hello", PoolFree, HelloRefresh) with
        {
            Parameters = [0xD, 0x1040, 0x41414141, 0],
            Pool = new PoolEvidence(0x1040, "Hell", "Hello", 0x1000, "NMFt", "NotMyFault"),
        };

        var analysis = Analyze(crash);

        Assert.Equal(("Hello", Confidence.Uncertain), (analysis.Blamed, analysis.Confidence));
        var suspect = Assert.Single(analysis.Suspects);
        Assert.Equal("NotMyFault", suspect.Driver);
        Assert.Contains("'NMFt'", suspect.Reason);
        Assert.Equal(crash.Pool, analysis.Pool);
        Assert.StartsWith("0xD: a free block's header was modified", analysis.Arguments[0].Meaning);
    }

    [Fact]
    public void Analyze_PoolCorruptionWithNoOtherOwner_IsOnlyLikely()
    {
        var crash = Crash(BugCheckCode.DriverCorruptedExpool, "Hello", PoolFree, HelloRefresh) with
        {
            Pool = new PoolEvidence(0x1040, "Hell", "Hello", null, null, null),
        };

        Assert.Equal(Confidence.Likely, Analyze(crash).Confidence);
    }

    [Fact]
    public void Analyze_SpecialPoolOverrun_IsCertain_WithVrf()
    {
        var crash = Crash(BugCheckCode.DriverPageFaultBeyondEndOfAllocation, "NotMyFault", PoolFree, NotMyFaultOverflow) with
        {
            Pool = new PoolEvidence(0x2000, "NMFt", "NotMyFault", null, null, null),
        };

        var analysis = Analyze(crash);

        Assert.Equal((Confidence.Certain, true), (analysis.Confidence, analysis.RaisedByVerifier));
        Assert.Equal("0xD6_NotMyFault!NotMyFaultDriver.Overflow_VRF", analysis.FailureBucketId);
    }

    [Fact]
    public void Analyze_VerifierViolation_IsCertain_AndExplainsTheSubtype()
    {
        var analysis = Analyze(Crash(BugCheckCode.DriverVerifierDetectedViolation, "NotMyFault", KernelDispatch, NotMyFaultOverflow) with { Parameters = [0x62, 0, 0, 3] });

        Assert.Equal(Confidence.Certain, analysis.Confidence);
        Assert.EndsWith("_VRF", analysis.FailureBucketId);
        Assert.StartsWith("0x62: a driver is unloading without freeing", analysis.Arguments[0].Meaning);
    }

    [Fact]
    public void Analyze_BlamedDriverUnderTheVerifier_GetsVrf_AndItsChecks()
    {
        _hive.Write("test", "verify Sensor", e => e.SetValue(VerifierSettings.KeyPath.Child("Sensor"), "SpecialPool", RegistryValue.Dword(1)));

        var analysis = Analyze(Crash(BugCheckCode.PageFaultInNonpagedArea, "Sensor", InterpreterMatch));

        Assert.Equal(VerifierFlags.SpecialPool, analysis.Verifier);
        Assert.Equal("0x50_Sensor!ContentInterpreter.Match_VRF", analysis.FailureBucketId);
        Assert.False(analysis.RaisedByVerifier);
    }

    [Fact]
    public void Analyze_VerifierOnInAnotherSetOnly_IsNotVrf()
    {
        _hive.Write("test", "verify Sensor", e => e.SetValue(VerifierSettings.KeyPath.Child("Sensor"), "SpecialPool", RegistryValue.Dword(1)));

        var analysis = Analyze(Crash(BugCheckCode.PageFaultInNonpagedArea, "Sensor", InterpreterMatch) with { ControlSet = 1 });

        Assert.Equal((VerifierFlags.None, "0x50_Sensor!ContentInterpreter.Match"), (analysis.Verifier, analysis.FailureBucketId));
    }

    [Fact]
    public void Analyze_RecordFromAnExitStatus_IsUncertain_AndBlamesTheNamedComponent()
    {
        var crash = Crash(BugCheckCode.CriticalProcessDied, "Sensor") with { Parameters = [4242, 6, 134, 0] };

        var analysis = Analyze(crash);

        Assert.Equal(("Sensor", null, Confidence.Uncertain), (analysis.Blamed, analysis.BlamedFrame, analysis.Confidence));
        Assert.Equal("0xEF_Sensor", analysis.FailureBucketId);
        Assert.Equal("the signal that ended it, 0 if none", analysis.Arguments[1].Meaning);
    }

    [Fact]
    public void Analyze_RecordWithoutFramesWhoseDumpIsGone_HasNoStack_AndIsUncertain()
    {
        var analysis = Analyze(Crash(BugCheckCode.KmodeExceptionNotHandled, "Sensor") with { Dump = "crash-9.dmp" });

        Assert.Equal((Analyzer.NoStack, Confidence.Uncertain), (analysis.StackSource, analysis.Confidence));
        Assert.Empty(analysis.Stack);
    }

    [Fact]
    public void Analyze_RecordWithoutFramesWhoseDumpIsNotADump_SaysSo_AndIsUncertain()
    {
        Directory.CreateDirectory(_temp.Combine("dumps"));
        File.WriteAllText(_temp.Combine("dumps", "crash-9.dmp"), "not a dump");

        var analysis = Analyze(Crash(BugCheckCode.KmodeExceptionNotHandled, "Sensor") with { Dump = "crash-9.dmp" });

        Assert.StartsWith("none (the dump crash-9.dmp cannot be read", analysis.StackSource);
        Assert.Equal(Confidence.Uncertain, analysis.Confidence);
    }

    [Fact]
    public void Analyze_RecordWithFrames_SaysTheyComeFromTheRecord()
    {
        Assert.Equal(Analyzer.StackFromRecord, Analyze(Crash(BugCheckCode.KmodeExceptionNotHandled, "Sensor", InterpreterMatch)).StackSource);
    }

    [Fact]
    public void Analyze_NoDriverAnywhere_BlamesNobody_AndFollowsUpWithTheMachineOwner()
    {
        var analysis = Analyze(Crash(BugCheckCode.CriticalStructureCorruption, null, KernelDispatch));

        Assert.Equal((null, Analyzer.MachineOwner, "0x109_kernel", Confidence.Uncertain),
            (analysis.Blamed, analysis.FollowupName, analysis.FailureBucketId, analysis.Confidence));
        Assert.Empty(analysis.Changes);
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
    public void Analyze_DriverFrameOtherThanTheRecordsComponent_IsLikely_NamingTheComponent()
    {
        var analysis = Analyze(Crash(BugCheckCode.KmodeExceptionNotHandled, "Hello", InterpreterMatch));

        Assert.Equal(("Sensor", Confidence.Likely), (analysis.Blamed, analysis.Confidence));
        Assert.Equal("Hello", Assert.Single(analysis.Suspects).Driver);
    }

    [Fact]
    public void Analyze_WatchdogWithTheKernelsStackOnly_IsLikely()
    {
        var analysis = Analyze(Crash(BugCheckCode.ThreadStuckInDeviceDriver, "Hello", KernelDispatch));

        Assert.Equal(("Hello", null, Confidence.Likely), (analysis.Blamed, analysis.BlamedFrame, analysis.Confidence));
    }

    /// <summary>A record of a crash in the newest control set.</summary>
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

    private CrashRecord Crash(BugCheckCode code, string? component, params CrashFrame[] frames) =>
        new(DateTimeOffset.UnixEpoch, code, [0x15, 2, 0, 0], 1, _hive.ReadSelect().Default, component, null, "test crash", "", ["Sensor: armed"]) { Frames = frames };

    private CrashAnalysis Analyze(CrashRecord crash)
    {
        var id = CrashLog.Append(_hive.Path, crash);
        return new Analyzer(_hive, new MachineDirectory(_temp.Path)).Analyze(CrashLog.Get(_hive, id)!);
    }

    private void SetTriage(string name, string target) =>
        _hive.Write("test", "triage", e => e.SetValue(TriageRules.KeyPath, name, RegistryValue.String(target)));
}
