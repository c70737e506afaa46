using Spectre.Console;

namespace LastKnownGood.Cli;

/// <summary>
/// A block of lines under a heading (a fallback's report, the stop screen). On a terminal, a
/// Spectre panel; in a pipe, the heading on a line of its own and each line indented two spaces,
/// with no box drawing (DESIGN §14), as <see cref="TextTable"/> writes tables.
/// </summary>
internal sealed record TextPanel(string? Header, IReadOnlyList<string> Lines)
{
    public Color Border { get; init; } = Color.Yellow;

    /// <summary>On a terminal: the text's style, a heavy border, and the panel as wide as the terminal.</summary>
    public Style? Body { get; init; }

    public bool Heavy { get; init; }

    public void Write(CommandContext context)
    {
        if (CommandContext.Piped)
        {
            if (Header is not null)
            {
                System.Console.Out.WriteLine($"{Header}:");
            }

            foreach (var line in Lines)
            {
                System.Console.Out.WriteLine(line.Length == 0 ? "" : $"  {line}");
            }

            return;
        }

        var panel = new Panel(new Text(string.Join('\n', Lines), Body ?? Style.Plain)).BorderStyle(Body ?? new Style(Border));
        if (Header is not null)
        {
            panel = panel.Header(Header);
        }

        context.Console.Write(Heavy ? panel.Border(BoxBorder.Heavy).Expand() : panel);
    }
}
