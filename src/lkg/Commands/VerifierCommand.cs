using System.CommandLine;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Registry;
using LastKnownGood.Verifier;
using Spectre.Console;

namespace LastKnownGood.Cli.Commands;

/// <summary>
/// <c>lkg verifier enable DRIVER [--special-pool] [--pool-tracking] [--deadlock] [--watchdog] | disable DRIVER | query [DRIVER]</c>:
/// <c>Control\Verifier\&lt;Driver&gt;</c> (DESIGN §11). Changes derive a new control set from
/// <c>Default</c>, like <c>lkg reg set</c>, and apply from the next boot; query shows <c>Default</c>.
/// </summary>
internal static class VerifierCommand
{
    /// <summary>What <c>verifier /standard</c> turns on in Windows, and <c>enable</c> with no check named.</summary>
    private const VerifierFlags StandardChecks = VerifierFlags.SpecialPool | VerifierFlags.PoolTracking | VerifierFlags.Deadlock;

    private static readonly KeyPath ServicesKey = KeyPath.Parse("Services");

    private static readonly (VerifierFlags Check, string Option, string Words, string Column)[] Checks =
    [
        (VerifierFlags.SpecialPool, "--special-pool", "special pool", "specialPool"),
        (VerifierFlags.PoolTracking, "--pool-tracking", "pool tracking", "poolTracking"),
        (VerifierFlags.Deadlock, "--deadlock", "deadlock detection", "deadlock"),
        (VerifierFlags.Watchdog, "--watchdog", "a 1-second watchdog", "watchdog"),
    ];

    public static Command Create(TimeProvider time)
    {
        var command = new Command("verifier", "Run drivers under the verifier's checks, from the next boot (never in safe mode).");
        command.Subcommands.Add(Enable(time));
        command.Subcommands.Add(Disable(time));
        command.Subcommands.Add(Query(time));
        return command;
    }

    private static Command Enable(TimeProvider time)
    {
        var driver = DriverArgument();
        var options = Checks.Select(c => new Option<bool>(c.Option) { Description = $"Check the driver with {c.Words}." }).ToArray();
        var reason = ReasonOption();
        var command = new Command("enable", "Verify a driver; with no check named: special pool, pool tracking and deadlock detection.") { driver, reason };
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        command.SetHandler(time, (context, result) =>
        {
            var chosen = Checks.Zip(options).Where(p => result.GetValue(p.Second)).Aggregate(VerifierFlags.None, (flags, p) => flags | p.First.Check);
            var flags = chosen == VerifierFlags.None ? StandardChecks : chosen;
            using var hive = context.OpenHive();
            var name = InstalledName(hive, ValidName(result.GetValue(driver)!))
                ?? throw new LkgException(NtStatus.ObjectNameNotFound,
                    $@"Services\ has no driver named {Quote.Short(result.GetValue(driver)!)}; install it with lkg driver install first, or list the drivers with lkg reg query SYSTEM\CurrentControlSet\Services.");
            var why = result.GetValue(reason) ?? $"verifier enable {name}: {Describe(flags)}";
            var outcome = hive.Write(CommandContext.Author, why, editor =>
            {
                foreach (var check in Checks)
                {
                    editor.SetValue(VerifierSettings.KeyPath.Child(name), check.Check.ToString(), RegistryValue.Dword(flags.HasFlag(check.Check) ? 1u : 0u));
                }
            });
            return Report(context, outcome, why, name, flags);
        });
        return command;
    }

    private static Command Disable(TimeProvider time)
    {
        var driver = DriverArgument();
        var reason = ReasonOption();
        var command = new Command("disable", "Stop verifying a driver.") { driver, reason };
        command.SetHandler(time, (context, result) =>
        {
            var given = ValidName(result.GetValue(driver)!);
            using var hive = context.OpenHive();
            var set = hive.ReadSelect().Default;
            var verified = hive.OpenKey(set, VerifierSettings.KeyPath)?.Subkeys.Select(s => s.Name).FirstOrDefault(n => RegistryNames.Comparer.Equals(n, given));
            var name = verified ?? InstalledName(hive, given)
                ?? throw new LkgException(NtStatus.ObjectNameNotFound,
                    $@"Neither Services\ nor Control\Verifier has a driver named {Quote.Short(given)}; list the verified drivers with lkg verifier query.");
            var why = result.GetValue(reason) ?? $"verifier disable {name}";
            var outcome = verified is null
                ? new WriteResult(set, Changed: false)
                : hive.Write(CommandContext.Author, why, editor => editor.DeleteKey(VerifierSettings.KeyPath.Child(name)));
            return Report(context, outcome, why, name, VerifierFlags.None);
        });
        return command;
    }

