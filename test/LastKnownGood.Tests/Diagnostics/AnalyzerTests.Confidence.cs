using LastKnownGood.Diagnostics;
using LastKnownGood.Registry;
using LastKnownGood.Verifier;

namespace LastKnownGood.Tests.Diagnostics;

/// <summary>Confidence, suspects and the verifier: when the blame is certain, likely or uncertain.</summary>
public sealed partial class AnalyzerTests
{
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
}
