using LastKnownGood.Machines;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Machines;

public sealed class MachineLockTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string LockPath => _temp.Combine("machine.lock");

    [Fact]
    public async Task SecondHolder_IsRefused_WithTheHoldersProcessId()
    {
        using var holder = ChildProcess.Start("HiveChild", ["hold-lock", LockPath]);
        await holder.WaitForLineAsync(l => l == "locked", TimeSpan.FromSeconds(30));

        var acquired = MachineLock.TryAcquire(LockPath, "test", TimeProvider.System, out var held, out var current);
        var error = Assert.Throws<LkgException>(() => MachineLock.Acquire(LockPath, "test", TimeProvider.System));

        Assert.False(acquired);
        Assert.Null(held);
        Assert.Equal(holder.Id, current!.ProcessId);
        Assert.Equal("hive-child hold-lock", current.Command);
        Assert.Contains($"process {holder.Id}", error.Message);
        Assert.Equal(holder.Id, MachineLock.ReadHolder(LockPath)!.ProcessId);
    }

    [Fact]
    public async Task LockOfAKilledProcess_IsTakenOver()
    {
        using (var holder = ChildProcess.Start("HiveChild", ["hold-lock", LockPath]))
        {
            await holder.WaitForLineAsync(l => l == "locked", TimeSpan.FromSeconds(30));
            await holder.KillAsync();
        }

        Assert.Null(MachineLock.ReadHolder(LockPath));
        using var taken = MachineLock.Acquire(LockPath, "successor", TimeProvider.System);
        Assert.Equal(Environment.ProcessId, MachineLock.ReadHolder(LockPath)!.ProcessId);
    }

    [Fact]
    public void ReleasedLock_CanBeTakenAgain_AndNobodyHoldsIt()
    {
        MachineLock.Acquire(LockPath, "first", TimeProvider.System).Dispose();

        Assert.Null(MachineLock.ReadHolder(LockPath));
        using var second = MachineLock.Acquire(LockPath, "second", TimeProvider.System);
        Assert.Equal("second", MachineLock.ReadHolder(LockPath)!.Command);
    }
}
