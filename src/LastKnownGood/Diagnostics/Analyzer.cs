using LastKnownGood.Drivers;
using LastKnownGood.Machines;
using LastKnownGood.Registry;
using LastKnownGood.Verifier;

namespace LastKnownGood.Diagnostics;

/// <summary>
/// Turns a crash record into a <see cref="CrashAnalysis"/> (DESIGN §12, docs/analysis.md): it
/// resolves source lines, walks the stack for the driver to blame under the crash's control set's
/// triage rules, and reads that set for the driver's package, its verifier state and the changes
/// since Last Known Good. A record without frames gets them from its dump, when the machine's
/// <c>dumps/</c> holds a readable one. It only reads; a control set since deleted leaves those
/// parts empty.
/// </summary>
public sealed partial class Analyzer(Hive hive, MachineDirectory machine, DumpReader dumps)
{
    private readonly DriverStore _drivers = new(machine);

    /// <summary><c>PROCESS_NAME</c> of every bug check: the kernel process is what stops.</summary>
    public const string KernelProcessName = "kernel";

    /// <summary>Windows' <c>FOLLOWUP_NAME</c> when nobody else is to blame.</summary>
    public const string MachineOwner = "MachineOwner";

    public CrashAnalysis Analyze(CrashRecord crash)
    {
        var (frames, stackSource) = StackOf(crash);
        IReadOnlyList<CrashFrame> stack;
        using (var lines = new SourceLineResolver())
        {
            stack = [.. frames.Select(lines.Resolve)];
        }

        var setExists = hive.FindControlSet(crash.ControlSet) is not null;
        var rules = setExists ? TriageRules.Read(hive, crash.ControlSet) : new TriageRules([]);
        var blame = Walk(stack, rules, crash.Component);
        var raisedByVerifier = crash.Code is BugCheckCode.DriverPageFaultBeyondEndOfAllocation or BugCheckCode.DriverVerifierDetectedViolation;
        var verifier = blame.Owner is { } owner && setExists ? VerifierSettings.Read(hive, crash.ControlSet).GetValueOrDefault(owner) : VerifierFlags.None;
        var suspects = Suspects(crash, stack, blame);
        var (image, version) = setExists && blame.Owner is not null ? Image(crash.ControlSet, blame.Owner) : (null, null);
        var lastKnownGood = hive.ReadSelect().LastKnownGood;
        var blamedFrame = blame.Frame is { } index ? stack[index] : null;
        var where = blamedFrame?.Symbol ?? blame.Owner ?? KernelProcessName;
        return new CrashAnalysis
        {
            Crash = crash.Id,
            Code = crash.Code,
            Name = crash.Name,
            Description = BugCheckExplanations.Describe(crash.Code),
            Arguments = BugCheckExplanations.Explain(crash.Code, crash.Parameters),
            Time = crash.Time,
            Boot = crash.Boot,
            ControlSet = crash.ControlSet,
            LastKnownGood = lastKnownGood,
            ProcessName = KernelProcessName,
            ModuleName = blamedFrame?.Module ?? blame.Owner,
            ImageName = image,
            ImageVersion = version,
            SymbolName = blamedFrame?.Symbol,
            Stack = stack,
            StackSource = stackSource,
            BlamedFrame = blame.Frame,
            FailureBucketId = $"0x{(uint)crash.Code:X}_{where}" + (raisedByVerifier || verifier != VerifierFlags.None ? "_VRF" : ""),
            FollowupName = blame.Owner ?? MachineOwner,
            Blamed = blame.Owner,
            BlameReason = blame.Reason,
            Confidence = ConfidenceOf(crash, blame, raisedByVerifier, suspects, fromDump: stack.Count > 0 && crash.Frames.Count == 0),
            Suspects = suspects,
            RaisedByVerifier = raisedByVerifier,
            Verifier = verifier,
            Pool = crash.Pool,
            Changes = setExists && blame.Owner is not null ? Changes(lastKnownGood, crash.ControlSet, blame.Owner) : [],
            ExceptionType = crash.ExceptionType,
            Message = crash.Message,
            LastEvents = crash.LastEvents,
            Dump = crash.Dump,
            DumpPending = crash.Dump is null && crash.Boot is { } boot && IsDumpBeingWritten(boot),
        };
    }

    /// <summary>
    /// Whether the boot manager is writing boot <paramref name="boot"/>'s dump now: its file in
    /// writing is there and a boot manager holds the machine (one that died left it unfinished,
    /// and the next deletes it).
    /// </summary>
    private bool IsDumpBeingWritten(int boot) =>
        File.Exists(Path.Combine(machine.DumpsPath, DumpFile.Writing(boot))) && MachineLock.ReadHolder(machine.LockPath) is not null;

    /// <summary>The package the set's <c>Services\&lt;Driver&gt;\ImagePath</c> names: its entry assembly and version.</summary>
    private (string? Image, string? Version) Image(int controlSet, string driver)
    {
        if (!KeyPath.TryParse($@"Services\{driver}", out var key, out _)
            || hive.OpenKey(controlSet, key) is not { } service
            || !service.TryGetValue("ImagePath", out var value) || value.Kind != RegistryValueKind.Sz)
        {
            return (null, null);
        }

        var imagePath = value.AsString();
        return _drivers.TryResolve(imagePath, out var directory) && DriverManifest.TryLoad(directory, out var manifest, out _)
            ? (Path.GetFileName(manifest.Assembly), manifest.Version.ToString())
            : (Path.GetFileName(imagePath), null);
    }
}
