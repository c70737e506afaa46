using System.Text.Json;
using System.Text.Json.Serialization;

namespace LastKnownGood.Cli.Documents;

/// <summary>An enum written as its name in kebab case, as the documents spell names: <c>KeyAdded</c> is <c>"key-added"</c>.</summary>
internal sealed class KebabCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.KebabCaseLower)
    where TEnum : struct, Enum;
