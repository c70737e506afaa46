using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using LastKnownGood.Kernel.Pool;
using LastKnownGood.Machines;
using LastKnownGood.Registry;

// write-loop HIVE: each write sets Test\A, Test\B and Test\Content to the same counter, and
// prints "begin N" before and "done N" after it commits, until the parent kills the process.
// hold-lock LOCKFILE: takes the machine lock, prints "locked", and holds it until killed.
// try-lock LOCKFILE: tries to take the machine lock once; prints "acquired" (exit 0) or "refused PID", the
// process named as its holder (exit 1).
// hold-write HIVE: opens a write of the hive (its SQLite write lock), prints "holding", and holds it until killed.
// special-pool-write OFFSET: allocates a 64-byte special pool block, prints "allocated", writes one
// byte at OFFSET from its start with a raw store (no bounds check), and prints "wrote".
switch (args)
{
    case ["write-loop", var path]:
        using (var hive = Hive.Open(path, TimeProvider.System))
        {
            var key = KeyPath.Parse(@"Services\Test\Parameters");
            var current = hive.ReadSelect().Default;
            var start = current != 0 && hive.OpenKey(current, key) is { } node && node.TryGetValue("A", out var a) ? a.AsDword() : 0;
            Console.WriteLine("ready");
            for (var n = start + 1; ; n++)
            {
                Console.WriteLine($"begin {n}");
                hive.Write("hive-child", $"write {n}", editor =>
                {
                    editor.SetValue(key, "A", RegistryValue.Dword(n));
                    var text = string.Concat(Enumerable.Repeat(n.ToString(CultureInfo.InvariantCulture) + "\n", 20_000));
                    using var content = new MemoryStream(Encoding.UTF8.GetBytes(text));
                    editor.SetValue(key, "Content", RegistryValue.File(editor.StoreFile(content, "counter.txt")));
                    editor.SetValue(key, "B", RegistryValue.Dword(n));
                });
                Console.WriteLine($"done {n}");
            }
        }

    case ["hold-lock", var path]:
        using (MachineLock.Acquire(path, "hive-child hold-lock", TimeProvider.System))
        {
            Console.WriteLine("locked");
            Console.In.ReadToEnd();
            return 0;
        }

    case ["try-lock", var path]:
        if (MachineLock.TryAcquire(path, "hive-child try-lock", TimeProvider.System, out var acquired, out var holder))
        {
            acquired.Dispose();
            Console.WriteLine("acquired");
            return 0;
        }

        Console.WriteLine($"refused {holder.ProcessId}");
        return 1;

    case ["hold-write", var path]:
        using (var hive = Hive.Open(path, TimeProvider.System))
        {
            hive.Write("hive-child", "holds the write lock", _ =>
            {
                Console.WriteLine("holding");
                Console.In.ReadToEnd();
            });
            return 0;
        }

    case ["special-pool-write", var offset]:
        using (var pool = new KernelPool(specialPoolOwners: [1]))
        {
            var block = pool.Allocate(64, PoolTag.Parse("Test"), 1)!;
            Console.WriteLine("allocated");
            Marshal.WriteByte(block.Address + int.Parse(offset, CultureInfo.InvariantCulture), 0x41);
            Console.WriteLine("wrote");
            return 0;
        }

    default:
        Console.Error.WriteLine("usage: HiveChild write-loop HIVE | hold-lock LOCKFILE | try-lock LOCKFILE | hold-write HIVE | special-pool-write OFFSET");
        return 2;
}
