"""Production settings pass Django's deployment checks, and come from the environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    "SECRET_KEY": "a-production-like-secret-key-with-enough-entropy-0123456789-abcdefghij",
    "ALLOWED_HOSTS": "fans.example.com",
    "DATABASE_URL": "sqlite:///:memory:",
    "PATH": os.environ.get("PATH", ""),
}


def run_manage(*args, env=PROD_ENV):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_check_deploy_is_clean():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PROD_ENV.items() if k != "SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
