"""Laptop settings: the embedded SQLite database, in-process tasks, console email."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# Passkeys on http://localhost:8000 (WebAuthn otherwise needs HTTPS).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=DEBUG)
# The demo community has a few hundred members: an idea goes to review at 25 supporters
# (production default: 10,000, as LEGO Ideas).
IDEAS_SUPPORT_THRESHOLD = env.int("IDEAS_SUPPORT_THRESHOLD", default=25)
