namespace LastKnownGood.Internal;

/// <summary>
/// The one place the machine database's parts are registered, with the schema version they
/// make up together. A change to any part's tables raises <see cref="Version"/> and adds that
/// part's migration to it; a part added later creates its tables in a migration of its own.
/// </summary>
internal static class MachineSchema
{
    /// <summary>The schema this lkg creates and uses.</summary>
    public const int Version = 8;

    /// <summary>The oldest schema migrated: schema 1 predates the migrations.</summary>
    public const int OldestMigrated = 2;

    /// <summary>Every part, in the order their tables are created and their migrations run.</summary>
    public static readonly IReadOnlyList<DatabasePart> Parts =
    [
        new("registry", "registry.sql", [new(4, "registry.4.sql")], Sealed: ["control_sets"]),
        new("boot history", "boots.sql", [new(4, "boots.4.sql"), new(5, "boots.5.sql")], Sealed: ["boots"]),
        new("crash records", "crashes.sql", [new(3, "crashes.3.sql"), new(4, "crashes.4.sql"), new(5, "crashes.5.sql")], Sealed: ["crashes"]),
        new("event log", "events.sql", [new(6, "events.6.sql")], Sealed: []),
        new("recovery", "recovery.sql", [new(7, "recovery.7.sql")], Sealed: ["quarantine", "recoveries", "revoked_keys", "version_floors"]),
        new("remediation", "remediation.sql", [new(8, "remediation.8.sql")], Sealed: ["remediations"]),
    ];

    /// <summary>The tables whose rows carry a <see cref="RowCheck"/>: every part's rows outside the hash trees.</summary>
    public static IEnumerable<string> SealedTables => Parts.SelectMany(p => p.Sealed);

    /// <summary>The scripts that take schema <paramref name="version"/> to <see cref="Version"/>, oldest step first.</summary>
    public static IEnumerable<(int To, string Script)> MigrationsFrom(int version) =>
        from to in Enumerable.Range(version + 1, Math.Max(0, Version - version))
        from part in Parts
        from migration in part.Migrations
        where migration.To == to
        select (to, migration.Script);

    /// <summary>The text of an embedded script.</summary>
    public static string Read(string script)
    {
        using var stream = typeof(MachineSchema).Assembly.GetManifestResourceStream(script)
            ?? throw new InvalidOperationException($"The schema script {script} is not embedded in {typeof(MachineSchema).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
