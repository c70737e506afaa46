using System.Text;
using System.Text.Json;
using LastKnownGood.Internal;

namespace LastKnownGood.Tests.Internal;

public sealed class JsonFieldsTests
{
    private static readonly string[] Names = ["name", "version"];

    [Fact]
    public void TryRead_FlatObject_KeepsTheNamedStringFields()
    {
        var fields = Read("""{"name": "Hello", "other": [1, {"x": null}], "version": "1.0"}""");

        Assert.True(fields.IsObject);
        Assert.Equal("Hello", fields.String(0));
        Assert.Equal("1.0", fields.String(1));
    }

    [Fact]
    public void TryRead_FieldNamedTwice_HasItsLastValue()
    {
        var fields = Read("""{"name": "First", "name": "Last"}""");

        Assert.Equal("Last", fields.String(0));
    }

    [Fact]
    public void TryRead_FieldThatIsNotAString_IsPresentWithNoText()
    {
        var fields = Read("""{"name": 7}""");

        Assert.True(fields.Has(0));
        Assert.Null(fields.String(0));
        Assert.False(fields.Has(1));
    }

    [Fact]
    public void TryRead_Escapes_AreUndoneInNamesAndValues()
    {
        var fields = Read("""{"n\u0061me": "a\"b\\c\/d\n\u00e9\ud83d\ude00"}""");

        Assert.Equal("a\"b\\c/d\n\u00e9\U0001F600", fields.String(0));
    }

    [Fact]
    public void TryRead_NestedFieldOfTheSameName_IsNotTopLevel()
    {
        var fields = Read("""{"inner": {"name": "Nested"}}""");

        Assert.False(fields.Has(0));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void TryRead_RootThatIsNotAnObject_IsJsonButNotAnObject(string json)
    {
        Assert.False(Read(json).IsObject);
    }

    [Theory]
    [InlineData("{\"name\": \"a\",\n\"version\": }", 2)]
    [InlineData("\n\n{\"name\" \"a\"}", 3)]
    [InlineData("", 1)]
    public void TryRead_NotJson_GivesTheLine(string json, int line)
    {
        Assert.False(JsonFields.TryRead(Encoding.UTF8.GetBytes(json), Names, out _, out var at));
        Assert.Equal(line, at);
    }

    /// <summary>Accepted exactly when System.Text.Json's JsonDocument accepts it, with its default options.</summary>
    [Theory]
    [InlineData("{}")]
    [InlineData(" \t\r\n{ } \r\n")]
    [InlineData("{\"a\": [1, -0, 0.5, 1e5, -2.5E-3, true, false, null, \"s\", {}, []]}")]
    [InlineData("{\"a\": 1,}")]
    [InlineData("{\"a\": [1,]}")]
    [InlineData("{\"a\": 1} // comment")]
    [InlineData("{/* comment */}")]
    [InlineData("{\"a\": 1} {}")]
    [InlineData("{\"a\": 1} x")]
    [InlineData("{\"a\": 01}")]
    [InlineData("{\"a\": 1.}")]
    [InlineData("{\"a\": .5}")]
    [InlineData("{\"a\": +1}")]
    [InlineData("{\"a\": 1e}")]
    [InlineData("{\"a\": -}")]
    [InlineData("{\"a\": tru}")]
    [InlineData("{\"a\": True}")]
    [InlineData("{\"a\": nulls}")]
    [InlineData("{\"a\": \"\\x\"}")]
    [InlineData("{\"a\": \"\\u12\"}")]
    [InlineData("{\"a\": \"\\u12G4\"}")]
    [InlineData("{\"a\": \"tab\there\"}")]
    [InlineData("{\"a\": \"unterminated}")]
    [InlineData("{'a': 1}")]
    [InlineData("{a: 1}")]
    [InlineData("{\"a\" 1}")]
    [InlineData("{\"a\": 1 \"b\": 2}")]
    [InlineData("{\"a\": [1 2]}")]
    [InlineData("{\"a\": {\"b\" : [}]}")]
    [InlineData("{")]
    [InlineData("}")]
    [InlineData("\u00a0{}")]
    public void TryRead_AcceptsWhatJsonDocumentAccepts(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);

        Assert.Equal(JsonDocumentAccepts(bytes), JsonFields.TryRead(bytes, Names, out _, out _));
    }

    [Theory]
    [InlineData(63, true)]
    [InlineData(64, true)]
    [InlineData(65, false)]
    public void TryRead_Nesting_IsLimitedTo64LevelsAsInJsonDocument(int levels, bool accepted)
    {
        var bytes = Encoding.UTF8.GetBytes(new string('[', levels) + new string(']', levels));

        Assert.Equal(accepted, JsonDocumentAccepts(bytes));
        Assert.Equal(accepted, JsonFields.TryRead(bytes, Names, out _, out _));
    }

    [Theory]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'n', (byte)'a', (byte)'m', (byte)'e', (byte)'"', (byte)':', (byte)'"', 0xC3, (byte)'"', (byte)'}' })]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'a', (byte)'"', (byte)':', (byte)'"', 0xFF, (byte)'"', (byte)'}' })]
    public void TryRead_TextThatIsNotUtf8_IsNotJson(byte[] json)
    {
        Assert.False(JsonFields.TryRead(json, Names, out _, out _));
    }

    [Fact]
    public void TryRead_HalfASurrogatePair_IsNotJson()
    {
        Assert.False(JsonFields.TryRead("""{"name": "\ud83d"}"""u8, Names, out _, out _));
    }

    private static JsonFields Read(string json)
    {
        Assert.True(JsonFields.TryRead(Encoding.UTF8.GetBytes(json), Names, out var fields, out _));
        return fields;
    }

    private static bool JsonDocumentAccepts(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
