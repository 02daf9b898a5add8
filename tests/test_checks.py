"""The deployment checks of modyo_admin/checks.py, by id: the database and Redis answer.

``modyo_admin.E001`` and ``E002`` run with ``manage.py check --deploy`` only, as
they connect: the in-process tests cover each id, the subprocess tests the
command an operator runs, against closed ports and, where they run, the real
PostgreSQL and Redis.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core.checks import registry
from django.db import OperationalError, connection

from modyo_admin import checks
from modyo_admin.settings import redis_cache

BASE_DIR = Path(__file__).resolve().parent.parent
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/15"
CLOSED_PORT = 1  # nothing listens on tcpmux


def ids(messages) -> list[str]:
    return [message.id for message in messages]


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


def test_both_checks_run_with_deploy_only():
    assert {checks.check_database_reachable, checks.check_cache_reachable} <= set(
        registry.registry.get_checks(include_deployment_checks=True)
    )
    assert checks.check_database_reachable not in registry.registry.get_checks()
    assert checks.check_cache_reachable not in registry.registry.get_checks()


@pytest.mark.django_db
def test_e001_passes_when_the_database_answers():
    assert checks.check_database_reachable(None) == []


def test_e001_database_unreachable():
    with mock.patch.object(connection, "ensure_connection", side_effect=OperationalError("refused")):
        messages = checks.check_database_reachable(None)
    assert ids(messages) == ["modyo_admin.E001"]
    assert "DATABASE_URL" in messages[0].hint


def test_e002_passes_without_redis(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert checks.check_cache_reachable(None) == []


def test_e002_cache_unreachable(settings):
    settings.CACHES = {"default": redis_cache(f"redis://127.0.0.1:{CLOSED_PORT}/0", prefix="check-test")}
    messages = checks.check_cache_reachable(None)
    assert ids(messages) == ["modyo_admin.E002"]
    assert "Redis" in messages[0].msg
    assert "REDIS_URL" in messages[0].hint


# manage.py check --deploy, as an operator runs it -----------------------------------


def check_deploy(tmp_path, **env: str) -> subprocess.CompletedProcess:
    clean_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SECRET_KEY": "k" * 50,
        "DJANGO_DEBUG": "0",
        "MODYO_VAR_DIR": str(tmp_path),
        **env,
    }
    return subprocess.run(  # noqa: S603 - a fixed command line
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=BASE_DIR,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_fails_naming_redis_when_it_is_unreachable(tmp_path):
    result = check_deploy(tmp_path, REDIS_URL=f"redis://127.0.0.1:{CLOSED_PORT}/0")
    assert result.returncode != 0
    assert "modyo_admin.E002" in result.stderr
    assert "Redis" in result.stderr
    assert "modyo_admin.E001" not in result.stderr


def test_check_deploy_fails_naming_the_database_when_it_is_unreachable(tmp_path):
    result = check_deploy(tmp_path, DATABASE_URL=f"postgres://postgres@127.0.0.1:{CLOSED_PORT}/test")
    assert result.returncode != 0
    assert "modyo_admin.E001" in result.stderr
    assert "modyo_admin.E002" not in result.stderr


@pytest.mark.postgres
def test_check_deploy_passes_both_checks_with_the_real_services(tmp_path):
    if not (listening(5432) and listening(6379)):
        pytest.skip("PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 are not both running")
    result = check_deploy(tmp_path, DATABASE_URL=POSTGRES_URL, REDIS_URL=REDIS_URL)
    output = result.stdout + result.stderr
    assert "modyo_admin.E001" not in output
    assert "modyo_admin.E002" not in output
