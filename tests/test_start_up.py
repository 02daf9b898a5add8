"""A configuration mistake stops every entry point at start-up with one line naming the variable (issue 10.4).

Each entry point (``manage.py``, the WSGI and the ASGI application) runs in a
process of its own with the wrong environment, as an operator or gunicorn would
start it: stderr holds exactly one line, no traceback, and the exit code is not 0.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
GOOD_ENV = {"DJANGO_SECRET_KEY": "k" * 50, "DJANGO_DEBUG": "0"}

ENTRY_POINTS = {
    "manage.py": [sys.executable, "manage.py", "check"],
    "wsgi": [sys.executable, "-c", "import modyo_admin.wsgi"],
    "asgi": [sys.executable, "-c", "import modyo_admin.asgi"],
}

# (the variable the line must name, the environment that is wrong about it)
MISTAKES = {
    "database-url-not-a-url": ("DATABASE_URL", {"DATABASE_URL": "not-a-database-url"}),
    "database-url-scheme": ("DATABASE_URL", {"DATABASE_URL": "mysql://user:hunter2@db/panel"}),
    "redis-url-http": ("REDIS_URL", {"REDIS_URL": "http://x"}),
    "redis-url-not-a-url": ("REDIS_URL", {"REDIS_URL": "not-a-redis-url"}),
    "redis-url-port": ("REDIS_URL", {"REDIS_URL": "redis://cache:sixty/0"}),
    "secret-key-empty": ("DJANGO_SECRET_KEY", {"DJANGO_SECRET_KEY": "", "DJANGO_DEBUG": "0"}),
    "samesite-unknown": ("DJANGO_SESSION_COOKIE_SAMESITE", {"DJANGO_SESSION_COOKIE_SAMESITE": "Sideways"}),
    "samesite-none-insecure": (
        "DJANGO_SESSION_COOKIE_SAMESITE",
        {"DJANGO_SESSION_COOKIE_SAMESITE": "None", "DJANGO_SECURE_COOKIES": "0"},
    ),
    "debug-not-a-boolean": ("DJANGO_DEBUG", {"DJANGO_DEBUG": "maybe"}),
    "lockout-limit-not-a-number": ("LOCKOUT_FAILURE_LIMIT", {"LOCKOUT_FAILURE_LIMIT": "ten"}),
}


def run(command: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "MODYO_VAR_DIR": str(tmp_path), **GOOD_ENV, **env}
    return subprocess.run(  # noqa: S603 - a fixed command line
        command, cwd=BASE_DIR, env=clean_env, capture_output=True, text=True, timeout=60
    )


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("entry_point", ENTRY_POINTS)
@pytest.mark.parametrize(("variable", "env"), MISTAKES.values(), ids=MISTAKES.keys())
def test_a_configuration_mistake_is_one_line_naming_the_variable(tmp_path, entry_point, variable, env):
    result = run(ENTRY_POINTS[entry_point], tmp_path, **env)
    assert result.returncode != 0
    assert len(lines(result.stderr)) == 1, result.stderr
    line = lines(result.stderr)[0]
    assert line.startswith("Configuration error: "), line
    assert variable in line
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "env", [{"DATABASE_URL": "mysql://user:hunter2@db/panel"}, {"REDIS_URL": "http://u:hunter2@x"}]
)
def test_the_line_never_repeats_a_url_that_may_hold_a_password(tmp_path, env):
    result = run(ENTRY_POINTS["manage.py"], tmp_path, **env)
    assert result.returncode != 0
    assert "hunter2" not in result.stderr


def test_manage_py_exits_with_2(tmp_path):
    result = run(ENTRY_POINTS["manage.py"], tmp_path, DJANGO_DEBUG="maybe")
    assert result.returncode == 2


@pytest.mark.parametrize("entry_point", ["wsgi", "asgi"])
def test_the_server_entry_points_exit_with_gunicorns_app_load_error(tmp_path, entry_point):
    # 4 makes gunicorn's arbiter stop ("App failed to load.") instead of restarting the worker forever.
    result = run(ENTRY_POINTS[entry_point], tmp_path, DJANGO_DEBUG="maybe")
    assert result.returncode == 4


@pytest.mark.parametrize(
    "url", ["sqlite:///{tmp}/db.sqlite3", "postgres://u@h/db", "postgresql://u@h:5432/db", "pgsql://u@h/db"]
)
def test_every_supported_database_url_scheme_is_accepted(tmp_path, url):
    code = "import modyo_admin.settings as s; print(s.DATABASES['default']['ENGINE'])"
    result = run([sys.executable, "-c", code], tmp_path, DATABASE_URL=url.format(tmp=tmp_path))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("url", ["redis://127.0.0.1:6379/0", "rediss://u:p@cache.example:6380/1", "unix:///run/r.sock"])
def test_every_supported_redis_url_scheme_is_accepted(tmp_path, url):
    code = "import modyo_admin.settings as s; print(s.CACHES['default']['LOCATION'])"
    result = run([sys.executable, "-c", code], tmp_path, REDIS_URL=url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == url


def test_samesite_none_with_secure_cookies_is_accepted(tmp_path):
    code = "import modyo_admin.settings as s; print(s.SESSION_COOKIE_SAMESITE, s.SESSION_COOKIE_SECURE)"
    result = run([sys.executable, "-c", code], tmp_path, DJANGO_SESSION_COOKIE_SAMESITE="None")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["None", "True"]


@pytest.mark.parametrize("entry_point", ["wsgi", "asgi"])
def test_a_good_environment_loads_the_application(tmp_path, entry_point):
    code = f"import modyo_admin.{entry_point} as m; print(callable(m.application))"
    result = run([sys.executable, "-c", code], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_a_good_environment_runs_manage_py(tmp_path):
    result = run(ENTRY_POINTS["manage.py"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_an_error_raised_inside_a_command_keeps_its_traceback(tmp_path):
    # Only loading the settings is shortened to one line; a command's own failure stays as it was.
    code = "from django.core.exceptions import ImproperlyConfigured; raise ImproperlyConfigured('inside a command')"
    result = run([sys.executable, "manage.py", "shell", "-c", code], tmp_path)
    assert result.returncode != 0
    assert "Traceback" in result.stderr
    assert "ImproperlyConfigured: inside a command" in result.stderr
    assert "Configuration error" not in result.stderr
