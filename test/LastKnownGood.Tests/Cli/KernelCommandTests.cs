using LastKnownGood.Boot;
using LastKnownGood.Cli;
using LastKnownGood.Host;
using LastKnownGood.Kernel;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Cli;

/// <summary><c>lkg-host kernel</c>, the program the boot manager starts for every boot, and its option parser.</summary>
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
    [InlineData("lkg-host kernel does not take '--bogus'", "--bogus")]
    [InlineData("--boot needs a value", "--boot")]
    [InlineData("--control-set takes a whole number, not 'x'", "--control-set", "x")]
    [InlineData("--control-set takes a whole number, not '-1'", "--control-set", "-1")]
    [InlineData("--watchdog takes a duration from 1ms to 24 days, such as 90s, 1h30m or 1d, not '0'", "--watchdog", "0")]
    [InlineData("--watchdog takes a duration from 1ms to 24 days, such as 90s, 1h30m or 1d, not 'NaN'", "--watchdog", "NaN")]
    [InlineData("--watchdog takes a duration from 1ms to 24 days, such as 90s, 1h30m or 1d, not '10 s'", "--watchdog", "10 s")]
    public void Parse_AWordItDoesNotKnow_IsAUsageError(string message, params string[] args)
    {
        var error = Assert.Throws<UsageException>(() => KernelCommand.Parse(args));

        Assert.Equal($"{message}; run lkg-host kernel --help for usage.", error.Message);
    }

    [Fact]
    public async Task Kernel_WithAWordItDoesNotKnow_ExitsWithTheUsageCode()
    {
        var result = await Lkg.RunHostAsync("kernel", "--bogus");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal("lkg-host kernel does not take '--bogus'; run lkg-host kernel --help for usage.", result.Error);
    }

    [Fact]
    public async Task Host_WithoutARole_SaysHowToRunTheKernel()
    {
        var result = await Lkg.RunHostAsync("--machine", "m");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal("lkg-host runs a boot's kernel for lkg boot: lkg-host kernel [options]; run lkg-host kernel --help for them.", result.Error);
    }

    [Fact]
    public async Task Kernel_OfAMissingControlSet_IsBugCheck0x74()
    {
        var machine = _temp.Combine("machine");
        await Lkg.RunAsync("init", "--machine", machine);

        var result = await Lkg.RunHostAsync("kernel", "--machine", machine, "--control-set", "9");

        Assert.Equal(KernelExitCodes.BugCheck, result.ExitCode);
        Assert.Contains("0x00000074", result.Error);
        Assert.Contains("ControlSet009 does not exist", result.Error);
    }

    [Fact]
    public async Task Lkg_HasNoKernelCommand_TheKernelIsItsOwnProgram()
    {
        var result = await Lkg.RunAsync("kernel");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
    }
}
