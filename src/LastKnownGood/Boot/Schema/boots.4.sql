-- Schema 3 to 4: every boot carries the check of its row (Internal/RowCheck.cs); the migration seals the rows it finds.
ALTER TABLE boots ADD COLUMN row_check BLOB;
