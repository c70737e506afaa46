using LastKnownGood.Diagnostics;
using LastKnownGood.Registry;

namespace LastKnownGood.Tests.Diagnostics;

/// <summary>The blame walk under Control\Triage rules.</summary>
public sealed partial class AnalyzerTests
{
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
}
