using LastKnownGood.Boot;
using LastKnownGood.Diagnostics;
using LastKnownGood.Recovery.Remediation;
using LastKnownGood.Registry;
using Spectre.Console;

namespace LastKnownGood.Cli;

/// <summary><c>lkg boot</c> on a terminal: a line per step, the blue screen on a bug check. Silent with --json, which prints the run at the end.</summary>
internal sealed class ConsoleBootReporter(CommandContext context) : IBootReporter
{
    private readonly List<int> _started = [];

    private IAnsiConsole Console => context.Console;

    /// <summary>The boots this run started, by number.</summary>
    public IReadOnlyList<int> Started => _started;

    public void Recovered(BootRecord boot) => Line($"[yellow]Boot {boot.Number} was left running by a boot manager that died; it is recorded as {BootNames.Name(boot.Outcome)}.[/]");

    public void Starting(BootRecord boot)
    {
        _started.Add(boot.Number);
        Line($"[bold]Boot {boot.Number}[/]: {Markup.Escape(BootFormat.Describe(boot))}, kernel {boot.KernelProcessId} ({Markup.Escape(boot.Reason)})");
    }

    public void Ready(BootRecord boot) => Line($"Boot {boot.Number}: every component has started");

    public void Accepted(BootRecord boot) => Line(boot.Mode == BootMode.Trial
        ? $"[green]Boot {boot.Number} accepted[/], a trial: {ControlSetInfo.FormatName(boot.ControlSet)} is Last Known Good; the bisection goes on with the next boot."
        : $"[green]Boot {boot.Number} accepted[/]: {ControlSetInfo.FormatName(boot.ControlSet)} is Last Known Good; the hive is backed up.");

    public void Ended(BootRecord boot, CrashRecord? crash)
    {
        if (crash is not null && !context.Json)
        {
            BootFormat.BlueScreen(crash).Write(context);
        }

        Line($"Boot {boot.Number} ended: {BootNames.Name(boot.Outcome)} ({Markup.Escape(boot.EndReason ?? "")})");
    }

    public void Warning(string message) => System.Console.Error.WriteLine(message);

    public void Remediating(BootRecord boot, string source, TimeSpan retry) =>
        Line($"[yellow]Safe mode[/]: boot {boot.Number} is up; its recovery environment asks {Markup.Escape(source)} for a remediation package now and every {retry.TotalSeconds:0} s (a person can repair the machine meanwhile).");

    public void Remediated(RemediationRecord remediation) => Line(remediation.Outcome switch
    {
        RemediationOutcome.Applied => $"[green]Remediation {Markup.Escape(remediation.Name)} applied[/]: {ControlSetInfo.FormatName(remediation.ControlSet!.Value)} is Default, tentative until a boot of it is accepted ({Markup.Escape(remediation.Reason)}); the next boot runs it.",
        RemediationOutcome.Unchanged => $"[yellow]Remediation {Markup.Escape(remediation.Name)} changes nothing[/]: {Markup.Escape(remediation.Reason)}; safe mode goes on.",
        _ => $"[red]Remediation {Markup.Escape(remediation.Name)} refused[/]: {Markup.Escape(remediation.Reason)}; safe mode goes on.",
    });

    public void Halted(string reason) => Line($"[yellow]Halted[/]: {Markup.Escape(reason)}.");

    private void Line(string markup)
    {
        if (!context.Json)
        {
            Console.MarkupLine(markup);
        }
    }
}
