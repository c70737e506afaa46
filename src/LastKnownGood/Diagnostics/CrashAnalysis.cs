using System.Text.Json.Serialization;
using LastKnownGood.Verifier;

namespace LastKnownGood.Diagnostics;

/// <summary>
/// What <c>lkg analyze</c> says about one crash (DESIGN §12): the fields of WinDbg's
/// <c>!analyze -v</c> in this runtime's terms, and beyond them the changes since Last Known Good
/// in the blamed component, the pool owners involved, the verifier's state, and how sure the
/// blame is. Built by <see cref="Analyzer"/>; screens and JSON only format it. Two analyses are
/// equal when every field is, lists element by element.
/// </summary>
public sealed record CrashAnalysis
{
    public required long Crash { get; init; }

    [JsonConverter(typeof(StopCodeJsonConverter))]
    public required BugCheckCode Code { get; init; }

    /// <summary>The stop code's name, <c>PAGE_FAULT_IN_NONPAGED_AREA</c>.</summary>
    public required string Name { get; init; }

    /// <summary>One sentence on what the stop code means.</summary>
    public required string Description { get; init; }

    /// <summary>The four parameters, each with its meaning for this code.</summary>
    public required IReadOnlyList<BugCheckArgument> Arguments { get; init; }

    public required DateTimeOffset Time { get; init; }

    public required int? Boot { get; init; }

    /// <summary>The control set the crashed boot ran.</summary>
    public required int ControlSet { get; init; }

    /// <summary><c>Select\LastKnownGood</c> when analyzed, 0 when there is none.</summary>
    public required int LastKnownGood { get; init; }

    /// <summary><c>PROCESS_NAME</c>: every bug check stops the kernel process.</summary>
    public required string ProcessName { get; init; }

    /// <summary><c>MODULE_NAME</c>: the blamed frame's assembly, or the blamed driver when no frame was blamed.</summary>
    public required string? ModuleName { get; init; }

    /// <summary><c>IMAGE_NAME</c>: the blamed driver's entry assembly in the package its <c>ImagePath</c> names.</summary>
    public required string? ImageName { get; init; }

    /// <summary>The version in that package's <c>driver.json</c>.</summary>
    public required string? ImageVersion { get; init; }

    /// <summary><c>SYMBOL_NAME</c>: <c>Module!Type.Method</c> of the blamed frame.</summary>
    public required string? SymbolName { get; init; }

    /// <summary><c>STACK_TEXT</c>: the faulting thread's frames, top first, with source lines where a PDB gave them.</summary>
    public required IReadOnlyList<CrashFrame> Stack { get; init; }

    /// <summary>Where <see cref="Stack"/> came from: the crash record, the dump (and which of its threads), or none.</summary>
    public required string StackSource { get; init; }

    /// <summary>The index in <see cref="Stack"/> of the blamed frame, or null when no frame was blamed.</summary>
    public required int? BlamedFrame { get; init; }

    /// <summary><c>FAILURE_BUCKET_ID</c>: <c>0x50_Sensor!ContentInterpreter.Match</c>, with <c>_VRF</c> under the verifier.</summary>
    public required string FailureBucketId { get; init; }

    /// <summary><c>FOLLOWUP_NAME</c>: whom to follow up with, the blamed driver, else <c>MachineOwner</c>.</summary>
    public required string FollowupName { get; init; }

    /// <summary>The driver blamed, or null when nothing points at one.</summary>
    public required string? Blamed { get; init; }

    /// <summary>One sentence on how the blame was decided.</summary>
    public required string BlameReason { get; init; }

    public required Confidence Confidence { get; init; }

    /// <summary>The other drivers the evidence points at.</summary>
    public required IReadOnlyList<Suspect> Suspects { get; init; }

    /// <summary>True when a verifier check raised the bug check (0xD6, 0xC4).</summary>
    public required bool RaisedByVerifier { get; init; }

    /// <summary>The verifier's checks on the blamed driver in the crash's control set.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<VerifierFlags>))]
    public required VerifierFlags Verifier { get; init; }

    /// <summary>The pool blocks involved, with tags and owners, for pool bug checks.</summary>
    public required PoolEvidence? Pool { get; init; }

    /// <summary>The changes from Last Known Good to the crash's set in the blamed component's subtree.</summary>
    public required IReadOnlyList<ComponentChange> Changes { get; init; }

    public required string? ExceptionType { get; init; }

    public required string Message { get; init; }

    public required IReadOnlyList<string> LastEvents { get; init; }

    /// <summary>The dump's file name in the machine's <c>dumps/</c>, when one was written.</summary>
    public required string? Dump { get; init; }

    /// <summary>
    /// No dump is recorded yet because the boot manager is still writing it, beside the next boot
    /// (DESIGN §9); analyzing the crash again once it is recorded adds it.
    /// </summary>
    public bool DumpPending { get; init; }

    public bool Equals(CrashAnalysis? other) =>
        other is not null
        && (Crash, Code, Name, Description, Time, Boot, ControlSet, LastKnownGood, ProcessName, ModuleName, ImageName, ImageVersion, SymbolName)
            == (other.Crash, other.Code, other.Name, other.Description, other.Time, other.Boot, other.ControlSet, other.LastKnownGood, other.ProcessName,
                other.ModuleName, other.ImageName, other.ImageVersion, other.SymbolName)
        && (StackSource, BlamedFrame, FailureBucketId, FollowupName, Blamed, BlameReason, Confidence, RaisedByVerifier, Verifier, Pool, ExceptionType, Message, Dump, DumpPending)
            == (other.StackSource, other.BlamedFrame, other.FailureBucketId, other.FollowupName, other.Blamed, other.BlameReason, other.Confidence, other.RaisedByVerifier,
                other.Verifier, other.Pool, other.ExceptionType, other.Message, other.Dump, other.DumpPending)
        && Arguments.SequenceEqual(other.Arguments) && Stack.SequenceEqual(other.Stack) && Suspects.SequenceEqual(other.Suspects)
        && Changes.SequenceEqual(other.Changes) && LastEvents.SequenceEqual(other.LastEvents);

    public override int GetHashCode() => HashCode.Combine(Crash, Code, FailureBucketId, Confidence);
}
