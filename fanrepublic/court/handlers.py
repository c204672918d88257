"""Reactions to events of the log (idempotent: a task may run twice)."""
