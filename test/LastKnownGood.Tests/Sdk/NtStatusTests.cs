namespace LastKnownGood.Tests.Sdk;

public sealed class NtStatusTests
{
    [Fact]
    public void IoTimeout_IsAFailure_WhereWindowsTimeoutIsASuccessCode()
    {
        Assert.Equal((false, true, "STATUS_IO_TIMEOUT"), (NtStatus.IoTimeout.IsSuccess, NtStatus.IoTimeout.IsError, NtStatus.IoTimeout.Name));
        Assert.True(NtStatus.Timeout.IsSuccess);
    }
}
