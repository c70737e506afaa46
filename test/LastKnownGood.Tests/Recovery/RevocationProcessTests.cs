using LastKnownGood.Boot;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Recovery;

/// <summary>What rollback must never undo (DESIGN §10), with real boots: a signing key revoked after Last Known Good.</summary>
public sealed class RevocationProcessTests
{
    [Fact]
    public async Task AKeyRevokedAfterLastKnownGood_StaysRevokedAfterTheFallback_AndItsCriticalDriverMeansSafeMode()
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter", "0", "--type", "dword");
        await machine.LkgAsync("keys", "create", "old", "--trust");
        await machine.InstallDriverSignedByAsync("samples/Drivers/Hello", "old", "--start", "system", "--error-control", "critical");
        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "60s");
        var good = machine.Select().LastKnownGood;
        Assert.Contains("Hello", (await machine.LkgAsync("logs", "-b", "1")).Output);

        await machine.LkgAsync("reg", "delete", @"SYSTEM\CurrentControlSet\Control\CI\Keys", "old", "--reason", "the old key leaked");
        await machine.LkgAsync("boot", "--until", "halted", "--timeout", "60s");

        // The only good set still trusts the key, yet its Critical driver cannot start there (0x7B in a Last Known Good boot): safe mode follows.
        var history = machine.History();
        Assert.Equal(
            [(BootMode.Normal, BootOutcome.Accepted), (BootMode.Normal, BootOutcome.StartFailure), (BootMode.LastKnownGood, BootOutcome.Bugcheck), (BootMode.SafeMinimal, BootOutcome.Shutdown)],
            history.Select(b => (b.Mode, b.Outcome)));
        Assert.Equal(good, history[2].ControlSet);
        using (var hive = machine.Directory.OpenHive(TimeProvider.System, HiveAccess.ReadOnly))
        {
            // The set the fallback booted still trusts the key; the machine does not.
            Assert.NotNull(hive.OpenKey(good, KeyPath.Parse(@"Control\CI\Keys"))!.Values.SingleOrDefault(v => v.Name == "old"));
            Assert.Contains("\"old\" was revoked at", Assert.Single(Revocations.Read(hive)).Value);
        }

        var fallback = (await machine.LkgAsync("logs", "-b", "3")).Output;
        Assert.Contains("is signed by a revoked key (\"old\" was revoked at", fallback);
        Assert.Contains("removed from Control\\CI\\Keys by \"the old key leaked\"", fallback);
        Assert.Contains("Last Known Good failed too (boot 3)", (await machine.LkgAsync("status")).Output);
    }
}
