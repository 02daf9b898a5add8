"""Production keeps database connections between requests; development closes them."""

from __future__ import annotations

from tests.test_settings import run_settings

PRINT_MAX_AGE = "import modyo_admin.settings as s; print(s.DATABASES['default']['CONN_MAX_AGE'])"
KEY = "k" * 60


def test_production_keeps_each_workers_connection_for_a_minute(tmp_path):
    result = run_settings(
        PRINT_MAX_AGE, DJANGO_SECRET_KEY=KEY, DJANGO_ALLOWED_HOSTS="a.example", MODYO_VAR_DIR=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "60"


def test_development_closes_the_connection_after_each_request(tmp_path):
    result = run_settings(PRINT_MAX_AGE, DJANGO_DEBUG="1", MODYO_VAR_DIR=str(tmp_path))
    assert result.stdout.strip() == "0", result.stderr


def test_the_environment_chooses_another_age(tmp_path):
    result = run_settings(
        PRINT_MAX_AGE,
        DJANGO_SECRET_KEY=KEY,
        DJANGO_ALLOWED_HOSTS="a.example",
        DATABASE_CONN_MAX_AGE="0",
        MODYO_VAR_DIR=str(tmp_path),
    )
    assert result.stdout.strip() == "0", result.stderr
