using System.Text.Json.Serialization;

namespace LastKnownGood.Diagnostics;

/// <summary>One parameter of a bug check with what it means for that code, as Windows documents it (<c>Arg1</c> to <c>Arg4</c> of <c>!analyze -v</c>).</summary>
/// <param name="Number">1 to 4.</param>
/// <param name="Value">The parameter as the crash record holds it; hex in JSON.</param>
/// <param name="Meaning">What the value is, and for flags and subtypes what this value says.</param>
public sealed record BugCheckArgument(
    int Number,
    [property: JsonConverter(typeof(HexJsonConverter))] ulong Value,
    string Meaning);
