using LastKnownGood.Cli;
using LastKnownGood.Machines;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Cli;

/// <summary>
/// The commands that only read, on a <c>system.db</c> that is another program's file, of a newer
/// or an older schema, or current: one sentence and exit 1 where lkg cannot use it, and no file
/// of the machine directory changed in any case.
/// </summary>
public sealed class MachineDatabaseCliTests : IDisposable
{
    private static readonly string[][] ReadOnlyCommands =
    [
        ["status"], ["history"], ["crashes"], ["crashes", "show", "1"], [.. "reg query SYSTEM\\Select".Split(' ')],
        ["controlset", "list"], ["controlset", "show", "1"], ["controlset", "diff", "1", "2"], ["analyze"],
        ["content", "list", "Sensor"], ["verifier", "query"],
    ];

    private readonly TempDirectory _temp = new();
    private readonly MachineDirectory _machine;

    public MachineDatabaseCliTests() => _machine = MachineDatabaseFiles.CreateMachine(_temp.Combine("machine"));

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("foreign", "is not a LastKnownGood machine database")]
    [InlineData("newer", "has schema 9; it is newer than schema 8, the newest read by this version of lkg: use a newer version of lkg")]
    [InlineData("older", "has schema 2, older than the schema 8 of this version of lkg, and a command that only reads does not migrate it")]
    public async Task ReadOnlyCommands_OnAHiveLkgCannotUse_SayOneSentence_ExitFailed_AndChangeNoFile(string hive, string sentence)
    {
        Prepare(hive);
        var before = MachineDatabaseFiles.HashFiles(_machine.Root);

        foreach (var command in ReadOnlyCommands)
        {
            var result = await Lkg.RunAsync([.. command, "--machine", _machine.Root], null);

            Assert.Equal((ExitCodes.Failed, 1), (result.ExitCode, result.Error.Split('\n').Length));
            Assert.Contains(sentence, result.Error);
            Assert.Equal(before, MachineDatabaseFiles.HashFiles(_machine.Root));
        }
    }

    [Fact]
    public async Task ReadOnlyCommands_OnACurrentHive_ChangeNoFile()
    {
        var before = MachineDatabaseFiles.HashFiles(_machine.Root);

        foreach (var command in ReadOnlyCommands)
        {
            var result = await Lkg.RunAsync([.. command, "--machine", _machine.Root], null);

            Assert.True(result.ExitCode == ExitCodes.Success, $"lkg {string.Join(' ', command)}: {result.Error}");
            Assert.Equal(before, MachineDatabaseFiles.HashFiles(_machine.Root));
        }
    }

    [Fact]
    public async Task Status_OnAForeignSqliteFile_DoesNotUseTheBackup()
    {
        MachineDatabaseFiles.WriteForeignSqlite(_machine.HivePath);
        var backup = File.ReadAllBytes(_machine.BackupPath);

        var result = await Lkg.RunAsync("status", "--machine", _machine.Root);

        Assert.Equal(ExitCodes.Failed, result.ExitCode);
        Assert.Equal(backup, File.ReadAllBytes(_machine.BackupPath));
        Assert.Empty(Directory.GetFiles(_machine.Root, "system.db.corrupt-*"));
        Assert.Empty(Directory.GetFiles(_machine.Root, "system.db.restore*"));
    }

    private void Prepare(string hive)
    {
        switch (hive)
        {
            case "foreign": MachineDatabaseFiles.WriteForeignSqlite(_machine.HivePath); break;
            case "newer": MachineDatabaseFiles.SetSchema(_machine.HivePath, 9); break;
            case "older": MachineDatabaseFiles.DowngradeToSchema2(_machine.HivePath); break;
            default: throw new ArgumentOutOfRangeException(nameof(hive), hive, "foreign, newer or older");
        }
    }
}
