using System.Formats.Tar;
using System.Security.Cryptography;
using LastKnownGood.Drivers;
using LastKnownGood.Machines;
using LastKnownGood.Recovery;
using LastKnownGood.Recovery.Remediation;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Recovery;

/// <summary>
/// Remediation packages (DESIGN §8) made with <see cref="RemediationPackage.Pack"/> and taken by the
/// recovery environment's <see cref="RemediationPackage.Take"/> on a real machine database: one that
/// verifies applies as a new, tentative Default; anything else is refused with its reason, recorded,
/// and changes no set.
/// </summary>
public sealed class RemediationPackageTests : IDisposable
{
    private static readonly KeyPath Sensor = KeyPath.Parse(@"Services\Sensor");
    private static readonly KeyPath Content = Sensor.Child("Content");

    private readonly TempDirectory _temp = new();
    private readonly MachineDirectory _machine;
    private readonly Hive _hive;
    private readonly SigningKey _vendor = SigningKey.Create("vendor");
    private readonly SigningKey _stranger = SigningKey.Create("stranger");
    private readonly string _fix;

    public RemediationPackageTests()
    {
        _machine = new MachineDirectory(_temp.Combine("machine"));
        _machine.Create(TimeProvider.System, hive => hive.Write("test", "install sensor", e =>
        {
            e.SetValue(Sensor, "Start", RegistryValue.Dword(1));
            e.SetValue(Content, "C-00000291.sys", RegistryValue.File(e.StoreFile(new MemoryStream("bad"u8.ToArray()), "C-00000291.sys")));
            e.SetValue(Content, "C-00000292.sys", RegistryValue.Binary([2]));
            e.SetValue(CodeIntegrityPolicy.KeysPath, "vendor", RegistryValue.Binary(_vendor.PublicKey.Span));
        }));
        _hive = _machine.OpenHive(TimeProvider.System);
        _fix = _temp.Combine("fix");
        Directory.CreateDirectory(_fix);
        File.WriteAllText(Path.Combine(_fix, "good-291.sys"), "good");
        WriteChange("""
            {
              "reason": "channel file 291 fixed",
              "set": { "Services": { "Sensor": { "Content": { "C-00000291.sys": { "$file": "good-291.sys" } } } } },
              "delete": [ { "key": "Services\\Sensor\\Content", "value": "C-00000292.sys" }, { "key": "Services\\Gone" } ]
            }
            """);
    }

