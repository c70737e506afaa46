using System.CommandLine;
using System.Globalization;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Drivers;
using LastKnownGood.Registry;
using LastKnownGood.Services;
using Spectre.Console;

namespace LastKnownGood.Cli.Commands;

/// <summary>
/// <c>lkg driver install PACKAGE [--mode kernel|user] [--start ...] [--error-control ...] [--group G]</c>:
/// checks the package's signature against the machine's <c>Control\CI</c>, copies it into
/// <c>drivers/&lt;digest&gt;/</c> and writes <c>Services\&lt;Name&gt;</c> as a new control set.
/// </summary>
internal static class DriverCommand
{
    public static Command Create(TimeProvider time)
    {
        var command = new Command("driver", "Install driver packages.");
        command.Subcommands.Add(Install(time));
        return command;
    }

    private static Command Install(TimeProvider time)
    {
        var package = new Argument<string>("package") { Description = "The signed driver package: the directory holding driver.json and signature.json." };
        var mode = new Option<string?>("--mode") { Description = "kernel (in the kernel process; the default for a new driver) or user (a host process of its own, lkg-host umhost, whose crash is restarted by the driver's FailureActions instead of stopping the machine)." };
        mode.AcceptOnlyFromAmong("kernel", "user");
        var start = new Option<string?>("--start") { Description = "boot, system, auto, demand or disabled, or 0-4 (default: the existing entry's, else demand)." };
        var errorControl = new Option<string?>("--error-control") { Description = "ignore, normal, severe or critical, or 0-3 (default: the existing entry's, else normal)." };
        var group = new Option<string?>("--group") { Description = "The load-order group (default: the existing entry's, else none)." };
        var force = new Option<bool>("--force") { Description = "Install the package even if recovery quarantined it (lkg quarantine list)." };
        var command = new Command("install", "Install a signed driver package and register it under Services.") { package, mode, start, errorControl, group, force };
        command.SetHandler(time, (context, result) =>
        {
            var options = new DriverInstallOptions
            {
                Type = result.GetValue(mode) switch { "user" => ServiceType.UserModeDriver, "kernel" => ServiceType.KernelDriver, _ => null },
                Start = Choice<StartType>(result.GetValue(start), "--start", "boot, system, auto, demand, disabled or 0-4"),
                ErrorControl = Choice<ErrorControl>(result.GetValue(errorControl), "--error-control", "ignore, normal, severe, critical or 0-3"),
                Group = result.GetValue(group) is { } g ? ValidGroup(g) : null,
                Force = result.GetValue(force),
            };
            using var hive = context.OpenHive();
            DriverInstallResult installed;
            try
            {
                installed = new DriverStore(context.Machine).Install(result.GetValue(package)!, hive, CommandContext.Author, options);
            }
            catch (LkgException e) when (e.Status == NtStatus.InvalidImageHash)
            {
                throw new LkgException(e.Status, $"{e.Status}: {e.Message}", e);
            }

            return Report(context, hive, installed);
        });
        return command;
    }

    private static int Report(CommandContext context, Hive hive, DriverInstallResult installed)
    {
        var testSigning = CodeIntegrityPolicy.Read(hive, installed.Write.ControlSet).TestSigning;
        var service = hive.OpenKey(installed.Write.ControlSet, KeyPath.Root.Child("Services").Child(installed.Manifest.Name))!;
        var kernelMode = service.TryGetValue("Type", out var type) && type.AsDword() == (uint)ServiceType.KernelDriver;
        var json = new DriverInstallDocument(
            installed.Manifest.Name,
            installed.Manifest.Version.ToString(),
            installed.Digest,
            installed.ImagePath,
            installed.Directory,
            installed.Copied,
            kernelMode ? "kernel" : "user",
            installed.Write.ControlSet,
            installed.Write.Changed,
            installed.Integrity.KeyName,
            installed.Integrity.TestSigned,
            testSigning);
        return context.Report(json, CliJson.Default.DriverInstallDocument, () =>
        {
            var set = ControlSetInfo.FormatName(installed.Write.ControlSet);
            context.Console.MarkupLineInterpolated(
                $"Installed [bold]{json.Name} {json.Version}[/] as a {(kernelMode ? "kernel-mode" : "user-mode")} driver, signed by {json.Key}, in drivers/{installed.ImagePath}{(installed.Copied ? "" : " (already there)")}.");
            context.Console.MarkupLine(installed.Write.Changed
                ? $@"Wrote [bold]{set}[/] (Services\{Markup.Escape(json.Name)}); it is Default now."
                : $@"Services\{Markup.Escape(json.Name)} was already so; [bold]{set}[/] stays Default.");
            if (installed.Integrity.TestSigned)
            {
                context.Console.MarkupLineInterpolated($"[yellow]The package is test-signed: this machine does not trust the key {json.Key}, so it loads only while TestSigning is on.[/]");
            }
        });
    }

    /// <summary>Parses a name of <typeparamref name="T"/> or its number, as sc.exe and the registry spell them.</summary>
    internal static T? Choice<T>(string? text, string option, string allowed)
        where T : struct, Enum
    {
        if (text is null)
        {
            return null;
        }

        var number = uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (uint?)null;
        foreach (var value in Enum.GetValues<T>())
        {
            if (number == Convert.ToUInt32(value, CultureInfo.InvariantCulture) || string.Equals(text, value.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        throw new UsageException($"{option} \"{Quote.Short(text)}\" is not allowed; use {allowed}.");
    }

    private static string ValidGroup(string group) => group.Length > 0 && !group.Any(char.IsControl)
        ? group
        : throw new UsageException("--group is empty or has a control character; give the group's name, such as Early-Launch.");
}
