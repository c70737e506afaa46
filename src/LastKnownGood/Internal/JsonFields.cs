using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace LastKnownGood.Internal;

/// <summary>
/// The top-level string fields of a small JSON object (<c>signature.json</c>, <c>driver.json</c>),
/// read by a strict RFC 8259 parser of its own. The kernel reads both files of every driver
/// package at every boot, and System.Text.Json's first use (loading it, its reader's tables and
/// its vectorized search code, some compiled at run time) was a tenth of the kernel's start
/// (bench/README.md, kernel start). The whole text is checked as <c>JsonDocument.Parse</c>
/// checks it with default options: no comments, no trailing commas, nothing after the root
/// value, at most 64 levels of nesting; a field named twice has its last value. Stricter in one
/// way: text that is not UTF-8, or a <c>\u</c> escape that leaves half a surrogate pair, is not
/// JSON here, where System.Text.Json threw when the field was read.
/// </summary>
internal sealed class JsonFields
{
    private const int MaxDepth = 64;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly string?[] _strings;
    private readonly bool[] _present;

    private JsonFields(int count)
    {
        _strings = new string?[count];
        _present = new bool[count];
    }

    /// <summary>False when the root value is not an object (the text is valid JSON all the same).</summary>
    public bool IsObject { get; private set; }

    /// <summary>
    /// Reads <paramref name="json"/>, keeping the top-level fields named in <paramref name="names"/>;
    /// false, with the 1-based line where the text stops being JSON, when it is not JSON.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> json, ReadOnlySpan<string> names, [NotNullWhen(true)] out JsonFields? fields, out int line)
    {
        var parser = new Parser(json);
        fields = new JsonFields(names.Length);
        var read = parser.TryReadRoot(fields, names) && parser.AtEnd();
        line = parser.Line;
        if (!read)
        {
            fields = null;
        }

        return read;
    }

    /// <summary>True when the field was there, whatever its value.</summary>
    public bool Has(int index) => _present[index];

    /// <summary>The field's text when its value is a string; null when it is absent or another kind of value.</summary>
    public string? String(int index) => _strings[index];

