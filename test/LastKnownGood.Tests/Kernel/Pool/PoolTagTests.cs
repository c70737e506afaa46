using LastKnownGood.Kernel.Pool;

namespace LastKnownGood.Tests.Kernel.Pool;

public sealed class PoolTagTests
{
    [Fact]
    public void Parse_FourCharacters_PutsTheFirstInTheLowestByte() =>
        Assert.Equal(0x736E6553u, PoolTag.Parse("Sens"));

    [Theory]
    [InlineData("Sens", "Sens")]
    [InlineData("Ab", "Ab  ")]
    public void Format_OfAParsedTag_GivesTheCharactersBack(string tag, string expected) =>
        Assert.Equal(expected, PoolTag.Format(PoolTag.Parse(tag)));

    [Fact]
    public void Format_BytesThatAreNotPrintable_ShowsQuestionMarks() =>
        Assert.Equal("A??B", PoolTag.Format(0x42_FF_00_41));

    [Theory]
    [InlineData("")]
    [InlineData("Sensor")]
    [InlineData("Séns")]
    public void Parse_NotOneToFourAsciiCharacters_Throws(string tag) =>
        Assert.ThrowsAny<ArgumentException>(() => PoolTag.Parse(tag));
}
