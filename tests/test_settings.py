"""Settings read from the environment; the secret key rules; a clean system check."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

BASE_DIR = Path(__file__).resolve().parent.parent
# Print a digest, never the key itself, so that no secret reaches the test output.
PRINT_KEY_DIGEST = (
    "import hashlib, modyo_admin.settings as s; print(hashlib.sha256(s.SECRET_KEY.encode()).hexdigest(), s.DEBUG)"
)


def run_settings(code: str, **env: str) -> subprocess.CompletedProcess:
    clean_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env}
    return subprocess.run(  # noqa: S603 - a fixed command line
        [sys.executable, "-c", code], cwd=BASE_DIR, env=clean_env, capture_output=True, text=True, timeout=60
    )


def test_start_up_fails_clearly_without_a_secret_key_when_debug_is_off(tmp_path):
    result = run_settings("import modyo_admin.settings", DJANGO_DEBUG="0", MODYO_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is not set." in result.stderr
    assert "DJANGO_DEBUG=1" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_debug_off_is_the_default(tmp_path):
    result = run_settings("import modyo_admin.settings", MODYO_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set." in result.stderr


def test_in_debug_a_key_is_generated_under_the_var_dir_and_reused(tmp_path):
    first = run_settings(PRINT_KEY_DIGEST, DJANGO_DEBUG="1", MODYO_VAR_DIR=str(tmp_path))
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert len(key) >= 50
    assert first.stdout.split() == [hashlib.sha256(key.encode()).hexdigest(), "True"]

    second = run_settings(PRINT_KEY_DIGEST, DJANGO_DEBUG="1", MODYO_VAR_DIR=str(tmp_path))
    assert second.stdout == first.stdout


def test_each_var_dir_gets_its_own_generated_key(tmp_path):
    one = run_settings(PRINT_KEY_DIGEST, DJANGO_DEBUG="1", MODYO_VAR_DIR=str(tmp_path / "one"))
    two = run_settings(PRINT_KEY_DIGEST, DJANGO_DEBUG="1", MODYO_VAR_DIR=str(tmp_path / "two"))
    assert one.returncode == two.returncode == 0
    assert one.stdout != two.stdout


def test_the_environment_key_wins_and_nothing_is_written(tmp_path):
    result = run_settings(
        PRINT_KEY_DIGEST, DJANGO_DEBUG="0", DJANGO_SECRET_KEY="from-the-environment", MODYO_VAR_DIR=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [hashlib.sha256(b"from-the-environment").hexdigest(), "False"]
    assert not (tmp_path / "secret_key").exists()


def test_a_malformed_boolean_is_refused_clearly(tmp_path):
    result = run_settings("import modyo_admin.settings", DJANGO_DEBUG="maybe", MODYO_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "django.db.backends.sqlite3 | locmem"),
        (
            {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test", "REDIS_URL": "redis://127.0.0.1:6379/15"},
            "django.db.backends.postgresql | django_redis.cache.RedisCache",
        ),
    ],
)
def test_database_and_cache_come_from_the_environment(tmp_path, env, expected):
    code = (
        "import modyo_admin.settings as s; "
        "print(s.DATABASES['default']['ENGINE'], '|', "
        "'locmem' if 'locmem' in s.CACHES['default']['BACKEND'] else s.CACHES['default']['BACKEND'])"
    )
    result = run_settings(code, DJANGO_DEBUG="1", MODYO_VAR_DIR=str(tmp_path), **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_system_check_is_clean(settings, capsys):
    import modyo_admin.settings as configured

    # The suite swaps in a fast hasher; check the hashers the project configures.
    settings.PASSWORD_HASHERS = configured.PASSWORD_HASHERS
    # and the mail backend it configures (pytest-django keeps mail in memory).
    settings.EMAIL_BACKEND = configured.EMAIL_BACKEND
    call_command("check", fail_level="WARNING")
    assert "System check identified no issues" in capsys.readouterr().out


# App options: the default is in the app's conf.py; the environment overrides it.
PRINT_APP_OPTIONS = (
    "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'modyo_admin.settings'; django.setup(); "
    "import modyo_admin.settings as s; from accounts import conf as a; from security import conf as c; "
    "print(hasattr(s, 'ACCOUNTS_INVITATION_TTL_HOURS'), a.invitation_ttl().total_seconds() / 3600, "
    "c.delivery_token_default_ttl(), c.delivery_token_issuer())"
)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "False 72.0 3600 http://127.0.0.1:8000"),
        (
            {"ACCOUNTS_INVITATION_TTL_HOURS": " ", "DELIVERY_TOKEN_DEFAULT_TTL": ""},
            "False 72.0 3600 http://127.0.0.1:8000",
        ),
        (
            {
                "ACCOUNTS_INVITATION_TTL_HOURS": "5",
                "DELIVERY_TOKEN_DEFAULT_TTL": "600",
                "PANEL_BASE_URL": "https://a.example/",
            },
            "True 5.0 600 https://a.example",
        ),
    ],
)
def test_app_defaults_apply_unless_the_environment_sets_a_value(tmp_path, env, expected):
    result = run_settings(PRINT_APP_OPTIONS, DJANGO_DEBUG="1", MODYO_VAR_DIR=str(tmp_path), **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_a_malformed_app_option_is_refused_naming_its_variable(tmp_path):
    result = run_settings(
        "import modyo_admin.settings", DJANGO_DEBUG="1", MODYO_VAR_DIR=str(tmp_path), DELIVERY_TOKEN_DEFAULT_TTL="1h"
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: DELIVERY_TOKEN_DEFAULT_TTL must be a whole number, not '1h'." in result.stderr
