using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using LastKnownGood.Drivers;
using LastKnownGood.Machines;
using LastKnownGood.Registry;
using Spectre.Console;

namespace LastKnownGood.Cli;

/// <summary>What every command gets: the machine, whether to answer in JSON, the clock and the consoles.</summary>
internal sealed class CommandContext(MachineDirectory machine, bool json, TimeProvider time, IAnsiConsole console)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public MachineDirectory Machine { get; } = machine;

    public bool Json { get; } = json;

    public TimeProvider Time { get; } = time;

    public IAnsiConsole Console { get; } = console;

    /// <summary>What every screen of a machine in test mode says (DESIGN §10).</summary>
    public const string TestModeNotice = "Test Mode: TestSigning is on; development-signed drivers load.";

    public static string Author => Environment.UserName;

    /// <summary>
    /// Opens the machine's hive for a command that writes; a hive of an older schema is migrated.
    /// On a human screen, a machine in test mode says so first (DESIGN §10: every screen), from the
    /// control set <c>CurrentControlSet</c> stands for.
    /// </summary>
    public Hive OpenHive() => Open(HiveAccess.ReadWrite);

    /// <summary>
    /// Opens the machine's hive for a command that only reads: a hive of an older schema is
    /// refused, not migrated (docs/hive.md), so the machine directory is left as it was.
    /// </summary>
    public Hive ReadHive() => Open(HiveAccess.ReadOnly);

    private Hive Open(HiveAccess access)
    {
        var hive = Machine.OpenHive(Time, access);
        if (!Json && CodeIntegrityPolicy.Read(hive, hive.ResolveCurrentControlSet(BootRunning)).TestSigning)
        {
            Console.MarkupLine($"[yellow]{Markup.Escape(TestModeNotice)}[/]");
        }

        return hive;
    }

    /// <summary>DESIGN §14: piped output never wraps. Call before writing to <see cref="Console"/>.</summary>
    public void NeverWrapWhenPiped()
    {
        if (System.Console.IsOutputRedirected)
        {
            Console.Profile.Width = PipedWidth;
        }
    }

    private const int PipedWidth = 1000;

    /// <summary>True while a boot manager holds the machine: <c>CurrentControlSet</c> then means <c>Current</c>.</summary>
    public bool BootRunning => MachineLock.ReadHolder(Machine.LockPath) is not null;

    public void WriteJson(object value) => System.Console.Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>
    /// Writes <paramref name="items"/> as one JSON array, each item as soon as it is enumerated, so
    /// that a long list is never held in memory; the text is what <see cref="WriteJson(object)"/> writes of the whole list.
    /// </summary>
    public static void WriteJsonArray(IEnumerable<object> items)
    {
        using var output = System.Console.OpenStandardOutput();
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            foreach (var item in items)
            {
                JsonSerializer.Serialize(writer, item, JsonOptions);
                writer.Flush();
            }

            writer.WriteEndArray();
        }

        output.Write("\n"u8);
    }

    /// <summary>Writes a document through its source-generated contract (no reflection).</summary>
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

    /// <summary>Prints <paramref name="json"/> with --json, else runs <paramref name="human"/>.</summary>
    public int Report(object json, Action human)
    {
        if (Json)
        {
            WriteJson(json);
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
        time,
        AnsiConsole.Console);
}
