-- The boot history's table at the machine database's current schema (Internal/MachineSchema.cs).
CREATE TABLE boots (
    number INTEGER PRIMARY KEY, control_set INTEGER NOT NULL, mode TEXT NOT NULL, started TEXT NOT NULL,
    outcome TEXT NOT NULL, kernel_pid INTEGER, ready TEXT, accepted TEXT, ended TEXT, request TEXT,
    asked_for_lkg INTEGER NOT NULL DEFAULT 0, crash INTEGER, reason TEXT NOT NULL, end_reason TEXT, row_check BLOB);
-- The boots the recovery decision counts: failed, accepted and safe-mode ones (BootLog.Counted, which
-- must say the same, so that SQLite can use the index). The decision reads the newest boot and, of
-- those before it, only these, back to the newest accepted or safe-mode one.
CREATE INDEX boots_counted ON boots (number)
    WHERE accepted IS NOT NULL OR mode IN ('safe-minimal', 'safe-network') OR outcome IN ('bugcheck', 'start-failure', 'killed');
-- The fallbacks (every boot not in normal mode), for lkg status's report of the newest one.
CREATE INDEX boots_fallbacks ON boots (number) WHERE mode <> 'normal';
