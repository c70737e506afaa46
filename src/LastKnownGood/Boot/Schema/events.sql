-- The event log's tables at the machine database's current schema (Internal/MachineSchema.cs; docs/event-log.md).
-- Every line a boot's kernel, drivers and services print, oldest first by id. Ids only grow, with no
-- gaps but those the oldest-first drop leaves at the start, so the cap is kept by deleting an id range.
CREATE TABLE events (
    id INTEGER PRIMARY KEY, boot INTEGER NOT NULL, time TEXT NOT NULL, component TEXT NOT NULL,
    level TEXT NOT NULL, message TEXT NOT NULL);
-- One boot's lines in order, for lkg logs -b and lkg status's last lines.
CREATE INDEX events_boot ON events (boot, id);
-- Each component's state in a boot, as the kernel last reported it; the newest boots' only.
CREATE TABLE components (
    boot INTEGER NOT NULL, name TEXT NOT NULL COLLATE NOCASE, ordinal INTEGER NOT NULL, type TEXT NOT NULL,
    state TEXT NOT NULL, pid INTEGER, since TEXT NOT NULL, restarts INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (boot, name)) WITHOUT ROWID;
