using System.Text.Json;
using System.Text.Json.Serialization;

namespace LastKnownGood.Recovery;

/// <summary>The one JSON form of recovery reports, source-generated (no reflection): the <c>recoveries</c> table's reports are written and read here.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RecoveryReport))]
internal sealed partial class RecoveryJson : JsonSerializerContext;
