-- The recovery part's tables at the machine database's current schema (Internal/MachineSchema.cs):
-- what Improved recovery records outside the control sets, so that no rollback undoes it (DESIGN §8, §10).
-- Quarantine: a culprit found by a fallback or a pre-flight, by component and content hash (a content
-- file) or by key, name and value (any other value). A write of it again is refused until released.
CREATE TABLE quarantine (
    id INTEGER PRIMARY KEY, created TEXT NOT NULL, component TEXT NOT NULL, kind TEXT NOT NULL,
    key TEXT NOT NULL, name TEXT NOT NULL, identity TEXT NOT NULL, crash INTEGER, boot INTEGER,
    reason TEXT NOT NULL, released TEXT, row_check BLOB);
CREATE INDEX quarantine_held ON quarantine (component) WHERE released IS NULL;
-- Every fallback's report ("why was I rolled back?"), one per fallback boot, as JSON (RecoveryLog).
CREATE TABLE recoveries (
    id INTEGER PRIMARY KEY, boot INTEGER NOT NULL UNIQUE, created TEXT NOT NULL, report TEXT NOT NULL, row_check BLOB);
-- Signing keys removed from Control\CI\Keys by a write: a fallback to a set that still lists one never trusts it again (DESIGN §10).
CREATE TABLE revoked_keys (
    id INTEGER PRIMARY KEY, created TEXT NOT NULL, name TEXT NOT NULL, public_key TEXT NOT NULL UNIQUE, reason TEXT NOT NULL, row_check BLOB);
-- The recent real events each component evaluated, as the kernel dispatched them (the fields a JSON array of
-- strings): the newest Control\Recovery\PreflightEvents per component, what a content pre-flight replays (DESIGN §8).
CREATE TABLE recorded_events (
    id INTEGER PRIMARY KEY, component TEXT NOT NULL COLLATE NOCASE, boot INTEGER NOT NULL, time TEXT NOT NULL,
    type TEXT NOT NULL, fields TEXT NOT NULL);
CREATE INDEX recorded_events_component ON recorded_events (component, id);
-- Security floors (DESIGN §10): each Services\<Name>\MinimumVersion a write set; the highest is the component's floor,
-- below which no fallback starts its image.
CREATE TABLE version_floors (
    id INTEGER PRIMARY KEY, created TEXT NOT NULL, component TEXT NOT NULL COLLATE NOCASE, version TEXT NOT NULL, reason TEXT NOT NULL,
    row_check BLOB, UNIQUE (component, version));
