namespace LastKnownGood.Internal;

/// <summary>Character tests over strings for the paths every boot runs.</summary>
internal static class Characters
{
    /// <summary>
    /// True when a character of <paramref name="text"/> passes <paramref name="test"/>. LINQ's
    /// <c>Any</c> over a string is generic code over <c>char</c> that ReadyToRun leaves to the JIT,
    /// which the kernel's package checks paid at every boot.
    /// </summary>
    public static bool Any(string text, Func<char, bool> test)
    {
        foreach (var c in text)
        {
            if (test(c))
            {
                return true;
            }
        }

        return false;
    }
}
