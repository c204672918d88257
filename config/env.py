"""The one place settings read the environment (12-factor).

Every setting that differs between a laptop, CI and production comes from here, so a
deployment is described by its environment alone (see docs/deploy.md).
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A developer may keep overrides in .env; production sets real variables instead.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
