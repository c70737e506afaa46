using System.Net.Sockets;
using System.Text;
using LastKnownGood.Hosting;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Services;

/// <summary>LastKnownGood.Hosting's sd_notify sender: where it sends, and whose watchdog it feeds.</summary>
public sealed class ServiceManagerNotifierTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Send_ReachesTheSocketNotifySocketNames_APathOrAnAbstractName(bool abstractName)
    {
        using var temp = new TempDirectory();
        var name = abstractName ? $"@lkg-test-{Guid.NewGuid():N}" : temp.Combine("notify");
        using var manager = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        manager.Bind(new UnixDomainSocketEndPoint(abstractName ? "\0" + name[1..] : name));
        using var notifier = new ServiceManagerNotifier(v => v == "NOTIFY_SOCKET" ? name : null);

        Assert.True(notifier.Send("READY=1\nSTATUS=started"));

        var buffer = new byte[256];
        Assert.Equal("READY=1\nSTATUS=started", Encoding.UTF8.GetString(buffer, 0, manager.Receive(buffer)));
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData("4000000", null, 4.0)]
    [InlineData("4000000", "self", 4.0)]
    [InlineData("4000000", "1", null)]
    [InlineData("0", null, null)]
    [InlineData("soon", null, null)]
    public void WatchdogTimeout_IsThisProcesssOnly_AsSdWatchdogEnabledDecides(string? usec, string? pid, double? seconds)
    {
        var environment = new Dictionary<string, string?>
        {
            ["NOTIFY_SOCKET"] = "/nowhere",
            ["WATCHDOG_USEC"] = usec,
            ["WATCHDOG_PID"] = pid == "self" ? $"{Environment.ProcessId}" : pid,
        };
        using var notifier = new ServiceManagerNotifier(v => environment.GetValueOrDefault(v));

        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, notifier.WatchdogTimeout);
    }

    [Fact]
    public void WithoutNotifySocket_ItIsOff_AndSendsNothing()
    {
        using var notifier = new ServiceManagerNotifier(_ => null);

        Assert.False(notifier.IsEnabled);
        Assert.False(notifier.Send("READY=1"));
    }
}
