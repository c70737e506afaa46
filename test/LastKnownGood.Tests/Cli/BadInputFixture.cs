using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using LastKnownGood.Boot;
using LastKnownGood.Cli;
using LastKnownGood.Drivers;
using LastKnownGood.Internal;
using LastKnownGood.Machines;
using LastKnownGood.Tests.Machines;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Cli;

/// <summary>
/// What the rows of docs/bad-input.md run against, built once: a machine from the workstation
/// manifest and its key directory, broken files and keys, driver packages, machine databases lkg
/// cannot use, and machines whose lock this process holds. Each is named by a placeholder.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class BadInputFixture : IAsyncLifetime
{
    private static readonly string Sample = Path.Combine(MachineManifestTests.RepositoryRoot(), "samples", "machines", "workstation.json");

    private readonly TempDirectory _temp = new();
    private readonly Dictionary<string, string> _placeholders = [];
    private readonly List<string> _machines = [];
    private readonly List<MachineLock> _locks = [];

    public string Machine => _temp.Combine("machine");

    public string Keys => _temp.Combine("keys");

    /// <summary>Where nothing is, and where a refused command must create nothing.</summary>
    public string New => _temp.Combine("new");

    public IReadOnlyDictionary<string, string> Placeholders => _placeholders;

    /// <summary>The environment every row runs in.</summary>
    public Dictionary<string, string> Environment() => new() { [MachineDirectory.EnvironmentVariable] = Machine, [SigningKey.EnvironmentVariable] = Keys };

    public async Task InitializeAsync()
    {
        foreach (var args in new string[][]
        {
            ["init", "--from", Sample], ["keys", "create", "release", "--trust"], ["keys", "create", "clash", "--trust"], ["keys", "create", "dev"],
            [.. @"reg set SYSTEM\CurrentControlSet\Control\Recovery MaxContentSize 1024 --type dword".Split(' ')],
        })
        {
            var result = await Lkg.RunAsync(args, Environment());
            Assert.True(result.ExitCode == ExitCodes.Success, $"lkg {string.Join(' ', args)}: {result.Error}");
        }

        Add("machine", Machine);
        Add("keys", Keys);
        Add("new", New);
        _machines.AddRange([Machine, Keys]);
        BreakKeys();
        AddInputs();
        AddPackages();
        AddMachineDatabases();
        AddLockedMachines();
    }

    /// <summary>
    /// Every file of the fixture's machines and key directory with the SHA-256 of its bytes, or
    /// what it is when it is no regular file. SQLite's shared-memory index changes on any open,
    /// and lkg boot takes machine.lock before it reads the hive, so neither counts.
    /// </summary>
    public SortedDictionary<string, string> Snapshot() => new(_machines
        .SelectMany(root => Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
        .Where(f => !f.EndsWith("-shm", StringComparison.Ordinal) && Path.GetFileName(f) != "machine.lock")
        .ToDictionary(f => f, f => FileStatus.Of(f) is { IsRegularFile: true } ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))) : FileStatus.Of(f)?.Kind ?? "gone"),
        StringComparer.Ordinal);

    /// <summary>A fresh directory for what one row writes itself.</summary>
    public string RowDirectory() => Directory.CreateDirectory(_temp.Combine("rows", Guid.NewGuid().ToString("n"))).FullName;

    /// <summary>A driver package, <c>Sensor</c> 7.11.0 unless told, signed with <paramref name="key"/> when one is named.</summary>
    public string Package(string directory, string? key = null, string name = "Sensor", string version = "7.11.0")
    {
        DriverPackages.Create(directory, name, version);
        if (key is not null)
        {
            using var signingKey = SigningKey.Load(Keys, key);
            PackageSigner.Sign(directory, signingKey);
        }

        return directory;
    }

    public Task DisposeAsync()
    {
        _locks.ForEach(l => l.Dispose());
        _temp.Dispose();
        return Task.CompletedTask;
    }

    private void Add(string name, string value) => _placeholders.Add(name, value);

    /// <summary>clash.pub no longer matches the clash key the machine trusts; the others are no keys at all.</summary>
    private void BreakKeys()
    {
        File.Copy(Path.Combine(Keys, "dev.pub"), Path.Combine(Keys, "clash.pub"), overwrite: true);
        File.Copy(Path.Combine(Keys, "dev.key"), Path.Combine(Keys, "loose.key"));
        File.SetUnixFileMode(Path.Combine(Keys, "loose.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.WriteAllText(Path.Combine(Keys, "garbage.key"), "garbage\n");
        File.SetUnixFileMode(Path.Combine(Keys, "garbage.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(Path.Combine(Keys, "garbage.pub"), "garbage\n");
        File.SetUnixFileMode(Fifo.Create(Path.Combine(Keys, "fifo.key")), UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private void AddInputs()
    {
        var inputs = Directory.CreateDirectory(_temp.Combine("inputs")).FullName;
        Add("missing", Path.Combine(inputs, "missing.json"));
        Add("dir", Directory.CreateDirectory(Path.Combine(inputs, "empty")).FullName);
        Add("fifo", Fifo.Create(Path.Combine(inputs, "fifo")));
        Add("long", new string('x', 100_000));
        Add("ctrl", "\u0001");
        Add("deep", @"SYSTEM\CurrentControlSet" + string.Concat(Enumerable.Repeat(@"\k", 600)));
        Add("huge", Path.Combine(inputs, "huge.json"));
        using (var huge = File.Create(_placeholders["huge"]))
        {
            huge.SetLength(17 * 1024 * 1024);
        }

        Add("big", Path.Combine(inputs, "C-big.sys"));
        File.WriteAllBytes(_placeholders["big"], new byte[2000]);
        Add("latin1", Path.Combine(inputs, "latin1.json"));
        File.WriteAllBytes(_placeholders["latin1"], [.. "{\"Control\": {\"X\": {\"V\": \"caf"u8, 0xE9, .. "\"}}}"u8]);
        Add("utf16", Path.Combine(inputs, "utf16.json"));
        File.WriteAllText(_placeholders["utf16"], "{}", Encoding.Unicode);
    }

    private void AddPackages()
    {
        var root = _temp.Combine("packages");
        string Named(string name) => Path.Combine(root, name);
        Add("package", Package(Named("package"), "release"));
        Add("unsigned", Package(Named("unsigned")));
        Add("untrusted", Package(Named("untrusted"), "dev"));
        Add("tampered", Package(Named("tampered"), "release"));
        File.AppendAllText(Path.Combine(Named("tampered"), "Sensor.dll"), "tampered");
        Add("forged", Package(Named("forged"), "release"));
        EditSignature("forged", s => s["envelope"] = JsonNode.Parse(File.ReadAllText(Path.Combine(Named("untrusted"), PackageSignature.FileName)))!["envelope"]!.GetValue<string>());
        Add("rsa-signed", Package(Named("rsa-signed"), "release"));
        EditSignature("rsa-signed", s =>
        {
            // A file of before the envelope, with another algorithm.
            s.AsObject().Remove("envelope");
            s["algorithm"] = "RSA-SHA1";
            s["signature"] = "AAAA";
        });
        Add("garbled", Package(Named("garbled"), "release"));
        File.WriteAllText(Path.Combine(Named("garbled"), PackageSignature.FileName), "garbage");
        Add("hollow", Package(Named("hollow"), "release"));
        File.WriteAllText(Path.Combine(Named("hollow"), PackageSignature.FileName), "{}");
        Add("fifo-signature", Package(Named("fifo-signature")));
        Fifo.Create(Path.Combine(Named("fifo-signature"), PackageSignature.FileName));
        Add("old-sensor", Package(Named("old-sensor"), "release", version: "7.10.0"));
        Add("webfrontend", Package(Named("webfrontend"), "release", name: "WebFrontend"));
        Add("symlinked", Package(Named("symlinked")));
        File.CreateSymbolicLink(Path.Combine(Named("symlinked"), "link"), "driver.json");
        Add("fifo-inside", Package(Named("fifo-inside")));
        Fifo.Create(Path.Combine(Named("fifo-inside"), "data"));
        Add("odd-name", Package(Named("odd-name")));
        File.WriteAllText(Path.Combine(Named("odd-name"), "bad\u0001name"), "");
        Add("fifo-manifest", Package(Named("fifo-manifest")));
        File.Delete(Path.Combine(Named("fifo-manifest"), DriverManifest.FileName));
        Fifo.Create(Path.Combine(Named("fifo-manifest"), DriverManifest.FileName));
        Add("fat-manifest", Package(Named("fat-manifest")));
        File.WriteAllText(Path.Combine(Named("fat-manifest"), DriverManifest.FileName), new string(' ', 100_000));

        void EditSignature(string package, Action<JsonNode> edit)
        {
            var path = Path.Combine(Named(package), PackageSignature.FileName);
            var signature = JsonNode.Parse(File.ReadAllText(path))!;
            edit(signature);
            File.WriteAllText(path, signature.ToJsonString());
        }
    }

    /// <summary>Machines whose system.db is something this lkg cannot use.</summary>
    private void AddMachineDatabases()
    {
        MachineDirectory Database(string name)
        {
            var machine = MachineDatabaseFiles.CreateMachine(_temp.Combine("databases", name));
            Add(name, machine.Root);
            _machines.Add(machine.Root);
            return machine;
        }

        MachineDatabaseFiles.WriteForeignSqlite(Database("foreign").HivePath);
        MachineDatabaseFiles.SetSchema(Database("newer").HivePath, 99);
        MachineDatabaseFiles.DowngradeToSchema2(Database("older").HivePath);
        MachineDatabaseFiles.SetSchema(Database("ancient").HivePath, 1);
        var random = Database("random");
        MachineDatabaseFiles.WriteRandomBytes(random.HivePath);
        File.Delete(random.BackupPath);
        var fifo = Database("fifo-hive");
        File.Delete(fifo.HivePath);
        Fifo.Create(fifo.HivePath);
        var directory = Database("dir-hive");
        File.Delete(directory.HivePath);
        Directory.CreateDirectory(directory.HivePath);
    }

    /// <summary>Machines this process holds, as a boot manager does, each with a running boot: marked bad, and in safe mode.</summary>
    private void AddLockedMachines()
    {
        foreach (var (name, mode, request) in new[] { ("locked", BootMode.Normal, (BootRequest?)BootRequest.Bad), ("safe", BootMode.SafeMinimal, null) })
        {
            var machine = MachineDatabaseFiles.CreateMachine(_temp.Combine("locked", name));
            _locks.Add(MachineLock.Acquire(machine.LockPath, "BadInputDocTests", TimeProvider.System));
            using var hive = machine.OpenHive(TimeProvider.System);
            BootLog.Begin(hive, new BootPlan(mode, "a running boot for docs/bad-input.md"), MachineDatabaseFiles.Now);
            if (request is { } bad)
            {
                BootLog.Request(hive, bad);
            }

            Add(name, machine.Root);
            _machines.Add(machine.Root);
        }
    }
}
