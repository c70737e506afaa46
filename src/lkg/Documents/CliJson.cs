using System.Text.Json;
using System.Text.Json.Serialization;
using LastKnownGood.Diagnostics;

namespace LastKnownGood.Cli.Documents;

/// <summary>
/// The JSON documents of the crash commands and the demos, source-generated so that <c>lkg</c> serializes
/// without reflection (it is to be compiled ahead of time). Every field is written, null or not,
/// as on the other commands' documents.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(CrashDocument))]
[JsonSerializable(typeof(CrashDocument[]))]
[JsonSerializable(typeof(CrashAnalysis))]
[JsonSerializable(typeof(NotMyFaultRow[]))]
internal sealed partial class CliJson : JsonSerializerContext;
