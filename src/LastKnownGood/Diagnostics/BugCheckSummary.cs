using System.Text.Json;
using System.Text.Json.Serialization;

namespace LastKnownGood.Diagnostics;

/// <summary>
/// A boot's bug check in brief, the one JSON shape of the concept wherever a boot or a failed boot
/// carries one (<c>lkg history --json</c>, the recovery report in <c>lkg status --json</c>): the stop
/// code as a hex string, its name, the component that failed, and the crash record's number.
/// </summary>
[JsonConverter(typeof(BugCheckSummaryJsonConverter))]
public sealed record BugCheckSummary(string Code, string Name, string? Component, long? Crash)
{
    public static BugCheckSummary Of(CrashRecord crash) => new(StopCodeJsonConverter.Format(crash.Code), crash.Name, crash.Component, crash.Id);

    /// <summary>In words, as a report's lines say it: <c>0x00000050 PAGE_FAULT_IN_NONPAGED_AREA in Sensor</c>.</summary>
    public override string ToString() => $"{Code} {Name} in {Component ?? "unknown"}";

    /// <summary>
    /// Reads what <see cref="ToString"/> wrote: recovery reports recorded before the summary was an
    /// object carry it in words, without the crash's number.
    /// </summary>
    public static BugCheckSummary Parse(string text)
    {
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        var rest = space < 0 ? "" : text[(space + 1)..];
        var at = rest.LastIndexOf(" in ", StringComparison.Ordinal);
        var component = at < 0 ? null : rest[(at + 4)..];
        return new(space < 0 ? text : text[..space], at < 0 ? rest : rest[..at], component is null or "unknown" ? null : component, null);
    }
}

/// <summary>Writes and reads <see cref="BugCheckSummary"/>: one object, every field present; an older report's sentence is read too.</summary>
public sealed class BugCheckSummaryJsonConverter : JsonConverter<BugCheckSummary>
{
    public override BugCheckSummary Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return BugCheckSummary.Parse(reader.GetString()!);
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A bug check is an object or a string.");
        }

        string? code = null, name = null, component = null;
        long? crash = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var property = reader.GetString();
            reader.Read();
            var isNull = reader.TokenType == JsonTokenType.Null;
            switch (property)
            {
                case "code": code = reader.GetString(); break;
                case "name": name = reader.GetString(); break;
                case "component": component = isNull ? null : reader.GetString(); break;
                case "crash": crash = isNull ? null : reader.GetInt64(); break;
                default: reader.Skip(); break;
            }
        }

        return new(code ?? throw new JsonException("A bug check has no code."), name ?? throw new JsonException("A bug check has no name."), component, crash);
    }

    public override void Write(Utf8JsonWriter writer, BugCheckSummary value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("code", value.Code);
        writer.WriteString("name", value.Name);
        writer.WritePropertyName("component");
        if (value.Component is { } component)
        {
            writer.WriteStringValue(component);
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WritePropertyName("crash");
        if (value.Crash is { } crash)
        {
            writer.WriteNumberValue(crash);
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteEndObject();
    }
}
