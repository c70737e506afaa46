using LastKnownGood.Internal;
using LastKnownGood.Diagnostics;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Registry;

/// <summary>The hive file's schema version: schema 2, from before crash records had frames, is migrated on open.</summary>
public sealed class HiveSchemaTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Open_OfASchema2Hive_MigratesItAndKeepsItsCrashRecords()
    {
        var path = _temp.Combine("system.db");
        Hive.Create(path, TimeProvider.System).Dispose();
        using (var database = SqliteDatabase.Open(path, create: false))
        {
            foreach (var statement in (string[])[.. MachineDatabaseFiles.ToSchema2,
                "INSERT INTO crashes (time, code, parameters, boot, control_set, message, stack, events) VALUES ('2026-07-19T04:09:00.0000000+00:00', 80, '[1,2,3,4]', 1, 1, 'old', 'stack', '[]')"])
            {
                database.Execute(statement);
            }
        }

        using var hive = Hive.Open(path, TimeProvider.System);

        var old = Assert.Single(CrashLog.List(hive));
        Assert.Equal((BugCheckCode.PageFaultInNonpagedArea, "old", 0, (PoolEvidence?)null, (string?)null), (old.Code, old.Message, old.Frames.Count, old.Pool, old.Dump));
        Assert.Equal("8", hive.Database.Scalar("SELECT value FROM meta WHERE key = 'schema'"));
    }
}
