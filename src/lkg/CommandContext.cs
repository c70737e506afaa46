using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LastKnownGood.Drivers;
using LastKnownGood.Machines;
using LastKnownGood.Registry;
using Spectre.Console;

namespace LastKnownGood.Cli;

/// <summary>What every command gets: the machine, whether to answer in JSON, the clock and the consoles.</summary>
internal sealed class CommandContext(MachineDirectory machine, bool json, TimeProvider time)
{
    public MachineDirectory Machine { get; } = machine;

    public bool Json { get; } = json;

    public TimeProvider Time { get; } = time;

    /// <summary>
    /// The terminal, for human output only. With --json a command writes its document and nothing
    /// else, so the console is never created there (creating it costs a fair part of a command's
    /// start); asking for it then is a bug.
    /// </summary>
    public IAnsiConsole Console => Json
        ? throw new InvalidOperationException("With --json, a command writes only its document and must not use the console.")
        : Terminal.Value;

    /// <summary>
    /// DESIGN §14: piped output never wraps, so a pipe gets lines as long as they are (tables are
    /// plain columns there, <see cref="TextTable"/>); a terminal is as wide as it says, or as
    /// <c>COLUMNS</c> says. Spectre leaves out colour under <c>NO_COLOR</c>, and escape codes in a pipe.
    /// </summary>
    private static readonly Lazy<IAnsiConsole> Terminal = new(() =>
    {
        var console = AnsiConsole.Console;
        if (Piped)
        {
            console.Profile.Width = PipedWidth;
        }
        else if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), NumberStyles.None, CultureInfo.InvariantCulture, out var columns) && columns > 0)
        {
            console.Profile.Width = columns;
        }

        return console;
    });

    /// <summary>Whether standard output is a pipe or a file rather than a terminal: plain text there, no spinner, no box drawing (DESIGN §14).</summary>
    public static bool Piped => System.Console.IsOutputRedirected;

    /// <summary>
    /// A long wait (a pre-flight, a demo's boots, a service's start, a shutdown): on a terminal, a
    /// spinner with <paramref name="what"/> while <paramref name="work"/> runs; in a pipe or with
    /// --json, nothing is shown, so that the output is only the answer (DESIGN §14).
    /// </summary>
    public T Waiting<T>(string what, Func<T> work) =>
        Json || Piped
            ? work()
            : Console.Status().Spinner(Spinner.Known.Dots).Start(Markup.Escape(what), _ => work());

    /// <summary>What every screen of a machine in test mode says (DESIGN §10).</summary>
    public const string TestModeNotice = "Test Mode: TestSigning is on; development-signed drivers load.";

    public static string Author => Environment.UserName;

    /// <summary>
    /// Opens the machine's hive for a command that writes; a hive of an older schema is migrated.
    /// On a human screen, a machine in test mode says so first (DESIGN §10: every screen), from the
    /// control set <c>CurrentControlSet</c> stands for.
    /// </summary>
    public Hive OpenHive() => Open(HiveAccess.ReadWrite, HiveVerification.SelectedSets);

    /// <summary>
    /// Opens the machine's hive for a command that only reads: a hive of an older schema is
    /// refused, not migrated (docs/hive.md), so the machine directory is left as it was, and
    /// only the keys the command reads are verified, as it reads them.
    /// </summary>
    public Hive ReadHive() => Open(HiveAccess.ReadOnly, HiveVerification.OnRead);

    private Hive Open(HiveAccess access, HiveVerification verification)
    {
        var hive = Machine.OpenHive(Time, access, verification);
        if (!Json && CodeIntegrityPolicy.Read(hive, hive.ResolveCurrentControlSet(BootRunning)).TestSigning)
        {
            // A banner, not output: on standard error, so that a pipe reads only what the command answers.
            System.Console.Error.WriteLine(TestModeNotice);
        }

        return hive;
    }

    private const int PipedWidth = 1000;

    /// <summary>True while a boot manager holds the machine: <c>CurrentControlSet</c> then means <c>Current</c>.</summary>
    public bool BootRunning => Held is not null || MachineLock.ReadHolder(Machine.LockPath) is not null;

    /// <summary>
    /// The machine lock, when this command holds it (<c>lkg boot</c>): a boot manager then holds the
    /// machine, known without looking it up in /proc/locks, which costs 10 to 15 ms on a busy host.
    /// </summary>
    public MachineLock? Held { get; set; }

    /// <summary>How much of a streamed array is written out at once: one write per few dozen items, not per item.</summary>
    private const int FlushBytes = 16 * 1024;

    /// <summary>
    /// Writes <paramref name="items"/> as one JSON array through <paramref name="contract"/>, each item as soon as it is
    /// enumerated, so that a long list is never held in memory; the text is what the whole list gives through its array contract.
    /// </summary>
    public static void WriteJsonArray<T>(IEnumerable<T> items, JsonTypeInfo<T> contract)
    {
        using var output = System.Console.OpenStandardOutput();
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = contract.Options.WriteIndented, Encoder = contract.Options.Encoder }))
        {
            writer.WriteStartArray();
            foreach (var item in items)
            {
                JsonSerializer.Serialize(writer, item, contract);
                if (writer.BytesPending >= FlushBytes)
                {
                    writer.Flush();
                }
            }

            writer.WriteEndArray();
        }

        output.Write("\n"u8);
    }

    /// <summary>Writes a document through its contract in <see cref="Documents.CliJson"/>, the one way JSON is written (no reflection).</summary>
    public static void WriteJson<T>(T value, JsonTypeInfo<T> contract) => System.Console.Out.WriteLine(JsonSerializer.Serialize(value, contract));

    /// <summary>Prints <paramref name="json"/> through <paramref name="contract"/> with --json, else runs <paramref name="human"/>.</summary>
    public int Report<T>(T json, JsonTypeInfo<T> contract, Action human)
    {
        if (Json)
        {
            WriteJson(json, contract);
        }
        else
        {
            human();
        }

        return ExitCodes.Success;
    }

    public static CommandContext From(ParseResult result, TimeProvider time) => new(
        MachineDirectory.Resolve(result.GetValue(LkgCommand.MachineOption)),
        result.GetValue(LkgCommand.JsonOption),
        time);
}
