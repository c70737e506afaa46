using System.Text.Json.Serialization;
using LastKnownGood.Registry;

namespace LastKnownGood.Cli.Documents;

/// <summary>A control set's record, as <c>lkg controlset list --json</c> lists them: with the values of Select that name it.</summary>
internal sealed record ControlSetDocument(int Id, string Name, int? Parent, DateTimeOffset Created, string Author, string Reason, string Root, IReadOnlyList<string> Select);

/// <summary><c>lkg controlset show N --json</c>: the control set's record and its tree of keys.</summary>
internal sealed record ControlSetShowDocument(ControlSetDocument Set, KeyDocument Keys);

/// <summary>A key of a control set: its name (empty at the root), its values and its subkeys, in full.</summary>
internal sealed record KeyDocument(string Name, IReadOnlyList<ValueDocument> Values, IReadOnlyList<KeyDocument> Subkeys);

/// <summary>One change of <c>lkg controlset diff A B --json</c>: a key added or deleted, or a value added, changed or deleted, with its old and new data.</summary>
internal sealed record DifferenceDocument(
    [property: JsonConverter(typeof(KebabCaseEnumConverter<DifferenceKind>))] DifferenceKind Kind,
    string Key,
    string? Name,
    string? Type,
    RegistryValue? Old,
    RegistryValue? New);
