namespace LastKnownGood.Diagnostics;

/// <summary>
/// One difference between Last Known Good and the crash's control set inside the blamed
/// component's <c>Services\&lt;Name&gt;</c> subtree (content files included), in the words of
/// <c>lkg controlset diff</c>: the kind (<c>value-changed</c>, <c>key-added</c>, …), the key, the
/// value's name and type, and each side as a person reads it (null where absent).
/// </summary>
public sealed record ComponentChange(string Kind, string Key, string? Name, string? Type, string? Old, string? New);
