namespace LastKnownGood.Benchmarks;

/// <summary>
/// The content both stores hold for the file benchmarks: 1,024 files of 1 MiB (1 GiB), one per
/// service, as the <c>Content</c> FILE value of its <c>Parameters</c> key. Bytes are pseudo-random
/// from a seed, so every file, and every replacement, is different.
/// </summary>
internal static class ContentFiles
{
    public const int FileCount = 1_024;
    public const int FileSize = 1024 * 1024;
    public const string ValueName = "Content";

    public static string FileName(int service) => $"svc{service:D4}.bin";

    /// <summary>Fills <paramref name="buffer"/> with the bytes of file number <paramref name="seed"/>.</summary>
    public static void Fill(byte[] buffer, int seed)
    {
#pragma warning disable CA5394 // Reproducible test data, not a secret: a seeded generator is the point.
        new Random(seed).NextBytes(buffer);
#pragma warning restore CA5394
    }
}
