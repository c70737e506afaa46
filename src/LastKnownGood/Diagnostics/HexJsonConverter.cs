using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LastKnownGood.Diagnostics;

/// <summary>
/// A 64-bit parameter as a <c>"0x…"</c> string, as the crash documents write parameters: a JSON
/// number above 2^53 loses digits in most readers.
/// </summary>
public sealed class HexJsonConverter : JsonConverter<ulong>
{
    public override ulong Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetString() is { } text && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new JsonException("A parameter is written as a hex string, such as \"0x50\".");

    public override void Write(Utf8JsonWriter writer, ulong value, JsonSerializerOptions options) =>
        writer.WriteStringValue($"0x{value:X}");
}
