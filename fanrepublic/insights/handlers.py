"""Reactions to events of the log (idempotent: a task may run twice). The insights app
only reads the other apps' data; it reacts to no event yet."""
