import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_manage(*args, **env):
    # The browser tests' async-safety opt-out must not leak into a production check.
    full_env = {
        k: v
        for k, v in {**os.environ, **env}.items()
        if k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_the_deploy_check_with_production_settings(tmp_path):
    """`check --deploy` reports nothing with DEBUG off and the production variables set."""
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-value-0123456789",
        ALLOWED_HOSTS="tshoot.example.net",
        TSHOOT_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_in_production_without_a_secret_key(tmp_path):
    """DEBUG=0 without SECRET_KEY stops with a message instead of using the dev key."""
    env = {"DEBUG": "0", "ALLOWED_HOSTS": "x", "TSHOOT_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={k: v for k, v in {**os.environ, **env}.items() if k != "SECRET_KEY"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
