using System.Text.Json;
using LastKnownGood.Diagnostics;
using LastKnownGood.Recovery;

namespace LastKnownGood.Tests.Diagnostics;

/// <summary>A bug check in brief: one JSON object wherever a boot carries one, and the sentence older recovery reports recorded still read.</summary>
public sealed class BugCheckSummaryTests
{
    [Fact]
    public void ARecoveryReport_WritesItsFailedBootsBugCheck_AsAnObject_AndReadsItBack()
    {
        var report = new RecoveryReport("Improved", "last-known-good", 3, "boot 7 bug checked",
            [new FailedBoot(7, 4, "bugcheck", "bug check", new BugCheckSummary("0x00000050", "PAGE_FAULT_IN_NONPAGED_AREA", "Sensor", 12))]);

        var json = JsonSerializer.Serialize(report, RecoveryJson.Default.RecoveryReport);

        var bugCheck = JsonDocument.Parse(json).RootElement.GetProperty("failedBoots")[0].GetProperty("bugCheck");
        Assert.Equal(("0x00000050", "PAGE_FAULT_IN_NONPAGED_AREA", "Sensor", 12L),
            (bugCheck.GetProperty("code").GetString(), bugCheck.GetProperty("name").GetString(), bugCheck.GetProperty("component").GetString(), bugCheck.GetProperty("crash").GetInt64()));
        Assert.Equal(report.FailedBoots[0], JsonSerializer.Deserialize(json, RecoveryJson.Default.RecoveryReport)!.FailedBoots[0]);
    }

    [Theory]
    [InlineData("0x00000050 PAGE_FAULT_IN_NONPAGED_AREA in Sensor", "0x00000050", "PAGE_FAULT_IN_NONPAGED_AREA", "Sensor")]
    [InlineData("0x000000EF CRITICAL_PROCESS_DIED in unknown", "0x000000EF", "CRITICAL_PROCESS_DIED", null)]
    public void AnOlderReport_RecordedItInWords_AndItIsReadAsTheObject(string words, string code, string name, string? component)
    {
        var json = $$"""{"policy":"Classic","mode":"last-known-good","controlSet":2,"reason":"r","failedBoots":[{"number":5,"controlSet":3,"outcome":"bugcheck","how":"bug check","bugCheck":"{{words}}"}]}""";

        var read = JsonSerializer.Deserialize(json, RecoveryJson.Default.RecoveryReport)!.FailedBoots[0].BugCheck;

        Assert.Equal(new BugCheckSummary(code, name, component, null), read);
        Assert.Equal(words, read!.ToString());
    }
}
