using System.Text;
using System.Text.Json;

namespace LastKnownGood.Machines;

/// <summary>
/// Reads a manifest's JSON (comments and trailing commas allowed) into <see cref="ManifestNode"/>s
/// that remember their line numbers, which System.Text.Json's document model does not. A UTF-8
/// byte order mark is skipped, as editors on Windows write one.
/// </summary>
internal static class ManifestReader
{
    private const int MaxDepth = 64;

    public static ManifestNode Read(ReadOnlySpan<byte> json, string file)
    {
        if (json.StartsWith(Encoding.UTF8.Preamble))
        {
            json = json[Encoding.UTF8.Preamble.Length..];
        }

        // The JSON reader would call this malformed, "no JSON tokens".
        if (json.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw Error(file, 1, "the file is empty; a manifest is a JSON object with Services and Control.");
        }

        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < json.Length; i++)
        {
            if (json[i] == '\n')
            {
                lineStarts.Add(i + 1);
            }
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            MaxDepth = MaxDepth,
        });
        try
        {
            reader.Read();
            var root = ReadNode(ref reader, file, lineStarts);
            if (reader.Read())
            {
                throw Error(file, LineOf(reader, lineStarts), "there is more after the manifest's closing brace; remove it.");
            }

            return root;
        }
        catch (JsonException e)
        {
            throw Error(file, (int)(e.LineNumber ?? 0) + 1, $"the JSON is malformed ({Quote.Short(FirstSentence(e.Message))}).");
        }
        catch (InvalidOperationException) when (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
        {
            throw Error(file, LineOf(reader, lineStarts), "a string is not valid UTF-8; save the manifest as UTF-8.");
        }
    }

    public static LkgException Error(string file, int line, string reason) =>
        new(NtStatus.InvalidParameter, $"{file}:{line}: {reason}");

    private static ManifestNode ReadNode(ref Utf8JsonReader reader, string file, List<int> lineStarts)
    {
        var line = LineOf(reader, lineStarts);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var obj = new ManifestNode(JsonTokenType.StartObject, line);
                var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString()!;
                    var nameLine = LineOf(reader, lineStarts);
                    if (!names.Add(name))
                    {
                        throw Error(file, nameLine, $"\"{Quote.Short(name)}\" appears twice in the same object (names ignore case); keep one.");
                    }

                    reader.Read();
                    obj.Members.Add((name, nameLine, ReadNode(ref reader, file, lineStarts)));
                }

                return obj;
            case JsonTokenType.StartArray:
                var array = new ManifestNode(JsonTokenType.StartArray, line);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    array.Items.Add(ReadNode(ref reader, file, lineStarts));
                }

                return array;
            case JsonTokenType.String:
                return new ManifestNode(JsonTokenType.String, line, reader.GetString());
            default:
                return new ManifestNode(reader.TokenType, line, Encoding.UTF8.GetString(reader.ValueSpan));
        }
    }

    private static int LineOf(Utf8JsonReader reader, List<int> lineStarts)
    {
        var index = lineStarts.BinarySearch((int)reader.TokenStartIndex);
        return (index >= 0 ? index : ~index - 1) + 1;
    }

    private static string FirstSentence(string message) =>
        message.Split(". ", 2)[0].TrimEnd('.');
}
