using LastKnownGood.Machines;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Machines;

public sealed class MachineLockTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Turns off the lock .NET's FileStream takes: the machine lock must not depend on it.</summary>
    private static readonly Dictionary<string, string> NoDotnetFileLocking = new() { ["DOTNET_SYSTEM_IO_DISABLEFILELOCKING"] = "1" };

    private string LockPath => _temp.Combine("machine.lock");

    private async Task<ChildProcess> HoldLockAsync()
    {
        var holder = ChildProcess.Start("HiveChild", ["hold-lock", LockPath], NoDotnetFileLocking);
        await holder.WaitForLineAsync(l => l == "locked", Timeout);
        return holder;
    }

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
    public async Task DotnetFileLockingDisabled_InBothProcesses_TheSecondIsRefused()
    {
        using var holder = await HoldLockAsync();
        using var second = ChildProcess.Start("HiveChild", ["try-lock", LockPath], NoDotnetFileLocking);

        Assert.Equal(1, await second.WaitForExitAsync(Timeout));
        Assert.Equal([$"refused {holder.Id}"], second.Lines);
    }

    [Fact]
    public async Task DeletedLockFile_SecondHolderIsRefused_NamingTheRealHolder()
    {
        using var holder = await HoldLockAsync();
        File.Delete(LockPath);

        var acquired = MachineLock.TryAcquire(LockPath, "test", TimeProvider.System, out var held, out var current);

        Assert.False(acquired);
        Assert.Null(held);
        Assert.Equal(holder.Id, current!.ProcessId);
        Assert.Contains("HiveChild.dll hold-lock", current.Command);
        Assert.Contains("machine.lock does not name it", current.Command);
        Assert.False(File.Exists(LockPath), "a refused process must leave the lock file alone");
        Assert.Equal(holder.Id, MachineLock.ReadHolder(LockPath)!.ProcessId);
    }

    [Fact]
    public async Task ReplacedLockFile_NamingAnotherProcess_SecondHolderIsRefused_NamingTheRealHolder()
    {
        using var holder = await HoldLockAsync();
        var forged = _temp.Combine("forged");
        await File.WriteAllTextAsync(forged, "1\t2020-01-01T00:00:00.0000000+00:00\tlkg boot\n");
        File.Move(forged, LockPath, overwrite: true);

        var error = Assert.Throws<LkgException>(() => MachineLock.Acquire(LockPath, "test", TimeProvider.System));

        Assert.Contains($"process {holder.Id} (", error.Message);
        Assert.DoesNotContain("process 1 ", error.Message);
        Assert.Null(MachineLock.ReadHolder(LockPath)!.Since);
    }

    [Fact]
    public void StillHeld_IsFalse_OnceTheLockFileIsDeletedOrReplaced()
    {
        using (var deleted = MachineLock.Acquire(LockPath, "test", TimeProvider.System))
        {
            Assert.True(deleted.StillHeld());
            File.Delete(LockPath);
            Assert.False(deleted.StillHeld());
        }

        using var replaced = MachineLock.Acquire(LockPath, "test", TimeProvider.System);
        File.WriteAllText(_temp.Combine("copy"), "");
        File.Move(_temp.Combine("copy"), LockPath, overwrite: true);
        Assert.False(replaced.StillHeld());
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
