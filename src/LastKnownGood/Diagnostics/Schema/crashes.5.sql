-- Schema 4 to 5: a boot's crash records are found by an index, not by reading them all.
CREATE INDEX crashes_boot ON crashes (boot);
