using System.CommandLine;
using System.Globalization;
using LastKnownGood.Boot;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Diagnostics;
using LastKnownGood.Drivers;
using LastKnownGood.Machines;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;
using Spectre.Console;

namespace LastKnownGood.Cli.Commands;

/// <summary>
/// <c>lkg status</c>, one screen as <c>systemctl status</c> is: the machine's state and newest boot, its
/// components with their state, process and uptime, the boot's last event log lines, Select, the last
/// crash and fallback, hive restores and test mode. Every read is bounded (docs/event-log.md).
/// </summary>
internal static class StatusCommand
{
    /// <summary>How many of the boot's newest event log lines the screen shows.</summary>
    public const int LogLines = 10;

    public static Command Create(TimeProvider time)
    {
        var command = new Command("status", "Show Select and the machine's state.");
        command.SetHandler(time, (context, _) =>
        {
            using var hive = context.ReadHive();
            var select = hive.ReadSelect();
            var holder = MachineLock.ReadHolder(context.Machine.LockPath);
            // A bounded read, whatever the length of the history (docs/boot.md, "What a decision and a command read").
            var damagedRows = new List<DamagedRow>();
            var latest = BootLog.Newest(hive, damagedRows);
            var running = holder is not null && latest is { Ended: null } ? latest : null;
            var state = State(holder, running, latest);
            var recovery = RecoveryLog.Newest(hive, damagedRows);
            var lastCrash = CrashLog.Newest(hive, damagedRows);
            var damaged = damagedRows.Concat(hive.ReadControlSets().Damaged).Distinct().ToList();
            var recoveries = hive.ListRecoveries();
            var testSigning = CodeIntegrityPolicy.Read(hive, hive.ResolveCurrentControlSet(holder is not null)).TestSigning;
            var components = latest is null ? [] : ComponentLog.ForBoot(hive, latest.Number);
            var json = new StatusDocument(
                context.Machine.Root,
                state,
                holder is null ? null : new LockHolderDocument(holder.ProcessId, holder.Since, holder.Command),
                SelectDocument.From(select),
                latest is null ? null : new StatusBootDocument(latest.Number, BootNames.Name(latest.Mode), latest.ControlSet),
                recovery,
                lastCrash is null ? null : new LastCrashDocument(lastCrash.Id, lastCrash.Time, BootFormat.StopCode(lastCrash.Code), lastCrash.Name, lastCrash.Boot, lastCrash.Component),
                BootLog.IsLastKnownGoodEnabled(hive) ? "enabled" : "disabled",
                [.. recoveries.Select(r => new HiveRestoreDocument(r.Time, r.Reason, r.Lost))],
                testSigning,
                [.. damaged.Select(d => new DamagedRowDocument(d.Table, d.Id, d.Problem))],
                [.. components.Select(ComponentDocument.From)]);
            return context.Report(json, CliJson.Default.StatusDocument, () =>
            {
                context.Console.MarkupLineInterpolated($"Machine [bold]{context.Machine.Root}[/]: {state}{(holder is null ? "" : $", held by {holder}")}");
                var now = context.Time.GetUtcNow();
                if (latest is not null)
                {
                    context.Console.MarkupLineInterpolated($"Boot {latest.Number}: {BootFormat.Describe(latest)}, {BootNames.Name(latest.Outcome)}, {Since(latest, now)}");
                    WriteComponents(context, components, now);
                    foreach (var line in EventStore.Newest(hive, latest.Number, LogLines))
                    {
                        context.Console.MarkupLine(EventFormat.Markup(line));
                    }
                }

                var table = new TextTable("Select", "Control set");
                foreach (var (name, id) in select.Values)
                {
                    table.Add(name, id == 0 ? new TableCell("none", Color.Grey) : ControlSetInfo.FormatName(id));
                }

                table.Write(context);
                if (lastCrash is not null)
                {
                    context.Console.MarkupLineInterpolated(
                        $"Last crash {lastCrash.Id}: {BootFormat.StopCode(lastCrash.Code)} in {lastCrash.Component ?? "unknown"}, boot {lastCrash.Boot?.ToString() ?? "unknown"}, {lastCrash.Time:u}");
                }

                if (recovery is not null)
                {
                    new TextPanel($"Why boot {recovery.Boot} fell back", [.. recovery.Lines]).Write(context);
                }

                foreach (var row in damaged)
                {
                    context.Console.MarkupLineInterpolated($"[yellow]Damaged: {row}.[/]");
                }

                foreach (var restore in recoveries)
                {
                    new TextPanel($"Hive restored from backup at {restore.Time:u}", [restore.Reason, .. restore.Lost]).Write(context);
                }
            });
        });
        return command;
    }

    /// <summary>When the boot started, and for how long it has run or ran.</summary>
    private static string Since(BootRecord boot, DateTimeOffset now) => boot.Ended is { } ended
        ? $"from {boot.Started:u} to {ended:u} ({Duration(ended - boot.Started)})"
        : $"since {boot.Started:u} ({Duration(now - boot.Started)} ago)";

    /// <summary>The boot's components as a table: state (coloured on a terminal), process, uptime when running, restarts.</summary>
    private static void WriteComponents(CommandContext context, IReadOnlyList<ComponentRecord> components, DateTimeOffset now)
    {
        if (components.Count == 0)
        {
            return;
        }

        var table = new TextTable("Component", "Type", "State", "PID", "Since", "Restarts");
        foreach (var component in components)
        {
            var state = BootNames.Name(component.State);
            table.Add(
                component.Name,
                component.Type,
                new TableCell(state, component.State switch
                {
                    ComponentState.Running => Color.Green,
                    ComponentState.Failed or ComponentState.Disabled => Color.Red,
                    _ => null,
                }),
                component.ProcessId?.ToString(CultureInfo.InvariantCulture) ?? "",
                component.State == ComponentState.Running
                    ? $"{component.Since:u} ({Duration(now - component.Since)})"
                    : $"{component.Since:u}",
                (component.Restarts ?? 0).ToString(CultureInfo.InvariantCulture));
        }

        table.Write(context);
    }

    /// <summary>A duration as systemd shows one: <c>3s</c>, <c>4min 12s</c>, <c>2h 5min</c>, <c>3d 4h</c>.</summary>
    private static string Duration(TimeSpan span) => span switch
    {
        { TotalSeconds: < 60 } => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, span.TotalSeconds):0}s"),
        { TotalHours: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}min {span.Seconds}s"),
        { TotalDays: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{span.Hours}h {span.Minutes}min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalDays}d {span.Hours}h"),
    };

    /// <summary>
    /// DESIGN §14's states, and halted: a boot manager runs, but its safe-mode boot has ended and it
    /// boots nothing more until a person comes. Between two boots the machine is booting.
    /// </summary>
    private static string State(LockHolder? holder, BootRecord? running, BootRecord? latest) => (holder, running) switch
    {
        (null, _) => "stopped",
        (_, null) => latest is { IsSafeMode: true } ? "halted" : "booting",
        (_, { IsSafeMode: true }) => "safe-mode",
        (_, { Accepted: not null }) => "accepted",
        (_, { Ready: not null }) => "running",
        _ => "booting",
    };
}
