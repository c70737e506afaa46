using LastKnownGood.Boot;
using LastKnownGood.Diagnostics;

namespace LastKnownGood.Tests.Boot;

public sealed class CrashHandoffTests
{
    private static readonly CrashRecord Full = new(
        new DateTimeOffset(2026, 12, 1, 20, 0, 0, TimeSpan.Zero).AddTicks(1234567), BugCheckCode.BadPoolHeader, [0x20, 1, 2, ulong.MaxValue], 7, 3,
        "Hello", "LastKnownGood.Kernel.BugCheckException", "BAD_POOL_HEADER: ä message", "stack\ntext", ["one", "two"])
    {
        Frames = [new("Hello", "Hello", "Hello.HelloDriver", "Refresh", 0x06000002, 12, "/m/drivers/abc/Hello.dll"), new("LastKnownGood", null, "LastKnownGood.Kernel.Kernel", "Call", 0x06000100, -1, null)],
        Pool = new PoolEvidence(0x1000, "Hell", "Hello", 0x900, "NMFt", "NotMyFault"),
    };

    [Fact]
    public async Task EncodeThenRead_GivesTheSameRecord()
    {
        var read = await CrashHandoff.ReadAsync(new MemoryStream(CrashHandoff.Encode(Full)));

        Assert.NotNull(read);
        Assert.Equal((Full.Time, Full.Code, Full.Boot, Full.ControlSet, Full.Component, Full.ExceptionType, Full.Message, Full.Stack),
            (read.Time, read.Code, read.Boot, read.ControlSet, read.Component, read.ExceptionType, read.Message, read.Stack));
        Assert.Equal(Full.Parameters, read.Parameters);
        Assert.Equal(Full.LastEvents, read.LastEvents);
        Assert.Equal(Full.Frames, read.Frames);
        Assert.Equal(Full.Pool, read.Pool);
    }

    [Fact]
    public async Task EncodeThenRead_KeepsAbsentFieldsAbsent()
    {
        var bare = Full with { Frames = [], Pool = null };
        var read = await CrashHandoff.ReadAsync(new MemoryStream(CrashHandoff.Encode(new CrashRecord(bare.Time, bare.Code, [], null, 1, null, null, "m", "", []))));

        Assert.Equal((null, null, null, 0, 0), (read!.Boot, read.Component, read.Pool, read.Frames.Count, read.Parameters.Count));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(20)]
    public async Task Read_OfAPipeThatEndsMidFrame_IsNull(int keep)
    {
        var frame = CrashHandoff.Encode(Full);

        Assert.Null(await CrashHandoff.ReadAsync(new MemoryStream(frame[..keep])));
    }

    [Fact]
    public async Task Read_OfAFrameThatIsNotARecord_IsNull()
    {
        byte[] frame = [8, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8];

        Assert.Null(await CrashHandoff.ReadAsync(new MemoryStream(frame)));
    }
}
