using System.Text.Json.Serialization;

namespace LastKnownGood.Diagnostics;

/// <summary>How sure an analysis is of its blame (docs/analysis.md says when each applies).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Confidence>))]
public enum Confidence
{
    /// <summary>The check that stopped the machine caught the blamed driver in the act (a verifier check, or the driver's own frame faulting).</summary>
    [JsonStringEnumMemberName("certain")]
    Certain,

    /// <summary>The evidence points at one driver, but not at the faulting access itself.</summary>
    [JsonStringEnumMemberName("likely")]
    Likely,

    /// <summary>The evidence is thin or points several ways: look at the other suspects too.</summary>
    [JsonStringEnumMemberName("uncertain")]
    Uncertain,
}
