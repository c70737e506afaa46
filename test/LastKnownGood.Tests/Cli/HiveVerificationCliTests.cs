using System.Text;
using LastKnownGood.Cli;
using LastKnownGood.Machines;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Cli;

/// <summary>
/// A command that only reads verifies the keys it reads, not the whole set; the boot manager
/// still checks the whole set before a boot. One flipped bit in the key node of
/// <c>Services\Alpha\Parameters</c>, through the real command line.
/// </summary>
public sealed class HiveVerificationCliTests : IDisposable
{
    private const string AlphaMarker = "ALPHA-MARKER-0123456789";
    private const string BetaMarker = "BETA-MARKER-0123456789";
    private const string Alpha = @"SYSTEM\CurrentControlSet\Services\Alpha\Parameters";
    private const string Beta = @"SYSTEM\CurrentControlSet\Services\Beta\Parameters";

    private readonly TempDirectory _temp = new();
    private readonly MachineDirectory _machine;

    public HiveVerificationCliTests()
    {
        _machine = new MachineDirectory(_temp.Combine("machine"));
        _machine.Create(TimeProvider.System, hive => hive.Write("test", "two services", e =>
        {
            e.SetValue(KeyPath.Parse(@"Services\Alpha\Parameters"), "Marker", RegistryValue.String(AlphaMarker));
            e.SetValue(KeyPath.Parse(@"Services\Beta\Parameters"), "Marker", RegistryValue.String(BetaMarker));
        }));
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task RegQuery_OfAValueInADamagedKey_SaysItIsDamaged_AndChangesNoFile()
    {
        using (var hive = _machine.OpenHive(TimeProvider.System))
        {
            hive.BackupTo(_machine.BackupPath);
        }

        FlipByteOf(AlphaMarker);
        var before = MachineDatabaseFiles.HashFiles(_machine.Root);

        var query = await LkgAsync("reg", "query", Alpha, "Marker");

        Assert.Equal(ExitCodes.Failed, query.ExitCode);
        Assert.Matches("^Key node [0-9a-f]+ does not match its hash\\.$", query.Error);
        Assert.Equal(before, MachineDatabaseFiles.HashFiles(_machine.Root));
    }

    [Fact]
    public async Task RegQuery_OfAnotherKey_DoesNotReportTheDamage_ButBootsFullCheckDoes()
    {
        FlipByteOf(AlphaMarker);
        var before = MachineDatabaseFiles.HashFiles(_machine.Root);

        var query = await LkgAsync("reg", "query", Beta, "Marker");

        Assert.True(query.ExitCode == ExitCodes.Success, query.Error);
        Assert.Contains(BetaMarker, query.Output);
        Assert.Equal(before, MachineDatabaseFiles.HashFiles(_machine.Root));

        var boot = await LkgAsync("boot", "--until", "1-boots", "--timeout", "60s");

        Assert.Equal(ExitCodes.Failed, boot.ExitCode);
        Assert.Matches("^Key node [0-9a-f]+ does not match its hash, and there is no backup \\(system\\.db\\.lkg\\)", boot.Error);
    }

    private Task<Lkg.Result> LkgAsync(params string[] args) => Lkg.RunAsync([.. args, "--machine", _machine.Root], null);

    private void FlipByteOf(string text)
    {
        var at = File.ReadAllBytes(_machine.HivePath).AsSpan().IndexOf(Encoding.UTF8.GetBytes(text));
        Assert.True(at >= 0, $"{text} not found in the hive");
        Damage.FlipFileByte(_machine.HivePath, at + 3);
    }
}
