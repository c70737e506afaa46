using System.CommandLine;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Drivers;
using LastKnownGood.Recovery.Remediation;
using LastKnownGood.Registry;
using Spectre.Console;

namespace LastKnownGood.Cli.Commands;

/// <summary>
/// <c>lkg remediation pack DIR --key NAME [--out FILE]</c> and <c>lkg remediation list</c> (DESIGN §8):
/// make a signed remediation package for the recovery environment, and see what it took.
/// </summary>
internal static class RemediationCommand
{
    public static Command Create(TimeProvider time)
    {
        var command = new Command("remediation", "Make signed remediation packages for machines in safe mode, and list the packages a machine took.");
        command.Subcommands.Add(Pack(time));
        command.Subcommands.Add(List(time));
        return command;
    }

    private static Command Pack(TimeProvider time)
    {
        var package = new Argument<string>("package") { Description = "The directory holding remediation.json and the content files it names." };
        var key = new Option<string>("--key") { Description = "The signing key's name in the key directory ($LKG_KEYS, else ~/.config/lkg/keys); the machines must trust it.", Required = true };
        var output = new Option<string>("--out") { Description = "The archive to write (default: the directory's name with .lkgfix, beside it); index.txt beside it lists every archive there." };
        var command = new Command("pack", "Sign a remediation package and write it as one .lkgfix archive, for a directory or HTTP remediation source.") { package, key, output };
        command.SetHandler(time, (context, result) =>
        {
            var directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(result.GetValue(package)!));
            var keyName = result.GetValue(key)!;
            if (!SigningKey.TryValidateName(keyName, out var nameError))
            {
                throw new UsageException(nameError);
            }

            var archive = Path.GetFullPath(result.GetValue(output) ?? directory + RemediationArchive.Extension);
            if (!RemediationSources.IsPackageName(Path.GetFileName(archive)))
            {
                throw new UsageException($"--out {Path.GetFileName(archive)}: a remediation archive's name ends in {RemediationArchive.Extension} and does not start with a dot; name it so.");
            }

            if (!Directory.Exists(directory))
            {
                throw new LkgException(NtStatus.ObjectNameNotFound, $"The remediation package {directory} does not exist; give the directory that holds remediation.json.");
            }

            if (archive.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new UsageException($"--out {archive} is inside the package it would hold; write the archive elsewhere.");
            }

            using var signingKey = SigningKey.Load(SigningKey.DefaultDirectory, keyName);
            var (change, signature) = RemediationPackage.Pack(directory, signingKey, archive);
            var index = Path.Combine(Path.GetDirectoryName(archive)!, RemediationSources.IndexName);
            return context.Report(new RemediationPackDocument(directory, archive, keyName, signature.Digest, change.Reason, index), CliJson.Default.RemediationPackDocument, () =>
                context.Console.MarkupLineInterpolated(
                    $"Packed [bold]{archive}[/], signed with the key [bold]{keyName}[/] (digest {signature.Digest[..12]}…): {change.Reason}. Serve its directory ({index} lists it) or copy it into a machine's Control\\Recovery\\RemediationSource."));
        });
        return command;
    }

    private static Command List(TimeProvider time)
    {
        var command = new Command("list", "List the remediation packages the recovery environment took, and what became of each.");
        command.SetHandler(time, (context, result) =>
        {
            using var hive = context.ReadHive();
            var records = Remediations.List(hive).Select(RemediationDocument.From).ToArray();
            return context.Report(records, CliJson.Default.RemediationDocumentArray, () =>
            {
                if (records.Length == 0)
                {
                    context.Console.MarkupLine("No remediation package was taken.");
                    return;
                }

                var table = new TextTable("Id", "Package", "Source", "Boot", "Outcome", "Control set", "Why", "When");
                foreach (var r in records)
                {
                    table.Add($"{r.Id}", r.Name, r.Source, $"{r.Boot}", r.Outcome, r.ControlSet is { } set ? ControlSetInfo.FormatName(set) : "", r.Reason, $"{r.Created:u}");
                }

                table.Write(context);
            });
        });
        return command;
    }
}