    private static Command Query(TimeProvider time)
    {
        var driver = new Argument<string?>("driver") { Description = "Only this driver.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("query", "Show which drivers the next boot verifies, and how.") { driver };
        command.SetHandler(time, (context, result) =>
        {
            using var hive = context.ReadHive();
            var set = hive.ReadSelect().Default;
            var settings = VerifierSettings.Read(hive, set);
            var only = result.GetValue(driver) is { } given ? ValidName(given) : null;
            if (only is not null && !settings.ContainsKey(only) && InstalledName(hive, only) is null)
            {
                throw new LkgException(NtStatus.ObjectNameNotFound,
                    $@"Services\ has no driver named {Quote.Short(only)}; list the drivers with lkg reg query SYSTEM\CurrentControlSet\Services.");
            }

            var shown = settings.Where(s => only is null || RegistryNames.Comparer.Equals(s.Key, only)).OrderBy(s => s.Key, RegistryNames.Comparer).ToList();
            return context.Report(new VerifierQueryDocument(set, [.. shown.Select(s => VerifierDriverDocument.From(s.Key, s.Value))]), CliJson.Default.VerifierQueryDocument, () =>
            {
                if (shown.Count == 0)
                {
                    context.Console.MarkupLineInterpolated($"{(only is null ? "No driver is" : $"{only} is not")} under the verifier in {ControlSetInfo.FormatName(set)} (Default).");
                    return;
                }

                var table = new TextTable(["Driver", .. Checks.Select(c => c.Column)]);
                foreach (var (name, flags) in shown)
                {
                    table.Add([name, .. Checks.Select(c => (TableCell)(flags.HasFlag(c.Check) ? "on" : "-"))]);
                }

                context.Console.MarkupLineInterpolated($"The verifier in {ControlSetInfo.FormatName(set)} (Default), for the next boot; never in safe mode:");
                table.Write(context);
            });
        });
        return command;
    }

    private static int Report(CommandContext context, WriteResult outcome, string reason, string driver, VerifierFlags flags) =>
        context.Report(new VerifierWriteDocument(outcome.ControlSet, outcome.Changed, VerifierDriverDocument.From(driver, flags)), CliJson.Default.VerifierWriteDocument, () =>
            context.Console.MarkupLine(outcome.Changed
                ? $"Wrote [bold]{ControlSetInfo.FormatName(outcome.ControlSet)}[/] ({Markup.Escape(reason)}); it is Default now, and applies from the next boot (never in safe mode)."
                : $"Nothing changed; [bold]{ControlSetInfo.FormatName(outcome.ControlSet)}[/] stays Default."));

    /// <summary>The driver's name as <c>Services\</c> spells it in <c>Default</c>, or null when it has no such driver.</summary>
    private static string? InstalledName(Hive hive, string driver) =>
        hive.OpenKey(hive.ReadSelect().Default, ServicesKey)?.Subkeys.Select(s => s.Name).FirstOrDefault(n => RegistryNames.Comparer.Equals(n, driver));

    private static string Describe(VerifierFlags flags) => string.Join(", ", Checks.Where(c => flags.HasFlag(c.Check)).Select(c => c.Words));

    private static string ValidName(string name) =>
        RegistryNames.TryValidateKeyName(name, out var error) ? name : throw new UsageException(error);

    private static Argument<string> DriverArgument() => new("driver") { Description = @"The driver, by its Services\ key name." };

    private static Option<string?> ReasonOption() => new("--reason") { Description = "The one-line reason recorded with the new control set." };
}
