using LastKnownGood.Recovery;
using LastKnownGood.Registry;
using LastKnownGood.Services;

namespace LastKnownGood.Drivers;

public sealed partial class DriverStore
{
    /// <summary>
    /// Installs a driver package: checks it against the code integrity policy of the
    /// <c>Default</c> control set (the set the write derives from), copies it into
    /// <c>drivers/&lt;identity&gt;/</c>, then writes <c>Services\&lt;Name&gt;</c> (Type, Start,
    /// ErrorControl, Group if given, <c>ImagePath</c> = the identity, <c>Version</c>) in one hive
    /// write. A package that recovery quarantined (its <c>ImagePath</c>, the package's identity),
    /// or the same files signed again, is refused before anything is copied, unless forced; the
    /// other values a convicted install wrote (its Type, Start, ...) are a fixed package's too,
    /// and never refuse it. Values not
    /// mentioned, such as <c>Parameters</c> or <c>Content</c>, are kept.
    /// A refused package changes nothing; if the hive write fails, the copied package stays
    /// (content-addressed, it is harmless) and the registry is unchanged. Throws
    /// <see cref="LkgException"/> with the reason when it refuses.
    /// </summary>
    public DriverInstallResult Install(string packageDirectory, Hive hive, string author, DriverInstallOptions? options = null)
    {
        options ??= DriverInstallOptions.Default;
        if (options.Type is { } type && type is not (ServiceType.KernelDriver or ServiceType.UserModeDriver))
        {
            throw new LkgException(NtStatus.InvalidParameter, $"A driver's Type is a kernel or a user-mode driver, not {type}; choose --mode kernel or --mode user.");
        }

        var source = Path.GetFullPath(packageDirectory);
        var defaultSet = hive.ReadSelect().Default;
        var policy = CodeIntegrityPolicy.Read(hive, defaultSet);
        var integrity = CodeIntegrity.Check(source, policy);
        if (!integrity.Succeeded)
        {
            throw new LkgException(integrity.Status, integrity.Reason!);
        }

        var manifest = integrity.Manifest!;
        var identity = integrity.Identity!;
        var key = KeyPath.Root.Child("Services").Child(manifest.Name);
        var existing = defaultSet == 0 ? null : hive.OpenKey(defaultSet, key);
        var imagePath = RegistryValue.String(identity);
        if (!options.Force && !(existing is not null && existing.TryGetValue(ImagePathValue, out var installed) && installed.Equals(imagePath)))
        {
            Quarantine.Check(hive, key, ImagePathValue, imagePath);
            RefuseQuarantinedFiles(hive, manifest, key, integrity.Digest!);
        }

        var values = ServiceValues(key, existing, manifest, imagePath, options);
        var copied = Store(source, identity, policy);
        var write = hive.Write(author, $"driver install {manifest.Name} {manifest.Version}", editor =>
        {
            foreach (var (name, value) in values)
            {
                editor.SetValue(key, name, value);
            }
        });
        return new(manifest, integrity.Digest!, identity, Path.Combine(Root, identity), copied, write, integrity);
    }

    private const string ImagePathValue = "ImagePath";

    /// <summary>
    /// Refuses a package that holds the same files as a quarantined one, signed again: the
    /// quarantine holds the code that crashed, which another signature does not change. The held
    /// package is found in the store by its identity, which its <c>ImagePath</c> entry names (an
    /// older install's <c>ImagePath</c> is its files' digest, compared as it is).
    /// </summary>
    private void RefuseQuarantinedFiles(Hive hive, DriverManifest manifest, KeyPath key, string digest)
    {
        var held = Quarantine.Held(hive, manifest.Name)
            .Where(e => e.Name.Equals(ImagePathValue, StringComparison.OrdinalIgnoreCase) && e.Key.Equals(key.ToString(), StringComparison.OrdinalIgnoreCase)).ToList();
        if (held.Count == 0)
        {
            return;
        }

        var culprit = held.FirstOrDefault(e => e.Identity == QuarantineEntry.IdentityOf(RegistryValue.String(digest))) ?? HeldWithTheseFiles(held, digest);
        if (culprit is not null)
        {
            throw new LkgException(NtStatus.AccessDenied,
                $"{manifest.Name} {manifest.Version} holds the same files as the package quarantined in entry {culprit.Id}"
                + (culprit.Crash is { } crash ? $" (crash {crash})" : "") + $", signed again: {culprit.Reason}; " + Quarantine.Remedy(culprit, "install"));
        }
    }

    private QuarantineEntry? HeldWithTheseFiles(List<QuarantineEntry> held, string digest)
    {
        try
        {
            foreach (var directory in Directory.Exists(Root) ? Directory.EnumerateDirectories(Root) : [])
            {
                var identity = QuarantineEntry.IdentityOf(RegistryValue.String(Path.GetFileName(directory)));
                if (held.FirstOrDefault(e => e.Identity == identity) is { } culprit
                    && PackageSignature.TryRead(directory, out var signature, out _) && string.Equals(signature.Digest, digest, StringComparison.OrdinalIgnoreCase))
                {
                    return culprit;
                }
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LkgException(NtStatus.AccessDenied, $"The driver store {Root} cannot be read to check the package against the quarantine ({e.Message.TrimEnd('.')}); make it readable, or give --force.");
        }
    }

    private static List<(string Name, RegistryValue Value)> ServiceValues(KeyPath key, KeyNode? existing, DriverManifest manifest, RegistryValue imagePath, DriverInstallOptions options)
    {
        uint Current(string name, uint fallback) =>
            existing is not null && existing.TryGetValue(name, out var value) && value.Kind == RegistryValueKind.Dword ? value.AsDword() : fallback;

        var existingType = Current("Type", (uint)ServiceType.KernelDriver);
        if (existingType is not ((uint)ServiceType.KernelDriver or (uint)ServiceType.UserModeDriver))
        {
            throw new LkgException(NtStatus.ObjectNameCollision,
                $@"Services\{manifest.Name} is a service (Type 0x{existingType:x}), not a driver; delete it first or rename the driver in its driver.json and sign it again.");
        }

        if (existing is not null && existing.TryGetValue("MinimumVersion", out var floor) && floor.Kind == RegistryValueKind.Sz
            && Version.TryParse(floor.AsString(), out var minimum) && manifest.Version < minimum)
        {
            throw new LkgException(NtStatus.AccessDenied,
                $"{manifest.Name} {manifest.Version} is below its MinimumVersion {minimum}, the security floor; install {minimum} or later, or lower MinimumVersion first.");
        }

        var values = new List<(string, RegistryValue)>
        {
            ("Type", RegistryValue.Dword(options.Type is { } type ? (uint)type : existingType)),
            ("Start", RegistryValue.Dword(options.Start is { } start ? (uint)start : Current("Start", (uint)StartType.Demand))),
            ("ErrorControl", RegistryValue.Dword(options.ErrorControl is { } errorControl ? (uint)errorControl : Current("ErrorControl", (uint)ErrorControl.Normal))),
            (ImagePathValue, imagePath),
            ("Version", RegistryValue.String(manifest.Version.ToString())),
        };
        if (options.Group is { } group)
        {
            values.Add(("Group", RegistryValue.String(group)));
        }

        foreach (var (name, value) in values)
        {
            if (!ServiceSchema.TryValidateValue(key, name, value, out var error))
            {
                throw new LkgException(NtStatus.InvalidParameter, $@"{key}\{name}: {error}");
            }
        }

        return values;
    }
}
