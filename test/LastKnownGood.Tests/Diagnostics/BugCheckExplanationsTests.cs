using LastKnownGood.Diagnostics;

namespace LastKnownGood.Tests.Diagnostics;

public sealed class BugCheckExplanationsTests
{
    [Fact]
    public void Describe_EveryStopCodeOfTheSdk_HasItsOwnSentence()
    {
        var sentences = Enum.GetValues<BugCheckCode>().Select(BugCheckExplanations.Describe).ToList();

        Assert.DoesNotContain(BugCheckExplanations.Describe((BugCheckCode)0xDEAD), sentences);
        Assert.Equal(sentences.Count, sentences.Distinct().Count());
    }

    [Theory]
    [InlineData(BugCheckCode.PageFaultInNonpagedArea, new ulong[] { 0x10, 2, 0, 0 }, 1, "2: a write operation")]
    [InlineData(BugCheckCode.PageFaultInNonpagedArea, new ulong[] { 0x10, 0, 0, 0 }, 2, "the faulting code")]
    [InlineData(BugCheckCode.PageFaultInNonpagedArea, new ulong[] { 0x10, 0, 0, 0 }, 3, "the fault type: 0, the page is not present")]
    [InlineData(BugCheckCode.PageFaultInNonpagedArea, new ulong[] { 0, 0, 0, 0 }, 0, "0, a managed index or null reference does not say which")]
    [InlineData(BugCheckCode.SystemThreadExceptionNotHandled, new ulong[] { 0x80131509, 0, 0, 0 }, 0, "the exception code that was not handled")]
    [InlineData(BugCheckCode.KmodeExceptionNotHandled, new ulong[] { 0x80131509, 0, 0, 0 }, 0, "the exception code that was not handled")]
    [InlineData(BugCheckCode.ThreadStuckInDeviceDriver, new ulong[] { 1, 0, 3, 0 }, 2, "the driver the thread is stuck in")]
    [InlineData(BugCheckCode.BadPoolHeader, new ulong[] { 0x21, 0, 0, 0 }, 0, "0x21: the data following the block being freed is corrupt")]
    [InlineData(BugCheckCode.BadPoolHeader, new ulong[] { 0x21, 0, 0, 0 }, 3, "the corrupted value found")]
    [InlineData(BugCheckCode.BadPoolHeader, new ulong[] { 0x3, 0, 0, 0 }, 0, "0x3: the free-list links")]
    [InlineData(BugCheckCode.BadPoolCaller, new ulong[] { 0x7, 0, 0, 0 }, 0, "0x7: a block freed that is already free")]
    [InlineData(BugCheckCode.BadPoolCaller, new ulong[] { 0xA, 0, 0, 0 }, 2, "the allocator's tag")]
    [InlineData(BugCheckCode.DriverCorruptedExpool, new ulong[] { 0, 2, 1, 0 }, 2, "1: a write operation")]
    [InlineData(BugCheckCode.DriverPageFaultBeyondEndOfAllocation, new ulong[] { 0, 1, 0, 0 }, 0, "beyond the end of the allocation")]
    [InlineData(BugCheckCode.DriverVerifierDetectedViolation, new ulong[] { 0x1001, 0, 0, 0 }, 0, "0x1001: locks taken in an order that can deadlock")]
    [InlineData(BugCheckCode.DriverVerifierDetectedViolation, new ulong[] { 0x1000, 3, 0, 0 }, 0, "0x1000: a thread acquires a lock it already holds")]
    [InlineData(BugCheckCode.DriverVerifierDetectedViolation, new ulong[] { 0x62, 0, 0, 5 }, 3, "the number of allocations still held")]
    [InlineData(BugCheckCode.CriticalProcessDied, new ulong[] { 42, 9, 137, 0 }, 2, "its exit code")]
    [InlineData(BugCheckCode.BadSystemConfigInfo, new ulong[] { 0, 0, 0, 0 }, 0, "the hive's key that failed")]
    [InlineData(BugCheckCode.InaccessibleBootDevice, new ulong[] { 0, 0, 0, 0 }, 0, "the driver that failed to start")]
    [InlineData(BugCheckCode.CriticalStructureCorruption, new ulong[] { 0, 0, 0, 0 }, 3, "the type of the structure")]
    [InlineData(BugCheckCode.BadPoolCaller, new ulong[] { 0x99, 0, 0, 0 }, 1, "reserved")]
    public void Explain_Parameter_HasWindowsMeaningForTheCodeAndSubtype(BugCheckCode code, ulong[] parameters, int index, string meaning)
    {
        var arguments = BugCheckExplanations.Explain(code, parameters);

        Assert.Equal([1, 2, 3, 4], arguments.Select(a => a.Number));
        Assert.Equal(parameters, arguments.Select(a => a.Value));
        Assert.Contains(meaning, arguments[index].Meaning);
    }

    [Fact]
    public void Explain_FewerThanFourParameters_PadsWithZero()
    {
        Assert.Equal([7ul, 0, 0, 0], BugCheckExplanations.Explain(BugCheckCode.ManuallyInitiatedCrash, [7]).Select(a => a.Value));
    }
}
