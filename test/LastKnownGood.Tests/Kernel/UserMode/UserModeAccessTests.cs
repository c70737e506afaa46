using LastKnownGood.Kernel.UserMode;

namespace LastKnownGood.Tests.Kernel.UserMode;

/// <summary>A user-mode driver touches its own Services\&lt;Name&gt; subtree of the booted set, and nothing else.</summary>
public sealed class UserModeAccessTests
{
    [Theory]
    [InlineData(@"SYSTEM\CurrentControlSet\Services\Probe")]
    [InlineData(@"SYSTEM\CurrentControlSet\Services\probe\Parameters")]
    [InlineData(@"HKLM\SYSTEM\ControlSet002\Services\Probe\Content")]
    public void OwnSubtree_IsAllowed(string path) =>
        Assert.Equal(NtStatus.Success, UserModeAccess.Check(path, "Probe", 2, out _, out _));

    [Theory]
    [InlineData(@"SYSTEM\Select")]
    [InlineData(@"SYSTEM")]
    [InlineData(@"SYSTEM\CurrentControlSet\Services\Other\Parameters")]
    [InlineData(@"SYSTEM\CurrentControlSet\Services\ProbeX")]
    [InlineData(@"SYSTEM\CurrentControlSet\Services")]
    [InlineData(@"SYSTEM\CurrentControlSet\Control\CI")]
    [InlineData(@"SYSTEM\ControlSet001\Services\Probe")]
    public void AnythingElse_IsAccessDenied(string path)
    {
        Assert.Equal(NtStatus.AccessDenied, UserModeAccess.Check(path, "Probe", 2, out var key, out var reason));
        Assert.Null(key);
        Assert.Contains("the only one a user-mode driver may touch", reason);
    }

    [Fact]
    public void PathOutsideTheHive_IsAnInvalidName() =>
        Assert.Equal(NtStatus.ObjectNameInvalid, UserModeAccess.Check(@"SOFTWARE\Probe", "Probe", 2, out _, out _));
}
