using System.CommandLine;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Drivers;
using Spectre.Console;

namespace LastKnownGood.Cli.Commands;

/// <summary><c>lkg sign PACKAGE --key NAME</c>: writes the package's <c>signature.json</c> with a key of the key directory.</summary>
internal static class SignCommand
{
    public static Command Create(TimeProvider time)
    {
        var package = new Argument<string>("package") { Description = "The driver package: the directory holding driver.json." };
        var key = new Option<string>("--key") { Description = "The signing key's name in the key directory ($LKG_KEYS, else ~/.config/lkg/keys).", Required = true };
        var command = new Command("sign", "Sign a driver package.") { package, key };
        command.SetHandler(time, (context, result) =>
        {
            var directory = Path.GetFullPath(result.GetValue(package)!);
            var keyName = result.GetValue(key)!;
            if (!SigningKey.TryValidateName(keyName, out var nameError))
            {
                throw new UsageException(nameError);
            }

            using var signingKey = SigningKey.Load(SigningKey.DefaultDirectory, keyName);
            var signature = PackageSigner.Sign(directory, signingKey);
            var manifest = DriverManifest.Load(directory);
            return context.Report(new SignDocument(directory, manifest.Name, manifest.Version.ToString(), keyName, signature.Digest), CliJson.Default.SignDocument, () =>
                context.Console.MarkupLineInterpolated(
                    $"Signed [bold]{manifest.Name} {manifest.Version}[/] ({directory}) with the key [bold]{keyName}[/]; its digest is {signature.Digest}."));
        });
        return command;
    }
}
