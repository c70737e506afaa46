using Spectre.Console;

namespace LastKnownGood.Cli;

/// <summary>A table cell: plain text, never markup, and the colour it has on a terminal.</summary>
internal readonly record struct TableCell(string Text, Color? Colour = null)
{
    public static implicit operator TableCell(string text) => new(text);
}

/// <summary>
/// Every table lkg prints (DESIGN §14). On a terminal, a Spectre table as wide as the terminal
/// (or <c>COLUMNS</c>); in a pipe, plain columns: a header line, then one line per row, cells
/// padded to their column's width and two spaces apart, never wrapped, with no escape codes and
/// no box drawing, so that <c>cut</c>, <c>awk</c> and <c>grep</c> read them.
/// </summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<TableCell[]> _rows = [];

    public TextTable Add(params TableCell[] cells)
    {
        if (cells.Length != headers.Length)
        {
            throw new ArgumentException($"A row of {cells.Length} cells in a table of {headers.Length} columns.", nameof(cells));
        }

        _rows.Add(cells);
        return this;
    }

    public void Write(CommandContext context)
    {
        if (CommandContext.Piped)
        {
            WritePlain(System.Console.Out);
            return;
        }

        var table = new Table();
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(new Text(header)));
        }

        foreach (var row in _rows)
        {
            table.AddRow(row.Select(c => new Text(c.Text, c.Colour is { } colour ? new Style(colour) : Style.Plain)));
        }

        context.Console.Write(table);
    }

    /// <summary>The plain form, as a pipe gets it.</summary>
    private void WritePlain(TextWriter output)
    {
        var lines = _rows.Select(r => r.Select(c => OneLine(c.Text)).ToArray()).Prepend(headers).ToList();
        var widths = Enumerable.Range(0, headers.Length).Select(i => lines.Max(l => l[i].Length)).ToArray();
        foreach (var line in lines)
        {
            output.WriteLine(string.Join("  ", line.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        }
    }

    /// <summary>A cell that holds a line break, a tab or an escape would break its row or the terminal: each such character becomes a space.</summary>
    private static string OneLine(string text) =>
        text.Any(char.IsControl) ? string.Concat(text.Select(c => char.IsControl(c) ? ' ' : c)) : text;
}
