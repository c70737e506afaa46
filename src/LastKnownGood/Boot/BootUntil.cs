namespace LastKnownGood.Boot;

/// <summary><c>lkg boot --until accepted|halted|N-boots</c>: when a boot manager run ends by itself.</summary>
public sealed record BootUntil
{
    private BootUntil(string text) => Text = text;

    /// <summary>A boot is accepted.</summary>
    public static BootUntil Accepted { get; } = new("accepted");

    /// <summary>Recovery has run out and the machine waits for a person.</summary>
    public static BootUntil Halted { get; } = new("halted");

    /// <summary>After this many boots: the last one is shut down once it is ready, if it has not ended.</summary>
    public int? Boots { get; private init; }

    public string Text { get; }

    public static BootUntil Parse(string text)
    {
        if (text == Accepted.Text)
        {
            return Accepted;
        }

        if (text == Halted.Text)
        {
            return Halted;
        }

        return text.EndsWith("-boots", StringComparison.Ordinal) && int.TryParse(text.AsSpan(0, text.Length - "-boots".Length), out var boots) && boots > 0
            ? new BootUntil(text) { Boots = boots }
            : throw new FormatException($"--until takes accepted, halted or N-boots (such as 3-boots), not \"{Quote.Short(text)}\".");
    }

    public override string ToString() => Text;
}
