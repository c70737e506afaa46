-- The boot history's table at the machine database's current schema (Internal/MachineSchema.cs).
CREATE TABLE boots (
    number INTEGER PRIMARY KEY, control_set INTEGER NOT NULL, mode TEXT NOT NULL, started TEXT NOT NULL,
    outcome TEXT NOT NULL, kernel_pid INTEGER, ready TEXT, accepted TEXT, ended TEXT, request TEXT,
    asked_for_lkg INTEGER NOT NULL DEFAULT 0, crash INTEGER, reason TEXT NOT NULL, end_reason TEXT, row_check BLOB);
