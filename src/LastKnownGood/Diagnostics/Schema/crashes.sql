-- The crash records' table at the machine database's current schema (Internal/MachineSchema.cs).
CREATE TABLE crashes (
    id INTEGER PRIMARY KEY, time TEXT NOT NULL, code INTEGER NOT NULL, parameters TEXT NOT NULL,
    boot INTEGER, control_set INTEGER NOT NULL, component TEXT, exception_type TEXT,
    message TEXT NOT NULL, stack TEXT NOT NULL, events TEXT NOT NULL,
    frames TEXT NOT NULL DEFAULT '[]', pool TEXT, dump TEXT, row_check BLOB);
-- A boot's crash records, found without reading the others.
CREATE INDEX crashes_boot ON crashes (boot);
