using LastKnownGood.Registry;

namespace LastKnownGood.Services;

/// <summary>What one documented value must be: its type and, where it matters, its allowed content.</summary>
internal sealed record ValueRule(string Name, RegistryValueKind Kind, Func<RegistryValue, string?>? Check = null)
{
    /// <summary>Null when the value fits, else the reason it does not, as a sentence that says what to use.</summary>
    public string? Validate(RegistryValue value) => value.Kind != Kind
        ? $"{Name} must be {RegistryValueKinds.Name(Kind)}, not {RegistryValueKinds.Name(value.Kind)}."
        : Check?.Invoke(value);

    public static Func<RegistryValue, string?> OneOf(params (uint Value, string Meaning)[] allowed) => value =>
        allowed.Any(a => a.Value == value.AsDword())
            ? null
            : $"{value.AsDword()} is not allowed; use {string.Join(", ", allowed.Select(a => $"{a.Value} ({a.Meaning})"))}.";

    public static Func<RegistryValue, string?> AtLeast(uint minimum) => value =>
        value.AsDword() >= minimum ? null : $"{value.AsDword()} is below the minimum of {minimum}.";

    public static Func<RegistryValue, string?> Words(params string[] allowed) => value =>
        allowed.Contains(value.AsString(), StringComparer.OrdinalIgnoreCase)
            ? null
            : $"\"{Quote.Short(value.AsString())}\" is not allowed; use {string.Join(" or ", allowed)}.";
}
