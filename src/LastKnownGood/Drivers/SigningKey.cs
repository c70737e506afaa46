using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using LastKnownGood.Internal;

namespace LastKnownGood.Drivers;

/// <summary>
/// A developer's ECDSA P-256 key for signing driver packages. Keys belong to a person, not to a
/// machine: they live in a key directory (<see cref="DefaultDirectory"/>) as <c>NAME.key</c>
/// (PKCS#8 PEM, mode 0600) and <c>NAME.pub</c> (SubjectPublicKeyInfo PEM). A saved key is never
/// overwritten. A machine trusts a key by holding its public key in <c>Control\CI\Keys</c>.
/// </summary>
public sealed class SigningKey : IDisposable
{
    public const string EnvironmentVariable = "LKG_KEYS";

    public const string PrivateKeyExtension = ".key";

    public const string PublicKeyExtension = ".pub";

    private const int MaxNameLength = 64;

    private const UnixFileMode PrivateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode PublicMode = PrivateMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode NotOwnerBits = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly ECDsa _key;

    private SigningKey(string name, ECDsa key)
    {
        Name = name;
        _key = key;
        PublicKey = key.ExportSubjectPublicKeyInfo();
    }

    public string Name { get; }

    /// <summary>The public key as DER SubjectPublicKeyInfo: what <c>signature.json</c> embeds and <c>Control\CI\Keys</c> holds.</summary>
    public ReadOnlyMemory<byte> PublicKey { get; }

