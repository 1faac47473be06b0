-- Issue 10 (hardening): filled in by its change.
DO 0;
