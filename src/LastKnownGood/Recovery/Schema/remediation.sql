-- The remediation part's tables at the machine database's current schema (Internal/MachineSchema.cs):
-- every remediation package the recovery environment took from a source (DESIGN §8), by the SHA-256 of
-- its archive, with what became of it: applied (control_set is the tentative set it made), unchanged
-- (Default held it already) or refused (reason says why). A package seen once is never taken again.
CREATE TABLE remediations (
    id INTEGER PRIMARY KEY, created TEXT NOT NULL, archive_sha256 TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
    source TEXT NOT NULL, boot INTEGER NOT NULL, outcome TEXT NOT NULL, control_set INTEGER, reason TEXT NOT NULL,
    row_check BLOB);
CREATE INDEX remediations_boot ON remediations (boot);
