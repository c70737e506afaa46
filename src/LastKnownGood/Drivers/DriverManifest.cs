using System.Diagnostics.CodeAnalysis;
using System.Text;
using LastKnownGood.Internal;
using LastKnownGood.Registry;

namespace LastKnownGood.Drivers;

/// <summary>
/// A driver package's <c>driver.json</c>: the driver's name (its <c>Services\&lt;Name&gt;</c>
/// key), its version, the entry assembly (a path relative to the package, '/' separated) and
/// the full name of the type that implements <see cref="IDriver"/>. A manifest that loads has
/// every field valid and its assembly present in the package.
/// </summary>
public sealed record DriverManifest(string Name, Version Version, string Assembly, string Type)
{
    public const string FileName = "driver.json";

    /// <summary>Larger files are refused unread: a manifest is a few lines.</summary>
    private const int MaxFileSize = 64 * 1024;

    /// <summary>The fields, in the order a problem with one is reported.</summary>
    private static readonly string[] Fields = ["name", "version", "assembly", "type"];

    /// <summary>Loads and checks <c>driver.json</c>; the error names the file and the field.</summary>
    public static DriverManifest Load(string packageDirectory) =>
        TryLoad(packageDirectory, out var manifest, out var error) ? manifest : throw new LkgException(NtStatus.InvalidParameter, error);

    /// <summary>Loads and checks <c>driver.json</c>; false with one sentence naming the file and the field. Never throws for bad input.</summary>
    public static bool TryLoad(string packageDirectory, [NotNullWhen(true)] out DriverManifest? manifest, out string error)
    {
        manifest = null;
        var path = System.IO.Path.Combine(packageDirectory, FileName);
        byte[] json;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return Fail($"{path} does not exist; a driver package needs a driver.json with name, version, assembly and type.", out error);
            }

            if (FileStatus.Of(path) is { IsRegularFile: false } status)
            {
                return Fail($"{path} is {status.Kind}, not a regular file; write driver.json as a regular file.", out error);
            }

            if (info.Length > MaxFileSize)
            {
                return Fail($"{path} is {info.Length:N0} bytes, over the limit of {MaxFileSize:N0}; a driver.json holds only name, version, assembly and type.", out error);
            }

            json = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail($"{path} cannot be read ({e.Message.TrimEnd('.')}); check its permissions.", out error);
        }

        // Editors on Windows write a byte order mark, which JSON parsers may skip (RFC 8259 §8.1).
        var bom = json.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        if (!JsonFields.TryRead(json.AsSpan(bom), Fields, out var fields, out var line))
        {
            return Fail($"{path} is not valid JSON (line {line}); fix the syntax.", out error);
        }

        if (!fields.IsObject)
        {
            return Fail($"{path} is not a JSON object; write {{\"name\": ..., \"version\": ..., \"assembly\": ..., \"type\": ...}}.", out error);
        }

        if (!TryString(fields, 0, path, out var name, out error)
            || !TryString(fields, 1, path, out var versionText, out error)
            || !TryString(fields, 2, path, out var assembly, out error)
            || !TryString(fields, 3, path, out var type, out error))
        {
            return false;
        }

        if (!RegistryNames.TryValidateKeyName(name, out var nameError))
        {
            return Fail($"{path}: \"name\" cannot name a Services key: {nameError}", out error);
        }

        if (!Version.TryParse(versionText, out var version))
        {
            return Fail($"{path}: \"version\" is \"{versionText}\", which is not a version; write it as 1.2.0.", out error);
        }

        if (!IsPackagePath(assembly))
        {
            return Fail($"{path}: \"assembly\" is \"{assembly}\"; give a path inside the package with '/' separators, such as Sensor.dll.", out error);
        }

        if (!File.Exists(System.IO.Path.Combine(packageDirectory, assembly)))
        {
            return Fail($"{path}: \"assembly\" names {assembly}, which is not in the package; copy it there or correct the name.", out error);
        }

        if (Characters.Any(type, char.IsWhiteSpace) || type.StartsWith('.') || type.EndsWith('.'))
        {
            return Fail($"{path}: \"type\" is \"{type}\"; give the full name of the type that implements IDriver, such as Sensor.SensorDriver.", out error);
        }

        manifest = new DriverManifest(name, version, assembly, type);
        error = "";
        return true;
    }

    private static bool TryString(JsonFields fields, int index, string path, out string text, out string error)
    {
        text = "";
        var field = Fields[index];
        if (!fields.Has(index))
        {
            return Fail($"{path}: \"{field}\" is missing; driver.json needs name, version, assembly and type.", out error);
        }

        if (fields.String(index) is not { Length: > 0 } value)
        {
            return Fail($"{path}: \"{field}\" must be a non-empty string.", out error);
        }

        text = value;
        error = "";
        return true;
    }

    /// <summary>A relative path that stays inside the package: no root, no empty, '.' or '..' segment, no backslash.</summary>
    private static bool IsPackagePath(string path) =>
        !path.Contains('\\') && !Characters.Any(path, char.IsControl)
        && path.Split('/').All(segment => segment.Length > 0 && segment != "." && segment != "..");

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
