-- The registry's tables at the machine database's current schema (Internal/MachineSchema.cs):
-- key nodes and content files addressed by hash, control set records, Select, and the reports
-- of hives restored from their backup.
CREATE TABLE nodes (hash BLOB PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE blobs (id INTEGER PRIMARY KEY, hash BLOB UNIQUE, size INTEGER NOT NULL);
CREATE TABLE blob_chunks (blob INTEGER NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (blob, seq));
CREATE TABLE control_sets (
    id INTEGER PRIMARY KEY CHECK (id BETWEEN 1 AND 999),
    root BLOB NOT NULL,
    parent INTEGER,
    seq INTEGER NOT NULL UNIQUE,
    created TEXT NOT NULL,
    author TEXT NOT NULL,
    reason TEXT NOT NULL,
    row_check BLOB);
CREATE TABLE select_sets (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    current INTEGER NOT NULL, default_set INTEGER NOT NULL,
    failed INTEGER NOT NULL, last_known_good INTEGER NOT NULL);
INSERT INTO select_sets (id, current, default_set, failed, last_known_good) VALUES (1, 0, 0, 0, 0);
CREATE TABLE hive_recoveries (id INTEGER PRIMARY KEY, time TEXT NOT NULL, reason TEXT NOT NULL, lost TEXT NOT NULL);