    private ref struct Parser(ReadOnlySpan<byte> text)
    {
        private readonly ReadOnlySpan<byte> _text = text;
        private int _position;

        /// <summary>1-based line of the position reached.</summary>
        public int Line { get; private set; } = 1;

        public bool TryReadRoot(JsonFields fields, ReadOnlySpan<string> names)
        {
            SkipWhitespace();
            if (Peek() != '{')
            {
                return TryReadValue(0);
            }

            fields.IsObject = true;
            _position++;
            SkipWhitespace();
            if (Peek() == '}')
            {
                _position++;
                return true;
            }

            while (true)
            {
                SkipWhitespace();
                if (!TryReadString(out var name))
                {
                    return false;
                }

                SkipWhitespace();
                if (Peek() != ':')
                {
                    return false;
                }

                _position++;
                SkipWhitespace();
                var index = names.IndexOf(name);
                if (Peek() == '"')
                {
                    if (!TryReadString(out var value))
                    {
                        return false;
                    }

                    Keep(index, value);
                }
                else if (TryReadValue(1))
                {
                    Keep(index, null);
                }
                else
                {
                    return false;
                }

                SkipWhitespace();
                switch (Next())
                {
                    case ',':
                        continue;
                    case '}':
                        return true;
                    default:
                        return false;
                }
            }

            void Keep(int index, string? value)
            {
                if (index >= 0)
                {
                    fields._present[index] = true;
                    fields._strings[index] = value;
                }
            }
        }

        /// <summary>Whitespace alone is left after the root value.</summary>
        public bool AtEnd()
        {
            SkipWhitespace();
            return _position == _text.Length;
        }

        /// <summary>Any value; <paramref name="depth"/> is the number of objects and arrays it is inside.</summary>
        private bool TryReadValue(int depth)
        {
            switch (Peek())
            {
                case '{':
                case '[':
                    return TryReadContainer(depth);
                case '"':
                    return TryReadString(out _);
                case 't':
                    return TryReadLiteral("true"u8);
                case 'f':
                    return TryReadLiteral("false"u8);
                case 'n':
                    return TryReadLiteral("null"u8);
                default:
                    return TryReadNumber();
            }
        }

        private bool TryReadContainer(int depth)
        {
            if (depth >= MaxDepth)
            {
                return false;
            }

            var isObject = Next() == '{';
            var close = isObject ? '}' : ']';
            SkipWhitespace();
            if (Peek() == close)
            {
                _position++;
                return true;
            }

            while (true)
            {
                SkipWhitespace();
                if (isObject)
                {
                    if (!TryReadString(out _))
                    {
                        return false;
                    }

                    SkipWhitespace();
                    if (Next() != ':')
                    {
                        return false;
                    }

                    SkipWhitespace();
                }

                if (!TryReadValue(depth + 1))
                {
                    return false;
                }

                SkipWhitespace();
                var next = Next();
                if (next == close)
                {
                    return true;
                }

                if (next != ',')
                {
                    return false;
                }
            }
        }

        /// <summary>A string, its escapes undone; false for a control character, a bad escape, half a surrogate pair or bytes that are not UTF-8.</summary>
        private bool TryReadString(out string value)
        {
            value = "";
            if (Next() != '"')
            {
                return false;
            }

            StringBuilder? unescaped = null;
            var run = _position;
            while (true)
            {
                if (_position >= _text.Length)
                {
                    return false;
                }

                var b = _text[_position];
                if (b < 0x20)
                {
                    return false;
                }

                if (b == '"')
                {
                    if (!TryDecode(_text[run.._position], out var tail))
                    {
                        return false;
                    }

                    _position++;
                    value = unescaped is null ? tail : unescaped.Append(tail).ToString();

                    // Decoded UTF-8 holds whole pairs; only a \u escape can leave half of one.
                    return unescaped is null || HasOnlyPairs(value);
                }

                if (b != '\\')
                {
                    _position++;
                    continue;
                }

                unescaped ??= new StringBuilder();
                if (!TryDecode(_text[run.._position], out var before))
                {
                    return false;
                }

                unescaped.Append(before);
                _position++;
                switch (Next())
                {
                    case '"': unescaped.Append('"'); break;
                    case '\\': unescaped.Append('\\'); break;
                    case '/': unescaped.Append('/'); break;
                    case 'b': unescaped.Append('\b'); break;
                    case 'f': unescaped.Append('\f'); break;
                    case 'n': unescaped.Append('\n'); break;
                    case 'r': unescaped.Append('\r'); break;
                    case 't': unescaped.Append('\t'); break;
                    case 'u':
                        if (_position + 4 > _text.Length || !TryHex(_text.Slice(_position, 4), out var unit))
                        {
                            return false;
                        }

                        unescaped.Append(unit);
                        _position += 4;
                        break;
                    default:
                        return false;
                }

                run = _position;
            }
        }

        private static bool TryDecode(ReadOnlySpan<byte> bytes, out string value)
        {
            try
            {
                value = StrictUtf8.GetString(bytes);
                return true;
            }
            catch (DecoderFallbackException)
            {
                value = "";
                return false;
            }
        }

        private static bool HasOnlyPairs(string value)
        {
            for (var i = 0; i < value.Length; i++)
            {
                if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    i++;
                }
                else if (char.IsSurrogate(value[i]))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool TryHex(ReadOnlySpan<byte> digits, out char unit)
        {
            var code = 0;
            foreach (var digit in digits)
            {
                var nibble = digit switch
                {
                    >= (byte)'0' and <= (byte)'9' => digit - '0',
                    >= (byte)'a' and <= (byte)'f' => digit - 'a' + 10,
                    >= (byte)'A' and <= (byte)'F' => digit - 'A' + 10,
                    _ => -1,
                };
                if (nibble < 0)
                {
                    unit = '\0';
                    return false;
                }

                code = (code << 4) | nibble;
            }

            unit = (char)code;
            return true;
        }

        private bool TryReadLiteral(ReadOnlySpan<byte> literal)
        {
            if (!_text[_position..].StartsWith(literal))
            {
                return false;
            }

            _position += literal.Length;
            return true;
        }

        /// <summary>-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</summary>
        private bool TryReadNumber()
        {
            if (Peek() == '-')
            {
                _position++;
            }

            if (Peek() == '0')
            {
                _position++;
            }
            else if (!TryReadDigits())
            {
                return false;
            }

            if (Peek() == '.')
            {
                _position++;
                if (!TryReadDigits())
                {
                    return false;
                }
            }

            if (Peek() is 'e' or 'E')
            {
                _position++;
                if (Peek() is '+' or '-')
                {
                    _position++;
                }

                if (!TryReadDigits())
                {
                    return false;
                }
            }

            // A number ends at whitespace, ',', ']', '}' or the end: "01" or "1x" is not JSON.
            return Peek() is -1 or ' ' or '\t' or '\n' or '\r' or ',' or ']' or '}';
        }

        private bool TryReadDigits()
        {
            var start = _position;
            while (Peek() is >= '0' and <= '9')
            {
                _position++;
            }

            return _position > start;
        }

        private void SkipWhitespace()
        {
            while (Peek() is ' ' or '\t' or '\n' or '\r')
            {
                if (_text[_position] == '\n')
                {
                    Line++;
                }

                _position++;
            }
        }

        private readonly int Peek() => _position < _text.Length ? _text[_position] : -1;

        private int Next() => _position < _text.Length ? _text[_position++] : -1;
    }
}
