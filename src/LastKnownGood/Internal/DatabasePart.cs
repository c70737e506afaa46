namespace LastKnownGood.Internal;

/// <summary>
/// A part of the machine database that owns tables: its name, the script that creates its
/// tables at the current schema (<see cref="Tables"/>), and the scripts that take its tables
/// from one schema to the next (<see cref="Migrations"/>). Scripts are SQL files in the part's
/// own folder (<c>Registry/Schema</c>, <c>Boot/Schema</c>, <c>Diagnostics/Schema</c>), embedded
/// by file name, so no part's code depends on another's. <see cref="Sealed"/> names the part's
/// tables whose rows carry a <see cref="RowCheck"/> in their <c>row_check</c> column.
/// </summary>
internal sealed record DatabasePart(string Name, string Tables, IReadOnlyList<DatabaseMigration> Migrations, IReadOnlyList<string> Sealed);
