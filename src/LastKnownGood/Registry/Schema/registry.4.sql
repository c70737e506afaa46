-- Schema 3 to 4: every control set's record carries the check of its row (Internal/RowCheck.cs); the migration seals the rows it finds.
ALTER TABLE control_sets ADD COLUMN row_check BLOB;
