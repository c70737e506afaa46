namespace LastKnownGood.Internal;

/// <summary>The script that takes a part's tables from schema <c><see cref="To"/> - 1</c> to <see cref="To"/>.</summary>
internal sealed record DatabaseMigration(int To, string Script);