    public void Dispose()
    {
        _hive.Dispose();
        _vendor.Dispose();
        _stranger.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void APackageSignedByATrustedKey_AppliesAsANewDefault_NamingItself_AndIsNeverTakenTwice()
    {
        var before = _hive.ReadSelect().Default;
        var archive = Pack(_vendor);
        var again = _temp.Combine("again.lkgfix");
        File.Copy(archive, again);

        var taken = Take(archive)!;

        Assert.Equal((RemediationOutcome.Applied, "channel file 291 fixed", 7), (taken.Outcome, taken.Reason, taken.Boot));
        var set = _hive.GetControlSet(taken.ControlSet!.Value);
        Assert.Equal((taken.ControlSet, before, RemediationPackage.Author, "remediation fix.lkgfix from /srv/fixes: channel file 291 fixed"),
            ((int?)_hive.ReadSelect().Default, set.Parent, set.Author, set.Reason));
        var content = _hive.OpenKey(set.Id, Content)!.Values;
        var file = Assert.Single(content).Value.AsFile();
        using (var stream = _hive.OpenFile(file))
        {
            Assert.Equal("good", new StreamReader(stream).ReadToEnd());
        }

        Assert.Equal(taken, Assert.Single(Remediations.List(_hive)));
        Assert.Null(Take(again));
        Assert.Equal(taken.ControlSet, _hive.ReadSelect().Default);
        Assert.False(File.Exists(archive));
        Assert.Empty(Directory.GetFileSystemEntries(_machine.Root, "staging-*"));
    }

    [Fact]
    public void APackageDefaultHoldsAlready_ChangesNothing_AndSaysSo()
    {
        WriteChange("""{ "reason": "Sensor starts at boot", "set": { "Services": { "Sensor": { "Start": 1 } } } }""");
        var before = _hive.ReadSelect();

        var taken = Take(Pack(_vendor))!;

        Assert.Equal((RemediationOutcome.Unchanged, (int?)null), (taken.Outcome, taken.ControlSet));
        Assert.Equal("Default holds every change of it already (Sensor starts at boot)", taken.Reason);
        Assert.Equal(before, _hive.ReadSelect());
    }

    [Theory]
    [InlineData("stranger", @"is signed by the key ""stranger"", which Control\CI\Keys does not trust")]
    [InlineData("test-signed", @"it is signed by the key ""stranger"", which Control\CI\Keys does not trust, and a remediation needs a trusted key even under TestSigning")]
    [InlineData("tampered", "fix.lkgfix was changed after it was signed")]
    [InlineData("unsigned", "The package fix.lkgfix is not signed (it has no signature.json)")]
    [InlineData("traversal", @"the archive is refused: it holds the path ""../evil"", which is not a plain relative path")]
    [InlineData("symlink", @"the archive is refused: it holds ""link"", a SymbolicLink entry; a package holds regular files only")]
    [InlineData("garbage", "the archive is refused: it is not a readable tar file")]
    [InlineData("empty", "the archive is refused: it is not a readable tar file (it holds no entries)")]
    [InlineData("malformed", "remediation.json:1: the JSON is malformed")]
    [InlineData("quarantined", "Sensor's good-291.sys (sha256:")]
    [InlineData("revoked", "is signed by a revoked key")]
    public void APackageThatDoesNotVerifyOrApply_IsRefusedWithItsReason_AndRecorded_AndChangesNoSet(string damage, string reason)
    {
        var archive = Damage(damage);
        var before = _hive.ReadSelect();
        var sets = _hive.ListControlSets().Count;

        var taken = Take(archive)!;

        Assert.Equal(RemediationOutcome.Refused, taken.Outcome);
        Assert.Contains(reason, taken.Reason);
        Assert.DoesNotContain(_machine.Root, taken.Reason);
        Assert.Equal((before, sets), (_hive.ReadSelect(), _hive.ListControlSets().Count));
        Assert.Equal(taken, Assert.Single(Remediations.List(_hive)));
        Assert.Empty(Directory.GetFileSystemEntries(_machine.Root, "staging-*"));
    }

    [Theory]
    [InlineData("""{ "set": { "Services": { "Sensor": { "Start": 4 } } } }""", "\"reason\" must be a string of 1 to 500 characters")]
    [InlineData("""{ "reason": "r" }""", "the remediation changes nothing")]
    [InlineData("""{ "reason": "r", "sets": {} }""", "\"sets\" is not a field of a remediation")]
    [InlineData("""{ "reason": "r", "delete": [ { "key": "Select" } ] }""", "is not below Services or Control")]
    [InlineData("""{ "reason": "r", "delete": [ "Services\\X" ] }""", "each deletion is")]
    [InlineData("""{ "reason": "r", "set": { "Services": { "X": { "C": { "$file": "../outside.sys" } } } } }""", "is outside the package")]
    [InlineData("""{ "reason": "r", "set": { "Select": { "Current": 1 } } }""", "is not a manifest section")]
    public void Pack_OfAMalformedRemediation_RefusesWithTheLineAndField_AndWritesNoArchive(string json, string reason)
    {
        WriteChange(json);
        File.WriteAllText(_temp.Combine("outside.sys"), "x");

        var error = Assert.Throws<LkgException>(() => Pack(_vendor));

        Assert.Contains(reason, error.Message);
        Assert.False(File.Exists(_temp.Combine("fixes", "fix.lkgfix")));
    }

    private string Pack(SigningKey key)
    {
        var folder = _temp.Combine("fixes");
        Directory.CreateDirectory(folder);
        var archive = Path.Combine(folder, "fix.lkgfix");
        RemediationPackage.Pack(_fix, key, archive);
        return archive;
    }

    private RemediationRecord? Take(string archive)
    {
        var copy = _machine.NewStagingPath();
        File.Copy(archive, copy);
        File.Delete(archive);
        return RemediationPackage.Take(_hive, _machine, new FetchedPackage("fix.lkgfix", copy, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(copy)))), "/srv/fixes", boot: 7);
    }

    private void WriteChange(string json) => File.WriteAllText(Path.Combine(_fix, RemediationChange.FileName), json);

    /// <summary>An archive damaged as <paramref name="damage"/> says, or a good one the machine must refuse for what it writes or who signed it.</summary>
    private string Damage(string damage)
    {
        switch (damage)
        {
            case "stranger":
                return Pack(_stranger);
            case "test-signed":
                _hive.Write("test", "test signing on", e => e.SetValue(CodeIntegrityPolicy.KeyPath, CodeIntegrityPolicy.TestSigningValue, RegistryValue.Dword(1)));
                return Pack(_stranger);
            case "malformed":
                var archive = Pack(_vendor);
                WriteChange("{ nope");
                PackageSigner.SignFiles(_fix, _vendor);
                return Rewrite(archive, _fix);
            case "quarantined":
                Quarantine.Add(_hive, new QuarantineEntry("Sensor", Content.ToString(), "good-291.sys", "sha256:" + Convert.ToHexStringLower(SHA256.HashData("good"u8)), "it crashed the fleet"), DateTimeOffset.UnixEpoch);
                return Pack(_vendor);
            case "revoked":
                var signed = Pack(_vendor);
                GuardedWrite.Write(_hive, "test", "the vendor's key leaked", e => e.DeleteValue(CodeIntegrityPolicy.KeysPath, "vendor"));
                _hive.Write("test", "a fallback's set trusts it again", e => e.SetValue(CodeIntegrityPolicy.KeysPath, "vendor", RegistryValue.Binary(_vendor.PublicKey.Span)));
                return signed;
            case "garbage":
                var junk = _temp.Combine("junk.lkgfix");
                File.WriteAllBytes(junk, RandomNumberGenerator.GetBytes(4096));
                return junk;
            case "empty":
                var empty = _temp.Combine("empty.lkgfix");
                File.WriteAllBytes(empty, new byte[1024]);
                return empty;
        }

        var good = Pack(_vendor);
        var files = _temp.Combine("files");
        Directory.CreateDirectory(files);
        TarFile.ExtractToDirectory(good, files, overwriteFiles: true);
        switch (damage)
        {
            case "tampered":
                File.WriteAllText(Path.Combine(files, "good-291.sys"), "evil");
                return Rewrite(good, files);
            case "unsigned":
                File.Delete(Path.Combine(files, PackageSignature.FileName));
                return Rewrite(good, files);
        }

        using (var stream = File.Create(good))
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax))
        {
            foreach (var file in Directory.GetFiles(files))
            {
                writer.WriteEntry(file, Path.GetFileName(file));
            }

            writer.WriteEntry(damage == "traversal"
                ? new PaxTarEntry(TarEntryType.RegularFile, "../evil") { DataStream = new MemoryStream("x"u8.ToArray()) }
                : new PaxTarEntry(TarEntryType.SymbolicLink, "link") { LinkName = "/etc/passwd" });
        }

        return good;
    }

    /// <summary>Writes <paramref name="archive"/> again from the files of <paramref name="directory"/>, as they are.</summary>
    private static string Rewrite(string archive, string directory)
    {
        File.Delete(archive);
        TarFile.CreateFromDirectory(directory, archive, includeBaseDirectory: false);
        return archive;
    }
}
