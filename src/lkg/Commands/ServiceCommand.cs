using System.CommandLine;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Kernel.ServiceControl;
using LastKnownGood.Registry;
using LastKnownGood.Services;
using Spectre.Console;

namespace LastKnownGood.Cli.Commands;

/// <summary>
/// <c>lkg service create NAME --command "…" [--arg A]… [--start …] [--error-control …] [--notify]
/// [--working-directory DIR] [--track FILE]… [--health KIND:TARGET]…</c> writes
/// <c>Services\NAME</c> (<c>Type</c> 0x10) as one new control set; <c>list</c> and <c>show</c> read
/// the <c>Default</c> set; <c>start</c> and <c>stop</c> ask the running boot's kernel.
/// </summary>
internal static partial class ServiceCommand
{
    public static Command Create(TimeProvider time)
    {
        var command = new Command("service", "Create and inspect services: programs the kernel starts, watches and stops (Type 0x10).");
        command.Subcommands.Add(CreateService(time));
        command.Subcommands.Add(List(time));
        command.Subcommands.Add(Show(time));
        command.Subcommands.Add(Control(time, ControlVerb.Start));
        command.Subcommands.Add(Control(time, ControlVerb.Stop));
        return command;
    }

    private static Command CreateService(TimeProvider time)
    {
        var name = new Argument<string>("name") { Description = "The service's name: its key under Services." };
        var line = new Option<string>("--command") { Description = "The executable and its arguments, split at spaces; quote a word with ' or \" (no shell).", Required = true };
        var arguments = new Option<string[]>("--arg") { Description = "One more argument, taken as it is (repeatable; --arg=-v for one that starts with -).", Arity = ArgumentArity.ZeroOrMore };
        var start = new Option<string?>("--start") { Description = "boot, system, auto, demand or disabled, or 0-4 (default auto: it starts with every boot)." };
        var errorControl = new Option<string?>("--error-control") { Description = "ignore, normal, severe or critical, or 0-3 (default normal)." };
        var notify = new Option<bool>("--notify") { Description = "Started when it sends READY=1 on NOTIFY_SOCKET, not once it has stayed up for its start timeout." };
        var directory = new Option<string?>("--working-directory") { Description = "Where its process starts (default /)." };
        var track = new Option<string[]>("--track") { Description = "A file it reads, kept in the control set under its absolute path (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var health = new Option<string[]>("--health") { Description = "A Required health check: http:URL, tcp:HOST:PORT or command:CMD (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var reason = new Option<string?>("--reason") { Description = "The one-line reason recorded with the new control set." };
        var command = new Command("create", "Create a service: derives a new control set from Default.") { name, line, arguments, start, errorControl, notify, directory, track, health, reason };
        command.SetHandler(time, (context, result) =>
        {
            var service = KeyPath.Root.Child("Services").Child(ValidName(result.GetValue(name)!));
            var words = CommandWords.Split(result.GetValue(line)!);
            var values = new List<(KeyPath Key, string Name, RegistryValue Value)>
            {
                (service, "Type", RegistryValue.Dword((uint)ServiceType.OwnProcess)),
                (service, "Start", RegistryValue.Dword((uint)(DriverCommand.Choice<StartType>(result.GetValue(start), "--start", "boot, system, auto, demand, disabled or 0-4") ?? StartType.Auto))),
                (service, "ErrorControl", RegistryValue.Dword((uint)(DriverCommand.Choice<ErrorControl>(result.GetValue(errorControl), "--error-control", "ignore, normal, severe, critical or 0-3") ?? ErrorControl.Normal))),
                (service, "ImagePath", RegistryValue.String(words[0])),
            };
            if (words.Skip(1).Concat(result.GetValue(arguments) ?? []).ToList() is { Count: > 0 } all)
            {
                values.Add((service, "Arguments", RegistryValue.MultiString(all)));
            }

            if (result.GetValue(notify))
            {
                values.Add((service, "Notify", RegistryValue.Dword(1)));
            }

            if (result.GetValue(directory) is { } workingDirectory)
            {
                values.Add((service, "WorkingDirectory", RegistryValue.String(workingDirectory.Length > 0 ? Path.GetFullPath(workingDirectory) : "")));
            }

            values.AddRange(HealthChecks(service, result.GetValue(health) ?? []));
            foreach (var (key, valueName, value) in values)
            {
                Validate(key, valueName, value);
            }

            RequireNew(context, service);
            var tracked = (result.GetValue(track) ?? []).Select(Path.GetFullPath).ToList();
            // A path the rule refuses is said before its file is read: the path is what is wrong, whatever the file holds.
            if (tracked.Select(file => (file, refusal: TrackedFilePath.Refusal(file))).FirstOrDefault(t => t.refusal is not null) is ({ } refused, { } why))
            {
                throw Refused(service.Child("TrackedFiles"), refused, why);
            }

            var staged = new List<StagedContent>();
            try
            {
                staged.AddRange(tracked.Select(file => RegCommand.StageLocalFile(context, file)));
                return RegCommand.Write(context, result.GetValue(reason) ?? $"service create {service.Name}", editor =>
                {
                    foreach (var (key, valueName, value) in values)
                    {
                        editor.SetValue(key, valueName, value);
                    }

                    foreach (var (file, content) in tracked.Zip(staged))
                    {
                        var key = service.Child("TrackedFiles");
                        var value = RegistryValue.File(editor.StoreFile(content, Path.GetFileName(file)));
                        // Checked as lkg reg set checks it, inside the write: a refused path leaves nothing written.
                        Validate(key, file, value);
                        editor.SetValue(key, file, value);
                    }
                });
            }
            finally
            {
                staged.ForEach(s => s.Dispose());
            }
        });
        return command;
    }

    /// <summary><c>--health KIND:TARGET</c>, each a Required check named after its kind (<c>Http</c>, <c>Http2</c>, …).</summary>
    private static IEnumerable<(KeyPath, string, RegistryValue)> HealthChecks(KeyPath service, IEnumerable<string> checks)
    {
        var counts = new Dictionary<HealthCheckKind, int>();
        foreach (var check in checks)
        {
            var colon = check.IndexOf(':');
            var kind = colon > 0 && Enum.TryParse<HealthCheckKind>(check[..colon], ignoreCase: true, out var k) && k != HealthCheckKind.Invalid ? k
                : throw new UsageException($"--health \"{Quote.Short(check)}\" is not KIND:TARGET; use http:URL, tcp:HOST:PORT or command:CMD.");
            counts[kind] = counts.GetValueOrDefault(kind) + 1;
            var key = service.Child("Health").Child(counts[kind] == 1 ? $"{kind}" : $"{kind}{counts[kind]}");
            yield return (key, $"{kind}", RegistryValue.String(check[(colon + 1)..]));
        }
    }

    /// <summary>A value of the command line against <see cref="ServiceSchema"/>, with reg set's sentence when it breaks a rule.</summary>
    private static void Validate(KeyPath key, string name, RegistryValue value)
    {
        if (!ServiceSchema.TryValidateValue(key, name, value, out var error))
        {
            throw Refused(key, name, error);
        }
    }

    private static LkgException Refused(KeyPath key, string name, string error) => new(NtStatus.InvalidParameter, $@"{Quote.Short($@"{key}\{name}")}: {error}");

    /// <summary>
    /// Create makes a service; changing one is lkg reg set's. Checked before the write: a create
    /// racing another of the same name may write over it, as two reg sets would.
    /// </summary>
    private static void RequireNew(CommandContext context, KeyPath service)
    {
        using var hive = context.OpenHive();
        if (hive.OpenKey(hive.ReadSelect().Default, service) is not null)
        {
            throw new LkgException(NtStatus.ObjectNameCollision,
                $@"Services\{service.Name} exists already; change it with lkg reg set SYSTEM\CurrentControlSet\Services\{service.Name} NAME VALUE, or choose another name.");
        }
    }

    /// <summary>
    /// <c>lkg service start|stop NAME</c>: one request to the running kernel's control socket
    /// (<see cref="ControlRequest"/>), answered once the service has started (ready, its Required
    /// health checks passed) or stopped. The change is the running boot's: the next boot starts
    /// the service by its <c>Start</c> type again.
    /// </summary>
    private static Command Control(TimeProvider time, ControlVerb verb)
    {
        var name = new Argument<string>("name") { Description = "The service." };
        var command = verb == ControlVerb.Start
            ? new Command("start", "Start a service of the running boot, and its dependencies; returns once it is ready.") { name }
            : new Command("stop", "Stop a running service of the running boot: SIGTERM, then SIGKILL after its stop timeout.") { name };
        command.SetHandler(time, (context, result) =>
        {
            var service = ValidName(result.GetValue(name)!);
            context.Machine.RequireExists();
            if (!context.BootRunning)
            {
                throw new LkgException(NtStatus.InvalidDeviceState, $"No boot manager is running on {context.Machine.Root}; start one with lkg boot (a service with --start auto or demand starts with it).");
            }

            ControlReply reply;
            try
            {
                reply = context.Waiting($"{(verb == ControlVerb.Start ? "Starting" : "Stopping")} {service}...", () => ControlRequest.Send(context.Machine, verb, service));
            }
            catch (IOException e)
            {
                throw new LkgException(NtStatus.InvalidDeviceState,
                    $"The running boot's kernel did not answer ({e.Message}); it may be starting, ending or between boots: see lkg status, and try again.");
            }

            if (!reply.Status.IsSuccess)
            {
                throw new LkgException(reply.Status, reply.Message);
            }

            return context.Report(new ServiceControlDocument(service, verb == ControlVerb.Start ? "start" : "stop", reply.ProcessId > 0 ? reply.ProcessId : null, reply.Message),
                CliJson.Default.ServiceControlDocument, () => context.Console.MarkupLine(Markup.Escape(reply.Message)));
        });
        return command;
    }

    private static string ValidName(string name) =>
        RegistryNames.TryValidateKeyName(name, out var error) ? name : throw new UsageException(error);
}
