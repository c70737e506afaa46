-- Schema 3 to 4: every crash record carries the check of its row (Internal/RowCheck.cs); the migration seals the rows it finds.
ALTER TABLE crashes ADD COLUMN row_check BLOB;
