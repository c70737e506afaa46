-- Schema 2 to 3: crash records gain structured frames, pool evidence and a dump.
ALTER TABLE crashes ADD COLUMN frames TEXT NOT NULL DEFAULT '[]';
ALTER TABLE crashes ADD COLUMN pool TEXT;
ALTER TABLE crashes ADD COLUMN dump TEXT;
