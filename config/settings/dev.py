"""Laptop settings: the embedded SQLite database, in-process tasks, console email."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# Passkeys on http://localhost:8000 (WebAuthn otherwise needs HTTPS).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=DEBUG)
