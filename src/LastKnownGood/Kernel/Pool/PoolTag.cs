using System.Text;

namespace LastKnownGood.Kernel.Pool;

/// <summary>
/// Pool tags: four ASCII characters packed into a <see cref="uint"/> with the first character in
/// the lowest byte, so the tag reads correctly in a dump of the header, as Windows' tags do.
/// </summary>
public static class PoolTag
{
    /// <summary>Packs up to four ASCII characters; "Sens" becomes 0x736E6553. Shorter tags are padded with spaces.</summary>
    /// <exception cref="ArgumentException">The tag is empty, longer than four characters, or not ASCII.</exception>
    public static uint Parse(string tag)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        if (tag.Length > 4 || !Ascii.IsValid(tag))
        {
            throw new ArgumentException($"A pool tag is one to four ASCII characters, not '{tag}'.", nameof(tag));
        }

        uint value = 0;
        for (var i = 3; i >= 0; i--)
        {
            value = (value << 8) | (i < tag.Length ? tag[i] : ' ');
        }

        return value;
    }

    /// <summary>The tag's four characters, with '?' for a byte that is not printable ASCII (a damaged header shows as such).</summary>
    public static string Format(uint tag) => string.Create(4, tag, static (chars, value) =>
    {
        for (var i = 0; i < 4; i++)
        {
            var b = (byte)(value >> (8 * i));
            chars[i] = b is >= 0x20 and < 0x7F ? (char)b : '?';
        }
    });
}
