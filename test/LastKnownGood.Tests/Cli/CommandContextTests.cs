using LastKnownGood.Cli;
using LastKnownGood.Machines;
using Spectre.Console;

namespace LastKnownGood.Tests.Cli;

public sealed class CommandContextTests
{
    [Fact]
    public void Console_WithJson_IsRefused() =>
        Assert.Throws<InvalidOperationException>(() => Context(json: true).Console);

    [Fact]
    public void Console_WithoutJson_IsTheTerminal() =>
        Assert.Same(AnsiConsole.Console, Context(json: false).Console);

    private static CommandContext Context(bool json) => new(new MachineDirectory("machine"), json, TimeProvider.System);
}
