using LastKnownGood.Drivers;
using LastKnownGood.Machines;

namespace LastKnownGood.Cli.Demo;

/// <summary>
/// A demo's machines, in a temporary directory deleted on dispose. The directory holds a signing
/// key of its own (the user's key directory is never touched), the drivers' packages signed with
/// it, and a template machine that trusts the key and has the drivers installed, built through the
/// lkg command line as <c>scripts/walkthrough.sh</c> builds one. Each run gets a fresh copy of the
/// template: a machine directory holds no path of its own, so a copy is a machine.
/// </summary>
internal sealed class ThrowawayMachines : IDisposable
{
    private const string KeyName = "demo";

    private readonly string _root;
    private int _copies;

    private ThrowawayMachines(string root) => _root = root;

    private string Template => Path.Combine(_root, "template");

    /// <summary>Only the demo's own key directory: <c>sign</c> and <c>keys</c> never see the user's.</summary>
    private IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { [SigningKey.EnvironmentVariable] = Path.Combine(_root, "keys") };

    /// <summary>
    /// Creates the template: <c>lkg init</c>, a trusted key, each driver copied, signed and
    /// installed with its options, then each <c>lkg reg set</c> of <paramref name="settings"/>.
    /// </summary>
    public static async Task<ThrowawayMachines> CreateAsync(
        IReadOnlyList<(string Driver, string[] InstallOptions)> drivers, IReadOnlyList<string[]> settings, CancellationToken cancel)
    {
        var machines = new ThrowawayMachines(Directory.CreateTempSubdirectory("lkg-demo-").FullName);
        try
        {
            await machines.LkgAsync(machines.Template, cancel, "init");
            await machines.LkgAsync(machines.Template, cancel, "keys", "create", KeyName, "--trust");
            foreach (var (driver, options) in drivers)
            {
                var package = Path.Combine(machines._root, "packages", driver);
                Directory.CreateDirectory(package);
                foreach (var file in Directory.GetFiles(DemoDriverPackage.Find(driver)))
                {
                    File.Copy(file, Path.Combine(package, Path.GetFileName(file)));
                }

                await machines.LkgAsync(machines.Template, cancel, "sign", package, "--key", KeyName);
                await machines.LkgAsync(machines.Template, cancel, ["driver", "install", package, .. options]);
            }

            foreach (var setting in settings)
            {
                await machines.LkgAsync(machines.Template, cancel, ["reg", "set", .. setting]);
            }

            return machines;
        }
        catch
        {
            machines.Dispose();
            throw;
        }
    }

    /// <summary>A fresh machine, a copy of the template that nothing has booted.</summary>
    public MachineDirectory NewMachine(string name)
    {
        var root = Path.Combine(_root, $"{++_copies:00}-{name}");
        Copy(Template, root);
        return new MachineDirectory(root);
    }

    /// <summary>Runs <c>lkg --machine M <paramref name="args"/></c> on one of these machines.</summary>
    public Task LkgAsync(MachineDirectory machine, CancellationToken cancel, params string[] args) => LkgAsync(machine.Root, cancel, args);

    /// <summary>Runs <c>lkg --machine M <paramref name="args"/></c>, which may fail: its exit code and its sentence on standard error.</summary>
    public Task<(int ExitCode, string Error)> TryLkgAsync(MachineDirectory machine, CancellationToken cancel, params string[] args) =>
        LkgChild.TryRunAsync(["--machine", machine.Root, .. args], Environment, cancel);

    private Task LkgAsync(string machine, CancellationToken cancel, params string[] args) =>
        LkgChild.RunAsync(["--machine", machine, .. args], Environment, cancel);

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.GetDirectories(from))
        {
            Copy(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
