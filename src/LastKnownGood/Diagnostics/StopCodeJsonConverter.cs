using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LastKnownGood.Diagnostics;

/// <summary>A stop code as every crash document writes it, <c>"0x00000050"</c>.</summary>
public sealed class StopCodeJsonConverter : JsonConverter<BugCheckCode>
{
    public static string Format(BugCheckCode code) => $"0x{(uint)code:X8}";

    public override BugCheckCode Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetString() is { } text && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && uint.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            ? (BugCheckCode)value
            : throw new JsonException("A stop code is written as a hex string, such as \"0x00000050\".");

    public override void Write(Utf8JsonWriter writer, BugCheckCode value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Format(value));
}
