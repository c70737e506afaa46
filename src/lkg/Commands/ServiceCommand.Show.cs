using System.CommandLine;
using LastKnownGood.Boot;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Registry;
using LastKnownGood.Services;
using Spectre.Console;

namespace LastKnownGood.Cli.Commands;

internal static partial class ServiceCommand
{
    private static readonly KeyPath ServicesKey = KeyPath.Root.Child("Services");

    private static Command List(TimeProvider time)
    {
        var command = new Command("list", "List the services (Type 0x10) of the Default control set: name, start type and command.");
        command.SetHandler(time, (context, _) =>
        {
            using var hive = context.ReadHive();
            var set = hive.ReadSelect().Default;
            var services = (hive.OpenKey(set, ServicesKey)?.Subkeys ?? [])
                .Select(s => ReadService(hive, set, s.Name))
                .OfType<(ServiceEntry Entry, ServiceProgram Program, KeyNode Key)>()
                .Select(s => new ServiceSummaryDocument(s.Entry.Name, BootNames.Name(s.Entry.Start), BootNames.Name(s.Entry.ErrorControl), CommandOf(s.Program)))
                .ToArray();
            return context.Report(services, CliJson.Default.ServiceSummaryDocumentArray, () =>
            {
                if (services.Length == 0)
                {
                    context.Console.MarkupLine($"{ControlSetInfo.FormatName(set)} has no services; lkg service create makes one.");
                    return;
                }

                var table = new TextTable("Name", "Start", "Command");
                foreach (var service in services)
                {
                    table.Add(service.Name, service.Start, service.Command);
                }

                table.Write(context);
            });
        });
        return command;
    }

    private static Command Show(TimeProvider time)
    {
        var name = new Argument<string>("name") { Description = "The service." };
        var command = new Command("show", "Show a service of the Default control set: its values, health checks and tracked files.") { name };
        command.SetHandler(time, (context, result) =>
        {
            using var hive = context.ReadHive();
            var set = hive.ReadSelect().Default;
            var serviceName = ValidName(result.GetValue(name)!);
            var (entry, program, key) = ReadService(hive, set, serviceName) ?? throw NotAService(hive, set, serviceName);
            var tracked = hive.OpenKey(set, ServicesKey.Child(entry.Name).Child("TrackedFiles"))?.Values ?? [];
            var document = new ServiceDocument(entry.Name, set, BootNames.Name(entry.Start), BootNames.Name(entry.ErrorControl), CommandOf(program),
                program.WorkingDirectory, program.Notify, program.StartTimeout.TotalSeconds,
                [.. key.Values.Select(ValueDocument.From)],
                [.. program.HealthChecks.Select(c => new HealthCheckDocument(c.Name, BootNames.Name(c.Kind), c.Target, c.Required, c.Timeout.TotalSeconds))],
                [.. tracked.Select(ValueDocument.From)]);
            return context.Report(document, CliJson.Default.ServiceDocument, () => Print(context, document));
        });
        return command;
    }

    private static void Print(CommandContext context, ServiceDocument service)
    {
        var console = context.Console;
        console.MarkupLineInterpolated($"[bold]{service.Name}[/] in {ControlSetInfo.FormatName(service.ControlSet)}: start {service.Start}, error control {service.ErrorControl}");
        console.MarkupLineInterpolated($"  command: {service.Command}");
        console.MarkupLineInterpolated($"  working directory: {service.WorkingDirectory}");
        console.MarkupLineInterpolated($"  started: {(service.Notify ? "when it sends READY=1" : $"once it has stayed up {service.StartTimeoutSeconds:0.#} s")}");
        var values = new TextTable("Name", "Type", "Data");
        foreach (var value in service.Values)
        {
            values.Add(value.Name, value.Type, value.Value.ToDisplayString());
        }

        values.Write(context);
        foreach (var check in service.HealthChecks)
        {
            console.MarkupLineInterpolated($"  health {check.Name}: {check.Kind} {check.Target} ({(check.Required ? "Required" : "Wanted")}, {check.TimeoutSeconds:0.#} s)");
        }

        foreach (var file in service.TrackedFiles)
        {
            console.MarkupLineInterpolated($"  tracked file {file.Name}: {file.Value.ToDisplayString()}");
        }
    }

    /// <summary>The service <paramref name="name"/> of <paramref name="set"/>; null when there is none, or the entry is not a service (Type 0x10).</summary>
    private static (ServiceEntry Entry, ServiceProgram Program, KeyNode Key)? ReadService(Hive hive, int set, string name)
    {
        var path = ServicesKey.Child(name);
        if (hive.OpenKey(set, path) is not { } key || !ServiceEntry.TryRead(name, key, out var entry) || entry.Type != ServiceType.OwnProcess)
        {
            return null;
        }

        return (entry, ServiceProgram.Read(entry, key, subkey => hive.OpenKey(set, KeyPath.Parse($@"{path}\{subkey}"))), key);
    }

    private static LkgException NotAService(Hive hive, int set, string name) => new(NtStatus.ObjectNameNotFound,
        hive.OpenKey(set, ServicesKey.Child(name)) is null
            ? $"{ControlSetInfo.FormatName(set)} has no service \"{Quote.Short(name)}\"; lkg service list shows the services."
            : $@"Services\{Quote.Short(name)} is not a service (Type 0x10); lkg reg query SYSTEM\CurrentControlSet\Services\{Quote.Short(name)} shows it.");

    private static string CommandOf(ServiceProgram program) => CommandWords.Join([program.ImagePath, .. program.Arguments]);
}
