using LastKnownGood.Fuzz;
using SharpFuzz;

// lkg-fuzz TARGET            run under afl-fuzz (scripts/fuzz.sh), input on standard input
// lkg-fuzz TARGET FILE...    run each file through the target once, in process: triage a finding
if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"Name a fuzzing target: {string.Join(", ", FuzzTargets.All.Keys)}.");
    return 2;
}

if (args.Length == 1)
{
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        target(buffer.ToArray());
    });
    return 0;
}

foreach (var file in args.Skip(1))
{
    target(File.ReadAllBytes(file));
    Console.WriteLine($"{file}: no crash");
}

return 0;
