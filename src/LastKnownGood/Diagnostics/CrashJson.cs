using System.Text.Json;
using System.Text.Json.Serialization;

namespace LastKnownGood.Diagnostics;

/// <summary>
/// The one JSON form of crash records and their parts, source-generated (no reflection): the
/// crash log's columns are written and read here.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CrashFrame[]))]
[JsonSerializable(typeof(PoolEvidence))]
[JsonSerializable(typeof(DumpStack))]
[JsonSerializable(typeof(ulong[]))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class CrashJson : JsonSerializerContext;
