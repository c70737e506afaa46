using System.Runtime.InteropServices;
using LastKnownGood.Tests.Machines;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Cli;

/// <summary>
/// lkg published with NativeAOT, once for the JSON document tests, into a directory of its own
/// (its own intermediate and output paths, so it never meets the build the tests came from); and a
/// sample machine with a record of every kind, made by the JIT lkg and kept as a snapshot that
/// <see cref="Restore"/> puts back at the same path, so a write gives the same document twice.
/// </summary>
public sealed class JsonDocumentFixture : IAsyncLifetime
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(30);

    private readonly TempDirectory _publish = new();
    private TestMachine? _machine;

    /// <summary>The NativeAOT lkg executable.</summary>
    public string AotLkg => _publish.Combine("lkg", "lkg");

    public TestMachine Machine => _machine ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>The directory that holds the machine, its key directory and its driver packages.</summary>
    public string Root => Path.GetDirectoryName(Machine.Root)!;

    /// <summary>The machine's Last Known Good control set, which is also Default and Current.</summary>
    public int LastKnownGood { get; private set; }

    private string Snapshot => Path.Combine(Root, "snapshot");

    public async Task InitializeAsync()
    {
        // The compiler and the sample machine's boots run at once: the fixture waits for the longer of the two.
        var machine = CreateSampleMachineAsync();
        await Task.WhenAll(PublishAotAsync(), machine);
        _machine = await machine;
        LastKnownGood = _machine.Select().LastKnownGood;
        foreach (var directory in (string[])["machine", "keys"])
        {
            CopyDirectory(Path.Combine(Root, directory), Path.Combine(Snapshot, directory));
        }
    }

    /// <summary>Puts the machine and its key directory back as the snapshot has them, and removes <c>fresh/</c>, where lkg init makes a machine.</summary>
    public void Restore()
    {
        foreach (var directory in (string[])["machine", "keys", "fresh"])
        {
            var path = Path.Combine(Root, directory);
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }

            var saved = Path.Combine(Snapshot, directory);
            if (Directory.Exists(saved))
            {
                CopyDirectory(saved, path);
            }
        }
    }

    public Task DisposeAsync()
    {
        _machine?.Dispose();
        _publish.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>As scripts/publish.sh does: the native lkg, with lkg-host, the kernel's program, beside it.</summary>
    private async Task PublishAotAsync()
    {
        using var publish = ChildProcess.StartExecutable("dotnet",
        [
            "publish", Path.Combine(MachineManifestTests.RepositoryRoot(), "src", "lkg"), "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier,
            "--artifacts-path", _publish.Combine("artifacts"), "-o", _publish.Combine("lkg"), "-nodeReuse:false",
        ]);
        var exit = await publish.WaitForExitAsync(PublishTimeout);
        Assert.True(exit == 0, $"dotnet publish of lkg failed ({exit}): {string.Join('\n', publish.Lines.TakeLast(30))}");
    }

    /// <summary>
    /// The workstation sample with its drivers, values of every type and a verified driver, one
    /// accepted boot, then two boots that bug check before they are accepted and the fallback to
    /// Last Known Good: crash records, their analysis and a recovery report for status to show.
    /// </summary>
    private static async Task<TestMachine> CreateSampleMachineAsync()
    {
        var samples = Path.Combine(MachineManifestTests.RepositoryRoot(), "samples", "machines");
        var machine = await TestMachine.CreateAsync("--from", Path.Combine(samples, "workstation.json"));
        var root = Path.GetDirectoryName(machine.Root)!;
        File.Copy(Path.Combine(samples, "content", "C-00000291-00000000-00000001.sys"), Path.Combine(root, "C-00000291-00000000-00000002.sys"));
        File.WriteAllText(Path.Combine(root, "note.txt"), "a FILE value\n");
        await machine.InstallDriverAsync("samples/Drivers/Sensor");
        await machine.InstallDriverAsync("samples/Drivers/Hello");
        await machine.InstallDriverAsync("samples/Drivers/NotMyFault", "--start", "disabled");
        // WebFrontend serves on a fixed port, which a test machine cannot count on.
        await machine.LkgAsync("reg", "delete", @"SYSTEM\CurrentControlSet\Services\WebFrontend");
        await SetAsync(@"Control\Recovery", "AcceptAfter", "0", "dword");
        await SetAsync(@"Services\Hello\Parameters", "Tags", @"a\0b", "multi_sz");
        await SetAsync(@"Services\Hello\Parameters", "Huge", "18446744073709551615", "qword");
        await SetAsync(@"Services\Hello\Parameters", "Blob", "0a1b2c", "binary");
        await SetAsync(@"Services\Hello\Parameters", "Attached", Path.Combine(root, "note.txt"), "file");
        await machine.LkgAsync("verifier", "enable", "Hello", "--special-pool", "--watchdog");
        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "120s");

        await SetAsync(@"Services\NotMyFault\Parameters", "Fault", "bad-read", "sz");
        await SetAsync(@"Services\NotMyFault", "Start", "1", "dword");
        await SetAsync(@"Control\Recovery", "AcceptAfter", "30", "dword");
        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "120s");
        // The bisection keeps AcceptAfter 30 as a good change; the boots the tests run are accepted at once.
        await SetAsync(@"Control\Recovery", "AcceptAfter", "0", "dword");
        return machine;

        Task SetAsync(string key, string name, string value, string type) =>
            machine.LkgAsync("reg", "set", $@"SYSTEM\CurrentControlSet\{key}", name, value, "--type", type);
    }

    private static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.EnumerateDirectories(source))
        {
            CopyDirectory(directory, Path.Combine(destination, Path.GetFileName(directory)));
        }
    }
}
