-- Schema 7 to 8: the remediation part (remediation.sql says what its table is for).
CREATE TABLE remediations (
    id INTEGER PRIMARY KEY, created TEXT NOT NULL, archive_sha256 TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
    source TEXT NOT NULL, boot INTEGER NOT NULL, outcome TEXT NOT NULL, control_set INTEGER, reason TEXT NOT NULL,
    row_check BLOB);
CREATE INDEX remediations_boot ON remediations (boot);
