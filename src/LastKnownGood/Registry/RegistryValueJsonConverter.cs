using System.Text.Json;
using System.Text.Json.Serialization;

namespace LastKnownGood.Registry;

/// <summary>
/// A registry value's data as lkg's documents write it: DWORD and QWORD as numbers, SZ as a
/// string, MULTI_SZ as an array of strings, BINARY as lowercase hex, and FILE as its name, size
/// and SHA-256. Documents only write values; reading one back is not supported.
/// </summary>
public sealed class RegistryValueJsonConverter : JsonConverter<RegistryValue>
{
    public override RegistryValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("A registry value is written into documents, never read from one; machine manifests give values their own way.");

    public override void Write(Utf8JsonWriter writer, RegistryValue value, JsonSerializerOptions options)
    {
        switch (value.Kind)
        {
            case RegistryValueKind.Dword:
                writer.WriteNumberValue(value.AsDword());
                break;
            case RegistryValueKind.Qword:
                writer.WriteNumberValue(value.AsQword());
                break;
            case RegistryValueKind.Sz:
                writer.WriteStringValue(value.AsString());
                break;
            case RegistryValueKind.MultiSz:
                writer.WriteStartArray();
                foreach (var text in value.AsMultiString())
                {
                    writer.WriteStringValue(text);
                }

                writer.WriteEndArray();
                break;
            case RegistryValueKind.Binary:
                writer.WriteStringValue(Convert.ToHexStringLower(value.Data));
                break;
            default:
                var file = value.AsFile();
                writer.WriteStartObject();
                writer.WriteString("name", file.Name);
                writer.WriteNumber("size", file.Size);
                writer.WriteString("sha256", file.Hash.ToString());
                writer.WriteEndObject();
                break;
        }
    }
}
