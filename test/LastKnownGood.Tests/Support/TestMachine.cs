using LastKnownGood.Boot;
using LastKnownGood.Diagnostics;
using LastKnownGood.Machines;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Machines;

namespace LastKnownGood.Tests.Support;

/// <summary>
/// A real machine in a temporary directory, driven through the real lkg command line: a trusted
/// signing key, drivers built from their projects, copied, signed and installed as users do.
/// </summary>
public sealed class TestMachine : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _name;

    private TestMachine(string name) => _name = name;

    public string Root => _temp.Combine(_name);

    public MachineDirectory Directory => new(Root);

    /// <summary>The variables that point lkg at this machine and at its key directory.</summary>
    public Dictionary<string, string> Environment => new() { ["LKG_MACHINE"] = Root, ["LKG_KEYS"] = _temp.Combine("keys") };

    public static Task<TestMachine> CreateAsync(params string[] init) => CreateNamedAsync("machine", init);

    /// <summary>A machine whose directory, under the temporary directory, is <paramref name="name"/> (which may hold slashes).</summary>
    public static async Task<TestMachine> CreateNamedAsync(string name, params string[] init)
    {
        var machine = new TestMachine(name);
        await machine.LkgAsync(["init", .. init]);
        await machine.LkgAsync("keys", "create", "test", "--trust");
        return machine;
    }

    /// <summary>
    /// A machine at <paramref name="name"/>, after <paramref name="prepare"/> has run on the empty
    /// temporary directory (to mount a file system there, say).
    /// </summary>
    public static async Task<TestMachine> CreatePreparedAsync(string name, Action<string> prepare, params string[] init)
    {
        var machine = new TestMachine(name);
        prepare(machine._temp.Path);
        await machine.LkgAsync(["init", .. init]);
        await machine.LkgAsync("keys", "create", "test", "--trust");
        return machine;
    }

    /// <summary>Builds the package of a driver project (its build output), signs it with the trusted key and installs it.</summary>
    public Task InstallDriverAsync(string project, params string[] options) => InstallDriverSignedByAsync(project, "test", options);

    /// <summary>Installs <paramref name="project"/>'s build output as a package signed by the key <paramref name="key"/>.</summary>
    public async Task InstallDriverSignedByAsync(string project, string key, params string[] options)
    {
        var package = _temp.Combine("packages", Path.GetFileName(project));
        var output = Path.Combine(MachineManifestTests.RepositoryRoot(), project, "bin", BuildConfiguration, "net10.0");
        System.IO.Directory.CreateDirectory(package);
        foreach (var file in System.IO.Directory.GetFiles(output).Where(f => f.EndsWith(".dll", StringComparison.Ordinal) || f.EndsWith("driver.json", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(package, Path.GetFileName(file)), overwrite: true);
        }

        await LkgAsync("sign", package, "--key", key);
        await LkgAsync(["driver", "install", package, .. options]);
    }

    public async Task<Lkg.Result> LkgAsync(params string[] args)
    {
        var result = await Lkg.RunAsync(args, Environment);
        Assert.True(result.ExitCode == 0, $"lkg {string.Join(' ', args)} failed ({result.ExitCode}): {result.Error}");
        return result;
    }

    public ChildProcess StartKernel(params string[] args) => ChildProcess.Start("lkg-host", ["kernel", .. args], Environment);

    public ChildProcess StartBoot(params string[] args) => StartBoot(new Dictionary<string, string>(), args);

    /// <summary>Starts lkg boot with the machine's environment and <paramref name="extra"/> variables.</summary>
    public ChildProcess StartBoot(IReadOnlyDictionary<string, string> extra, params string[] args) =>
        ChildProcess.Start("lkg", ["boot", .. args], With(extra));

    /// <summary>Runs lkg with the machine's environment, whatever its exit code.</summary>
    public Task<Lkg.Result> TryLkgAsync(params string[] args) => Lkg.RunAsync(args, Environment);

    /// <summary>Runs lkg with the machine's environment and <paramref name="extra"/> variables, whatever its exit code.</summary>
    public Task<Lkg.Result> TryLkgAsync(IReadOnlyDictionary<string, string> extra, params string[] args) => Lkg.RunAsync(args, With(extra));

    private Dictionary<string, string> With(IReadOnlyDictionary<string, string> extra)
    {
        var environment = Environment;
        foreach (var (name, value) in extra)
        {
            environment[name] = value;
        }

        return environment;
    }

    public IReadOnlyList<BootRecord> History()
    {
        using var hive = Directory.OpenHive(TimeProvider.System);
        return BootLog.List(hive);
    }

    public Select Select()
    {
        using var hive = Directory.OpenHive(TimeProvider.System);
        return hive.ReadSelect();
    }

    /// <summary>Every running process whose command line names this machine: kernels, and anything a boot left behind.</summary>
    public IReadOnlyList<int> Processes() => ProcessTable.Where(pid => ProcessTable.Read(pid, "cmdline").Contains(Root, StringComparison.Ordinal));

    /// <summary>Waits, boundedly, until no process of this machine runs; returns those still running.</summary>
    public Task<IReadOnlyList<int>> WaitForNoProcessesAsync(TimeSpan timeout) => ProcessTable.WaitForNoneAsync(Processes, timeout);

    /// <summary>
    /// The boot-manager SIGKILL soak: <paramref name="times"/> boot managers (<c>LKG_KILL_TRIALS</c>
    /// when set, as scripts/boot-kill-soak.sh sets it), each killed after a random delay of up to
    /// 2.5 s (seeded by <c>LKG_KILL_SEED</c> when set), and no process of the machine left after each.
    /// </summary>
    public async Task KillBootManagersAtRandomAsync(int times)
    {
        var random = new Random(System.Environment.GetEnvironmentVariable("LKG_KILL_SEED") is { } seed ? int.Parse(seed, System.Globalization.CultureInfo.InvariantCulture) : 20240719);
        times = System.Environment.GetEnvironmentVariable("LKG_KILL_TRIALS") is { } count ? int.Parse(count, System.Globalization.CultureInfo.InvariantCulture) : times;
        for (var kill = 0; kill < times; kill++)
        {
            using var boot = StartBoot();
            await Task.Delay(random.Next(0, 2500));
            await boot.KillAsync();
            Assert.Empty(await WaitForNoProcessesAsync(TimeSpan.FromSeconds(10)));
        }
    }

    /// <summary>What the soak leaves: one record per boot, numbered without a gap, every one ended, on a set that exists, as <c>Select</c>'s sets do.</summary>
    public IReadOnlyList<BootRecord> AssertConsistentHistory()
    {
        var history = History();
        Assert.Equal(Enumerable.Range(1, history.Count), history.Select(b => b.Number));
        Assert.All(history, b => Assert.NotNull(b.Ended));
        using var hive = Directory.OpenHive(TimeProvider.System, HiveAccess.ReadOnly);
        Assert.All(hive.ReadSelect().Named, id => Assert.NotNull(hive.FindControlSet(id)));
        Assert.All(history, b => Assert.NotNull(hive.FindControlSet(b.ControlSet)));
        return history;
    }

    public IReadOnlyList<CrashRecord> Crashes()
    {
        using var hive = Directory.OpenHive(TimeProvider.System);
        return CrashLog.List(hive);
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>Debug or Release, as the tests themselves were built.</summary>
    internal static string BuildConfiguration =>
        Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)))!;
}
