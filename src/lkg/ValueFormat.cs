using System.Globalization;
using LastKnownGood.Registry;

namespace LastKnownGood.Cli;

/// <summary>Registry values from the command line: parsing <c>reg set</c>'s text (their JSON is <see cref="Documents.ValueDocument"/>).</summary>
internal static class ValueFormat
{
    /// <summary>Parses VALUE for <c>--type</c>; FILE values are read by the caller, as they stream.</summary>
    public static RegistryValue Parse(RegistryValueKind kind, string text) => kind switch
    {
        RegistryValueKind.Dword => RegistryValue.Dword((uint)ParseNumber(text, uint.MaxValue, "dword")),
        RegistryValueKind.Qword => RegistryValue.Qword(ParseNumber(text, ulong.MaxValue, "qword")),
        RegistryValueKind.Sz => RegistryValue.String(text),
        // As reg.exe: the strings of a MULTI_SZ are separated by a literal \0.
        RegistryValueKind.MultiSz => RegistryValue.MultiString(text.Length == 0 ? [] : text.Split(@"\0")),
        RegistryValueKind.Binary => RegistryValue.Binary(ParseHex(text)),
        _ => throw new UsageException($"{RegistryValueKinds.Name(kind)} values are not parsed from text."),
    };

    private static ulong ParseNumber(string text, ulong max, string type)
    {
        var parsed = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var number)
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out number);
        return parsed && number <= max
            ? number
            : throw new UsageException($"\"{Quote.Short(text)}\" is not a {type}; give a whole number from 0 to {max} (decimal, or hex with 0x).");
    }

    private static byte[] ParseHex(string text)
    {
        try
        {
            return Convert.FromHexString(text.Replace(" ", "", StringComparison.Ordinal));
        }
        catch (FormatException)
        {
            throw new UsageException($"\"{Quote.Short(text)}\" is not binary data; give it as hex digits, such as 0a1b2c.");
        }
    }
}
