namespace LastKnownGood.Registry;

/// <summary>The rules for key and value names, with Windows' limits.</summary>
public static class RegistryNames
{
    public const int MaxKeyNameLength = 255;
    public const int MaxValueNameLength = 16_383;
    public const int MaxDepth = 512;

    /// <summary>Names compare case-insensitively and keep their case when stored.</summary>
    public static readonly StringComparer Comparer = StringComparer.OrdinalIgnoreCase;

    public static bool TryValidateKeyName(string name, out string error) =>
        TryValidate(name, "key name", MaxKeyNameLength, allowEmpty: false, out error)
        && (!name.Contains('\\') || Fail($"The key name \"{Quote.Short(name)}\" contains a backslash, which separates keys; name each key separately.", out error));

    /// <summary>Value names may be empty: that is the key's default value.</summary>
    public static bool TryValidateValueName(string name, out string error) =>
        TryValidate(name, "value name", MaxValueNameLength, allowEmpty: true, out error);

    public static string RequireKeyName(string name) =>
        TryValidateKeyName(name, out var error) ? name : throw new LkgException(NtStatus.ObjectNameInvalid, error);

    public static string RequireValueName(string name) =>
        TryValidateValueName(name, out var error) ? name : throw new LkgException(NtStatus.ObjectNameInvalid, error);

    internal static string RequireNoNul(string text) => text.Contains('\0')
        ? throw new LkgException(NtStatus.InvalidParameter, "A string value contains a NUL character; use a BINARY value for such data.")
        : text;

    private static bool TryValidate(string name, string what, int maxLength, bool allowEmpty, out string error)
    {
        if (name.Length == 0 && !allowEmpty)
        {
            return Fail($"A {what} is empty; give every key in the path a name.", out error);
        }

        if (name.Length > maxLength)
        {
            return Fail($"The {what} \"{Quote.Short(name)}\" is longer than {maxLength} characters, the limit; shorten it.", out error);
        }

        foreach (var c in name)
        {
            if (char.IsControl(c))
            {
                return Fail($"The {what} \"{Quote.Short(name)}\" contains the control character U+{(int)c:X4}; use printable characters only.", out error);
            }
        }

        error = "";
        return true;
    }

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
