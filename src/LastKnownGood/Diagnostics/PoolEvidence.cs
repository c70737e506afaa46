namespace LastKnownGood.Diagnostics;

/// <summary>
/// The pool blocks a pool bug check involves (DESIGN §9, §12): the damaged block (or the special
/// pool block overrun) and the block just before it, whose owner most likely wrote past its end.
/// Owners are driver names; a null tag and owner mean a free block, or none found.
/// </summary>
public sealed record PoolEvidence(
    ulong Block,
    string? BlockTag,
    string? BlockOwner,
    ulong? PrecedingBlock,
    string? PrecedingTag,
    string? PrecedingOwner);
