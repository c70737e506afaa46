using System.IO.MemoryMappedFiles;
using LastKnownGood;

namespace FaultDriver;

/// <summary>
/// Spins in a timer callback, making SDK calls and, after each round of them has returned,
/// bumping a counter in a memory-mapped file that a test reads from outside the kernel:
/// bytes 0–7 the number of rounds, 8–15 the UTC ticks when the last round's calls had returned.
/// The file is the first boot's: a later boot that finds it does not spin, so what a test reads
/// is that one boot's.
/// </summary>
internal static class Spinner
{
    private static readonly uint Tag = (uint)('S' | ('p' << 8) | ('i' << 16) | ('n' << 24));

    public static void Run(IDriverContext context, string counterFile)
    {
        if (File.Exists(counterFile))
        {
            context.Log($"{counterFile} is an earlier boot's; not spinning");
            return;
        }

        using var file = MemoryMappedFile.CreateFromFile(counterFile, FileMode.CreateNew, null, 4096);
        using var view = file.CreateViewAccessor();
        for (long rounds = 1; ; rounds++)
        {
            context.AllocatePool(32, Tag, out var block);
            context.FreePool(block!, Tag);
            context.QueryParameter("CounterFile", out _);
            var returned = DateTime.UtcNow.Ticks;
            view.Write(8, returned);
            view.Write(0, rounds);
        }
    }
}
