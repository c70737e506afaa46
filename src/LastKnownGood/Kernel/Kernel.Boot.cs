using LastKnownGood.Boot;
using LastKnownGood.Drivers;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;
using LastKnownGood.Services;

namespace LastKnownGood.Kernel;

public sealed partial class Kernel
{
    private static readonly KeyPath ServicesKey = KeyPath.Parse("Services");

    private CodeIntegrityPolicy? _codeIntegrity;
    private int _lastDriverId;

    /// <summary>
    /// The name of every driver id handed out this boot (id N at N - 1), loaded or not, for naming
    /// pool owners in a crash record. Replaced, never changed, by the boot's thread, so a bug check
    /// on any thread reads it without a lock.
    /// </summary>
    private volatile string[] _driverNames = [];

    /// <summary>Opens the hive, plans the load order, and starts every component in it, each by the host for its type.</summary>
    private int Boot()
    {
        try
        {
            _hive = _machine.OpenHive(_time);
            var select = _hive.ReadSelect();
            _controlSet = _options.ControlSet ?? select.Default;
            _hive.GetControlSet(_controlSet);
            if (_options.Boot is not null)
            {
                // Only a boot of the history has an event log; a kernel run by hand reads nothing for it.
                Events.StartKeeping(_machine.HivePath, EventStore.ReadCapacity(_hive, _controlSet), RecoveryOptions.Read(_hive, _controlSet).PreflightEvents);
            }
        }
        catch (LkgException e)
        {
            throw BugCheck(BugCheckCode.BadSystemConfigInfo, 0, 0, 0, 0, null, e, $"The hive cannot be used: {e.Message}");
        }

        StartWatchdog();
        Content = ContentStore.For(_machine, _hive, _controlSet);
        var entries = ReadServices();
        var plan = LoadOrder.From(path => _hive!.OpenKey(_controlSet, path)).Plan(entries);
        Events.Write("kernel", $"booting ControlSet{_controlSet:000}: {plan.Order.Count} components to start");
        _codeIntegrity = CodeIntegrityPolicy.Read(_hive!, _controlSet);
        ReadVerifierSettings();
        if (_codeIntegrity.TestSigning)
        {
            Events.Write("kernel", "Test Mode: TestSigning is on; development-signed drivers load.");
        }

        foreach (var (entry, reason) in plan.CannotStart)
        {
            if (StartFailed(entry, reason) is var outcome and not KernelExitCodes.Shutdown)
            {
                return outcome;
            }
        }

        foreach (var entry in plan.Order)
        {
            var status = StartComponent(entry, out var reason);
            if (!status.IsSuccess && StartFailed(entry, $"{reason} ({status})") is var outcome and not KernelExitCodes.Shutdown)
            {
                return outcome;
            }
        }

        SealProtectedStructures();
        OpenKernelSocket();
        OpenControlSocket();
        return KernelExitCodes.Shutdown;
    }

    /// <summary>Where drivers' content files come from: the control set, or the Classic content directory.</summary>
    internal ContentStore? Content { get; private set; }

    /// <summary>The components of the booted set; in safe mode, only those <c>Control\SafeBoot</c> names.</summary>
    private List<ServiceEntry> ReadServices()
    {
        var safeBootKey = SafeBoot.KeyFor(_options.Mode);
        var safeBoot = safeBootKey is null ? null : _hive!.OpenKey(_controlSet, safeBootKey);
        var entries = new List<ServiceEntry>();
        foreach (var subkey in _hive!.OpenKey(_controlSet, ServicesKey)?.Subkeys ?? [])
        {
            var key = _hive.OpenKey(_controlSet, ServicesKey.Child(subkey.Name))!;
            if (ServiceEntry.TryRead(subkey.Name, key, out var entry))
            {
                if (safeBootKey is null || SafeBoot.Allows(safeBoot, entry))
                {
                    entries.Add(entry);
                }
                else
                {
                    Events.Write("kernel", $"safe mode: {safeBootKey} does not name {entry.Name} or its group; it is not loaded.");
                }
            }
            else
            {
                Events.Write("kernel", $@"Services\{subkey.Name} has no valid Type, Start and ImagePath; it is not started.");
            }
        }

        return entries;
    }