    /// <summary><c>$LKG_KEYS</c> if set, else <c>$XDG_CONFIG_HOME/lkg/keys</c>, else <c>~/.config/lkg/keys</c>.</summary>
    public static string DefaultDirectory =>
        ResolveDirectory(Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary>Makes a new random P-256 key, held in memory until <see cref="Save"/>.</summary>
    public static SigningKey Create(string name)
    {
        RequireName(name);
        return new(name, ECDsa.Create(ECCurve.NamedCurves.nistP256));
    }

    /// <summary>Loads <c>NAME.key</c> from <paramref name="directory"/>; refuses a file other users can read, as ssh does.</summary>
    public static SigningKey Load(string directory, string name)
    {
        RequireName(name);
        var path = Path.Combine(directory, name + PrivateKeyExtension);
        if (!File.Exists(path))
        {
            throw new LkgException(NtStatus.ObjectNameNotFound,
                $"There is no key named {name} in {directory}; create it with lkg keys create {name}, or point {EnvironmentVariable} at the directory that holds it.");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & NotOwnerBits) != 0)
        {
            throw new LkgException(NtStatus.AccessDenied, $"The private key {path} is accessible to other users; restrict it with chmod 600 {path}.");
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(ReadText(path));
            if (!IsP256(key))
            {
                throw new LkgException(NtStatus.InvalidParameter, $"The key {path} is not an ECDSA P-256 key; create one with lkg keys create.");
            }

            return new(name, key);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new LkgException(NtStatus.InvalidParameter, $"The key {path} is not a PKCS#8 PEM private key; create one with lkg keys create.", e);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Reads <c>NAME.pub</c> from <paramref name="directory"/> as DER SubjectPublicKeyInfo.</summary>
    public static byte[] LoadPublicKey(string directory, string name)
    {
        RequireName(name);
        var path = Path.Combine(directory, name + PublicKeyExtension);
        if (!File.Exists(path))
        {
            throw new LkgException(NtStatus.ObjectNameNotFound,
                $"There is no public key named {name} in {directory}; create it with lkg keys create {name}, or point {EnvironmentVariable} at the directory that holds it.");
        }

        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(ReadText(path));
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            throw new LkgException(NtStatus.InvalidParameter, $"The file {path} is not a PEM public key; copy the .pub file that lkg keys create wrote.", e);
        }

        return IsP256(key)
            ? key.ExportSubjectPublicKeyInfo()
            : throw new LkgException(NtStatus.InvalidParameter, $"The key {path} is not an ECDSA P-256 key; create one with lkg keys create.");
    }

    /// <summary>
    /// Writes <c>NAME.key</c> (mode 0600) and <c>NAME.pub</c> into <paramref name="directory"/>,
    /// creating it (mode 0700). Each file is written under a temporary name and linked into place
    /// only if that name is free, so an existing key is never overwritten, even by a racing save.
    /// </summary>
    public void Save(string directory)
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, DirectoryMode);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LkgException(NtStatus.ObjectNameInvalid,
                $"The key directory {directory} cannot be created ({e.Message.TrimEnd('.')}); point {EnvironmentVariable} at a directory.", e);
        }

        var privatePath = Path.Combine(directory, Name + PrivateKeyExtension);
        var publicPath = Path.Combine(directory, Name + PublicKeyExtension);
        if (File.Exists(privatePath) || File.Exists(publicPath))
        {
            throw Collision(directory);
        }

        WriteNew(privatePath, _key.ExportPkcs8PrivateKeyPem(), PrivateMode, directory);
        try
        {
            WriteNew(publicPath, _key.ExportSubjectPublicKeyInfoPem(), PublicMode, directory);
        }
        catch
        {
            File.Delete(privatePath);
            throw;
        }
    }

    /// <summary>ECDSA P-256 with SHA-256 over <paramref name="data"/>, in IEEE P1363 format (r then s).</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) =>
        _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>Checks a key name: 1 to 64 letters, digits, '.', '-' or '_', not starting with '.'; it names files and a registry value.</summary>
    public static bool TryValidateName(string name, out string error)
    {
        var valid = name.Length is > 0 and <= MaxNameLength && name[0] != '.'
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');
        error = valid ? "" : $"\"{Quote.Short(name)}\" is not a key name; use 1 to {MaxNameLength} letters, digits, '.', '-' or '_', not starting with '.'.";
        return valid;
    }

    /// <summary>Imports a DER SubjectPublicKeyInfo that must hold an ECDSA P-256 key; false with the reason otherwise.</summary>
    public static bool TryImportPublicKey(ReadOnlySpan<byte> subjectPublicKeyInfo, [NotNullWhen(true)] out ECDsa? key, out string error)
    {
        key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
            if (read == subjectPublicKeyInfo.Length && IsP256(key))
            {
                error = "";
                return true;
            }

            error = "the public key is not an ECDSA P-256 SubjectPublicKeyInfo";
        }
        catch (CryptographicException)
        {
            error = "the public key is not a DER SubjectPublicKeyInfo";
        }

        key.Dispose();
        key = null;
        return false;
    }

    public void Dispose() => _key.Dispose();

    /// <summary><see cref="DefaultDirectory"/> from a given environment; a relative XDG_CONFIG_HOME is ignored, as the XDG specification says.</summary>
    internal static string ResolveDirectory(Func<string, string?> environment, string home) =>
        environment(EnvironmentVariable) is { Length: > 0 } keys ? Path.GetFullPath(keys)
        : Path.Combine(
            environment("XDG_CONFIG_HOME") is { Length: > 0 } config && Path.IsPathFullyQualified(config) ? config : Path.Combine(home, ".config"),
            "lkg", "keys");

    private static bool IsP256(ECDsa key)
    {
        var curve = key.ExportParameters(includePrivateParameters: false).Curve;
        return curve.IsNamed && (curve.Oid.Value == ECCurve.NamedCurves.nistP256.Oid.Value
            || curve.Oid.FriendlyName == ECCurve.NamedCurves.nistP256.Oid.FriendlyName);
    }

    private static void RequireName(string name)
    {
        if (!TryValidateName(name, out var error))
        {
            throw new LkgException(NtStatus.ObjectNameInvalid, error);
        }
    }

    private static string ReadText(string path)
    {
        // A FIFO would block the read, and a device would never end it.
        if (FileStatus.Of(path) is { IsRegularFile: false } status)
        {
            throw new LkgException(NtStatus.ObjectTypeMismatch, $"The key file {path} is {status.Kind}, not a regular file; create the key again with lkg keys create.");
        }

        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LkgException(NtStatus.AccessDenied, $"The key file {path} cannot be read ({e.Message.TrimEnd('.')}); check its permissions.", e);
        }
    }

    private void WriteNew(string path, string text, UnixFileMode mode, string directory)
    {
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(Encoding.ASCII.GetBytes(text + "\n"));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            throw Collision(directory);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private LkgException Collision(string directory) => new(NtStatus.ObjectNameCollision,
        $"A key named {Name} already exists in {directory}; keys are never overwritten, so choose another name or use that key.");
}
