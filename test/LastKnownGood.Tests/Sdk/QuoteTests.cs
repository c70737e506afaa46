namespace LastKnownGood.Tests.Sdk;

public sealed class QuoteTests
{
    [Theory]
    [InlineData("Sensor", "Sensor")]
    [InlineData("a\nb", @"a\u000ab")]
    [InlineData("\u001b[31mred", @"\u001b[31mred")]
    [InlineData("del\u007f", @"del\u007f")]
    [InlineData("C1\u0085", @"C1\u0085")]
    [InlineData("é ü 日本", "é ü 日本")]
    public void Short_WritesControlCharactersAsEscapes(string text, string shown) =>
        Assert.Equal(shown, Quote.Short(text));

    [Fact]
    public void Short_CutsLongTextAndEscapesWhatItKeeps()
    {
        var shown = Quote.Short("\n" + new string('x', 200));

        Assert.StartsWith(@"\u000axxx", shown);
        Assert.EndsWith("… (201 characters)", shown);
        Assert.DoesNotContain('\n', shown);
    }

    [Fact]
    public void Short_OfControlCharacters_StaysShortOnceEscaped()
    {
        // Found by the keypath fuzzer: 80 control characters came back as 480.
        var shown = Quote.Short(new string('\u0007', 60));

        Assert.True(shown.Length < Quote.MaxLength + 20, shown);
        Assert.EndsWith("… (60 characters)", shown);
    }
}
