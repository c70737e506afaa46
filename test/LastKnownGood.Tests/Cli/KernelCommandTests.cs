using LastKnownGood.Boot;
using LastKnownGood.Cli;
using LastKnownGood.Cli.Commands;
using LastKnownGood.Kernel;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Cli;

/// <summary><c>lkg kernel</c>'s own option parser, which both ways into the kernel share.</summary>
public sealed class KernelCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Parse_EveryOption_SetsTheKernelOptions()
    {
        var (options, machine) = KernelCommand.Parse(["--control-set", "3", "--boot", "7", "--mode", "last-known-good", "--watchdog", "1.5", "--crash-fd", "9", "--machine", "m"]);

        Assert.Equal(new KernelOptions { ControlSet = 3, Boot = 7, Mode = BootMode.LastKnownGood, WatchdogTimeout = TimeSpan.FromSeconds(1.5), CrashHandoff = 9 }, options);
        Assert.Equal("m", machine);
    }

    [Fact]
    public void Parse_NoOptions_KeepsTheDefaults()
    {
        var (options, machine) = KernelCommand.Parse([]);

        Assert.Equal(new KernelOptions(), options);
        Assert.Equal(TimeSpan.FromSeconds(10), options.WatchdogTimeout);
        Assert.Null(machine);
    }

    [Theory]
    [InlineData("lkg kernel does not take '--bogus'", "--bogus")]
    [InlineData("--boot needs a value", "--boot")]
    [InlineData("--control-set takes a whole number, not 'x'", "--control-set", "x")]
    [InlineData("--control-set takes a whole number, not '-1'", "--control-set", "-1")]
    [InlineData("--watchdog takes a number of seconds greater than 0, not '0'", "--watchdog", "0")]
    [InlineData("--watchdog takes a number of seconds greater than 0, not 'NaN'", "--watchdog", "NaN")]
    public void Parse_AWordItDoesNotKnow_IsAUsageError(string message, params string[] args)
    {
        var error = Assert.Throws<UsageException>(() => KernelCommand.Parse(args));

        Assert.Equal($"{message}; run lkg kernel --help for usage.", error.Message);
    }

    [Fact]
    public async Task Kernel_WithAWordItDoesNotKnow_ExitsWithTheUsageCode()
    {
        var result = await Lkg.RunAsync(["kernel", "--bogus"], new Dictionary<string, string> { ["LKG_MACHINE"] = _temp.Combine("machine") });

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal("lkg kernel does not take '--bogus'; run lkg kernel --help for usage.", result.Error);
    }

    [Fact]
    public async Task Kernel_AfterTheGlobalMachineOption_GetsItsOptionsThroughTheSameParser()
    {
        var machine = _temp.Combine("machine");
        await Lkg.RunAsync("init", "--machine", machine);

        var result = await Lkg.RunAsync("--machine", machine, "kernel", "--control-set", "9");

        Assert.Equal(KernelExitCodes.BugCheck, result.ExitCode);
        Assert.Contains("0x00000074", result.Error);
        Assert.Contains("ControlSet009 does not exist", result.Error);
    }
}