    /// <summary>Loads, verifies and starts one kernel-mode driver.</summary>
    internal NtStatus StartDriver(ServiceEntry entry, out LoadedDriver? started, out string reason)
    {
        started = null;
        var verified = VerifyPackage(entry, out var manifest, out var package, out reason);
        if (!verified.IsSuccess)
        {
            return verified;
        }

        if (DriverLoadContext.TryCreate(entry.Name, package, manifest.Assembly, manifest.Type, out var reasonNotLoaded) is not { } instance)
        {
            reason = reasonNotLoaded;
            return NtStatus.InvalidImageHash;
        }

        // Never reused: a driver whose DriverEntry failed may still own blocks, and may be under special pool.
        var loaded = new LoadedDriver(++_lastDriverId, entry, instance, manifest.Version.ToString()) { Verifier = VerifierFlagsOf(entry.Name) };
        _driverNames = [.. _driverNames, loaded.Name];
        ApplyVerifier(loaded);
        var result = Call(loaded, CallSite.DriverEntry, () => instance.DriverEntry(new DriverContext(this, loaded)));
        if (!result.IsSuccess)
        {
            reason = "DriverEntry failed";
            return result;
        }

        _drivers.Add(loaded);
        started = loaded;
        Events.Write("kernel", $"started {entry.Name} {manifest.Version}");
        reason = "";
        return NtStatus.Success;
    }

    /// <summary>
    /// Checks a driver's package before anything of it runs, in kernel mode or in a user-mode host
    /// (<c>DriverStore.Verify</c>: digest, signature, a trusted key or TestSigning); on success
    /// <paramref name="manifest"/> and <paramref name="package"/> (its directory) are set.
    /// </summary>
    internal NtStatus VerifyPackage(ServiceEntry entry, out DriverManifest manifest, out string package, out string reason)
    {
        var integrity = new DriverStore(_machine).Verify(entry.ImagePath, _codeIntegrity!);
        package = Path.Combine(_machine.DriversPath, entry.ImagePath);
        manifest = integrity.Manifest!;
        reason = "";
        if (!integrity.Succeeded || integrity.Manifest is null)
        {
            reason = integrity.Reason ?? "the package cannot be verified";
            return integrity.Succeeded ? NtStatus.InvalidImageHash : integrity.Status;
        }

        // A package is its driver.json's driver only: another driver's package named in this entry's ImagePath would run as this one, under its floor.
        if (!string.Equals(manifest.Name, entry.Name, StringComparison.OrdinalIgnoreCase))
        {
            reason = $@"Services\{entry.Name}'s ImagePath names the package of {manifest.Name}, not of {entry.Name}; install {entry.Name} with lkg driver install";
            return NtStatus.InvalidImageHash;
        }

        // DESIGN §10: no set, however good it once was, starts a component below the floor a later write set.
        if (WithHive((hive, _) => Floors.Of(hive, entry.Name)) is { } floor && manifest.Version < floor.Version)
        {
            reason = $"{entry.Name} {manifest.Version} is below its security floor {floor.Version} ({floor.Why}); no rollback starts it, so install {entry.Name} {floor.Version} or later";
            return NtStatus.AccessDenied;
        }

        return NtStatus.Success;
    }

    /// <summary>Applies the ErrorControl table; returns <see cref="KernelExitCodes.Shutdown"/> to go on booting.</summary>
    private int StartFailed(ServiceEntry entry, string reason)
    {
        var outcome = StartFailurePolicy.Decide(entry.ErrorControl, entry.Start, _options.Mode == BootMode.LastKnownGood);
        ReportComponent(entry, ComponentState.Failed);
        if (outcome != StartFailureOutcome.Continue)
        {
            Events.Write("kernel", $"{entry.Name} failed to start: {reason}", EventLevel.Error);
        }

        return outcome switch
        {
            StartFailureOutcome.RebootWithLastKnownGood => KernelExitCodes.RebootWithLastKnownGood,
            StartFailureOutcome.FailedBoot => KernelExitCodes.FailedBoot,
            StartFailureOutcome.BugCheckInaccessibleBootDevice =>
                throw BugCheck(BugCheckCode.InaccessibleBootDevice, 0, 0, 0, 0, entry.Name, null, $"{entry.Name} failed to start in a Last Known Good boot: {reason}"),
            _ => KernelExitCodes.Shutdown,
        };
    }
}
