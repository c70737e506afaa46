using LastKnownGood.Drivers;
using LastKnownGood.Internal;
using LastKnownGood.Registry;

namespace LastKnownGood.Recovery;

/// <summary>
/// Signing keys revoked (DESIGN §10), the one owner of the <c>revoked_keys</c> table: a key that a
/// write removes from <c>Control\CI\Keys</c> is recorded here, outside the control sets, so a
/// fallback to a set that still lists it never trusts it again (<see cref="CodeIntegrityPolicy.Read"/>).
/// </summary>
public static class Revocations
{
    /// <summary>The keys trusted by <paramref name="before"/> and not by <paramref name="after"/> are recorded as revoked, inside the caller's transaction.</summary>
    public static void RecordRemoved(Hive hive, int before, int after, string reason, DateTimeOffset now)
    {
        var kept = Trusted(hive, after).Select(k => k.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, name) in Trusted(hive, before).Where(k => !kept.Contains(k.Key)))
        {
            var added = hive.Database.Execute(
                "INSERT OR IGNORE INTO revoked_keys (created, name, public_key, reason) VALUES ($t, $name, $key, $reason)",
                ("$t", now), ("$name", name), ("$key", key), ("$reason", $"removed from Control\\CI\\Keys by \"{reason}\""));
            if (added > 0)
            {
                RowCheck.Seal(hive.Database, Table, Convert.ToInt64(hive.Database.Scalar("SELECT last_insert_rowid()"), System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>The revoked keys, by base64 SubjectPublicKeyInfo, with when and why in words. A damaged row still revokes: its key column is read as it is.</summary>
    public static IReadOnlyDictionary<string, string> Read(Hive hive)
    {
        // A loop over the rows, not LINQ over tuples: every boot reads this, and that is compiled just in time at each start.
        var revoked = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in hive.Database.Stream("SELECT public_key, name, created, reason FROM revoked_keys", r => r))
        {
            revoked.Add(row.GetString(0), $"\"{row.GetString(1)}\" was revoked at {row.GetString(2)}: {row.GetString(3)}");
        }

        return revoked;
    }

    private const string Table = "revoked_keys";

    private static IEnumerable<(string Key, string Name)> Trusted(Hive hive, int set) =>
        (set == 0 ? null : hive.OpenKey(set, CodeIntegrityPolicy.KeysPath))?.Values
            .Where(v => v.Value.Kind == RegistryValueKind.Binary)
            .Select(v => (Convert.ToBase64String(v.Value.Data), v.Name)) ?? [];
}
