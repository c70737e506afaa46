using System.CommandLine;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Drivers;
using LastKnownGood.Registry;
using Spectre.Console;

namespace LastKnownGood.Cli.Commands;

/// <summary>
/// <c>lkg keys create NAME [--trust] | trust NAME</c>: signing keys live in the developer's key
/// directory (<c>$LKG_KEYS</c>, else <c>~/.config/lkg/keys</c>); trusting one writes its public
/// key into the machine's <c>Control\CI\Keys</c>.
/// </summary>
internal static class KeysCommand
{
    public static Command Create(TimeProvider time)
    {
        var command = new Command("keys", "Create signing keys and trust them on a machine.");
        command.Subcommands.Add(CreateKey(time));
        command.Subcommands.Add(TrustKey(time));
        return command;
    }

    private static Command CreateKey(TimeProvider time)
    {
        var name = NameArgument();
        var trust = new Option<bool>("--trust") { Description = @"Also trust the key on the machine (Control\CI\Keys)." };
        var command = new Command("create", "Create an ECDSA P-256 signing key in the key directory.") { name, trust };
        command.SetHandler(time, (context, result) =>
        {
            var keyName = ValidName(result.GetValue(name)!);
            var directory = SigningKey.DefaultDirectory;
            // With --trust the machine is opened first, so a missing machine creates no key.
            using var hive = result.GetValue(trust) ? context.OpenHive() : null;
            using var key = SigningKey.Create(keyName);
            if (hive is not null)
            {
                RequireNameFree(hive, keyName, key.PublicKey.Span);
            }

            key.Save(directory);
            var write = hive is null ? (WriteResult?)null : Trust(hive, keyName, key.PublicKey.Span);
            var json = new KeyCreatedDocument(
                keyName,
                Path.Combine(directory, keyName + SigningKey.PrivateKeyExtension),
                Path.Combine(directory, keyName + SigningKey.PublicKeyExtension),
                write is not null,
                write?.ControlSet);
            return context.Report(json, CliJson.Default.KeyCreatedDocument, () =>
            {
                context.Console.MarkupLineInterpolated($"Created the key [bold]{keyName}[/]: {json.PrivateKey} (private: keep it secret) and {json.PublicKey}.");
                if (write is { } written)
                {
                    ReportTrust(context, hive!, keyName, written);
                }
            });
        });
        return command;
    }

    private static Command TrustKey(TimeProvider time)
    {
        var name = NameArgument();
        var command = new Command("trust", @"Trust a key of the key directory on the machine (Control\CI\Keys).") { name };
        command.SetHandler(time, (context, result) =>
        {
            var keyName = ValidName(result.GetValue(name)!);
            var publicKey = SigningKey.LoadPublicKey(SigningKey.DefaultDirectory, keyName);
            using var hive = context.OpenHive();
            RequireNameFree(hive, keyName, publicKey);
            var write = Trust(hive, keyName, publicKey);
            return context.Report(new KeyTrustedDocument(keyName, true, write.ControlSet, write.Changed), CliJson.Default.KeyTrustedDocument,
                () => ReportTrust(context, hive, keyName, write));
        });
        return command;
    }

    private static WriteResult Trust(Hive hive, string name, ReadOnlySpan<byte> publicKey)
    {
        var value = RegistryValue.Binary(publicKey);
        return hive.Write(CommandContext.Author, $"keys trust {name}", editor => editor.SetValue(CodeIntegrityPolicy.KeysPath, name, value));
    }

    /// <summary>Trusting a second key under a name would silently withdraw trust from the first, so that is refused.</summary>
    private static void RequireNameFree(Hive hive, string name, ReadOnlySpan<byte> publicKey)
    {
        var keys = hive.OpenKey(hive.ReadSelect().Default, CodeIntegrityPolicy.KeysPath);
        if (keys is not null && keys.TryGetValue(name, out var existing) && !existing.Data.SequenceEqual(publicKey))
        {
            throw new LkgException(NtStatus.ObjectNameCollision,
                $@"Control\CI\Keys already trusts a different key named {name}; choose another name, or remove that one with lkg reg delete SYSTEM\CurrentControlSet\Control\CI\Keys {name}.");
        }
    }

    private static void ReportTrust(CommandContext context, Hive hive, string name, WriteResult write)
    {
        context.Console.MarkupLine(write.Changed
            ? $@"Control\CI\Keys now trusts [bold]{Markup.Escape(name)}[/]: wrote [bold]{ControlSetInfo.FormatName(write.ControlSet)}[/]; it is Default now."
            : $@"Control\CI\Keys already trusts [bold]{Markup.Escape(name)}[/]; [bold]{ControlSetInfo.FormatName(write.ControlSet)}[/] stays Default.");
    }

    private static Argument<string> NameArgument() => new("name") { Description = "The key's name: letters, digits, '.', '-' or '_'." };

    private static string ValidName(string name) =>
        SigningKey.TryValidateName(name, out var error) ? name : throw new UsageException(error);
}
