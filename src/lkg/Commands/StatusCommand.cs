using System.CommandLine;
using LastKnownGood.Drivers;
using LastKnownGood.Machines;
using LastKnownGood.Registry;
using Spectre.Console;

namespace LastKnownGood.Cli.Commands;

/// <summary><c>lkg status</c>: Select, whether a boot manager holds the machine, hive restores and test mode.</summary>
internal static class StatusCommand
{
    public static Command Create(TimeProvider time)
    {
        var command = new Command("status", "Show Select and the machine's state.");
        command.SetHandler(time, (context, _) =>
        {
            using var hive = context.OpenHive();
            var select = hive.ReadSelect();
            var holder = MachineLock.ReadHolder(context.Machine.LockPath);
            var recoveries = hive.ListRecoveries();
            var testSigning = CodeIntegrityPolicy.Read(hive, hive.ResolveCurrentControlSet(holder is not null)).TestSigning;
            var json = new
            {
                machine = context.Machine.Root,
                state = holder is null ? "stopped" : "running",
                holder = holder is null ? null : new { pid = holder.ProcessId, since = holder.Since, command = holder.Command },
                select = new { current = select.Current, @default = select.Default, failed = select.Failed, lastKnownGood = select.LastKnownGood },
                hiveRestores = recoveries.Select(r => new { time = r.Time, reason = r.Reason, lost = r.Lost }),
                testSigning,
            };
            return context.Report(json, () =>
            {
                var table = new Table().AddColumns("Select", "Control set");
                foreach (var (name, id) in select.Values)
                {
                    table.AddRow(name, id == 0 ? "[grey]none[/]" : ControlSetInfo.FormatName(id));
                }

                context.WriteTestModeNotice(testSigning);
                context.Console.MarkupLineInterpolated($"Machine [bold]{context.Machine.Root}[/]: {(holder is null ? "stopped" : $"running, held by {holder}")}");
                context.Console.Write(table);
                foreach (var recovery in recoveries)
                {
                    context.Console.Write(new Panel(new Markup(Markup.Escape(string.Join('\n', recovery.Lost.Prepend(recovery.Reason)))))
                        .Header($"Hive restored from backup at {recovery.Time:u}").BorderColor(Color.Yellow));
                }
            });
        });
        return command;
    }
}
