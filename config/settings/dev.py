"""Laptop settings: the embedded SQLite database, in-process tasks, console email."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
