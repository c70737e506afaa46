using System.Text.Json;

namespace LastKnownGood.Boot;

/// <summary>The lower-case, hyphenated names modes and outcomes have in the hive, on the command line and in JSON.</summary>
public static class BootNames
{
    public static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    public static T Parse<T>(string name) where T : struct, Enum =>
        Enum.TryParse<T>(name.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var value) && Name(value) == name
            ? value
            : throw new FormatException($"\"{name}\" is not one of {string.Join(", ", Enum.GetValues<T>().Select(Name))}.");
}
