"""Debug off is production, and production is TLS-only by default (issue 14).

The settings are read in a process of their own with a clean environment, as an
operator starts the panel: only DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and debug
off. The suite itself turns the redirect off (tests/environment.py), so these
tests are where the production defaults are seen.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# A key as an operator would make it (Django's security.W009 refuses one of few distinct characters).
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "admin.example.com",
    "DJANGO_DEBUG": "0",
}
NAMES = (
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SAMESITE",
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_NAME",
    "SESSION_COOKIE_DOMAIN",
    "CSRF_COOKIE_DOMAIN",
    "CSRF_TRUSTED_ORIGINS",
)
PRINT_SETTINGS = (
    "import json, os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'modyo_admin.settings'; django.setup(); "
    f"from django.conf import settings; print(json.dumps({{n: getattr(settings, n) for n in {NAMES!r}}}))"
)


def run(command: list[str], tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "MODYO_VAR_DIR": str(tmp_path), **env}
    return subprocess.run(  # noqa: S603 - a fixed command line
        command, cwd=BASE_DIR, env=clean_env, capture_output=True, text=True, timeout=120
    )


def production_settings(tmp_path: Path, *, without: tuple[str, ...] = (), **env: str) -> dict:
    """Return the settings read with the production environment, less ``without``, plus ``env``."""
    base = {key: value for key, value in PRODUCTION_ENV.items() if key not in without}
    result = run([sys.executable, "-c", PRINT_SETTINGS], tmp_path, {**base, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_is_clean_with_only_the_key_the_hosts_and_debug_off(tmp_path):
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_check_deploy_is_clean_with_django_env_production(tmp_path):
    env = {**PRODUCTION_ENV, "DJANGO_ENV": "production"}
    del env["DJANGO_DEBUG"]
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_is_tls_only_with_secure_host_only_cookies(tmp_path):
    values = production_settings(tmp_path)
    assert values == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "SESSION_COOKIE_DOMAIN": None,
        "CSRF_COOKIE_DOMAIN": None,
        "CSRF_TRUSTED_ORIGINS": [],
    }


def test_django_env_production_is_debug_off(tmp_path):
    values = production_settings(tmp_path, without=("DJANGO_DEBUG",), DJANGO_ENV="production")
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True


def test_django_env_production_with_debug_on_is_refused(tmp_path):
    result = run(
        [sys.executable, "manage.py", "check"],
        tmp_path,
        {**PRODUCTION_ENV, "DJANGO_ENV": "production", "DJANGO_DEBUG": "1"},
    )
    assert result.returncode == 2
    assert result.stderr.startswith("Configuration error: DJANGO_ENV")


def test_the_operator_turns_each_default_off_explicitly(tmp_path):
    # A load balancer that already redirects and sends HSTS itself.
    values = production_settings(
        tmp_path,
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_HSTS_SECONDS="0",
        DJANGO_SECURE_HSTS_PRELOAD="0",
    )
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert values["SESSION_COOKIE_SECURE"] is True


def test_preload_and_subdomains_are_the_operators_choice(tmp_path):
    values = production_settings(tmp_path, DJANGO_SECURE_HSTS_PRELOAD="1", DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS="0")
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False


def test_csrf_trusted_origins_come_from_the_environment(tmp_path):
    values = production_settings(
        tmp_path, DJANGO_CSRF_TRUSTED_ORIGINS="https://admin.example.com, https://admin2.example.com"
    )
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://admin.example.com", "https://admin2.example.com"]


def test_development_keeps_plain_http_and_plain_cookie_names(tmp_path):
    values = production_settings(tmp_path, DJANGO_DEBUG="1")
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_NAME"] == "sessionid"


# The defaults at work, through the client ---------------------------------------------


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_redirected_to_https_but_the_probes_are_not():
    client = Client()
    response = client.get("/login/", HTTP_HOST="testserver")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/login/"
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_https_answers_carry_hsts_for_a_year_with_subdomains(settings):
    assert settings.SECURE_HSTS_SECONDS == 31536000  # the suite runs with the production default
    response = Client().get("/login/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.django_db
def test_the_sign_in_cookies_are_secure_host_only_http_only_and_lax(owner, password):
    client = Client()
    client.get("/login/", secure=True)
    response = client.post("/login/", {"username": owner.email, "password": password}, secure=True)
    assert response.status_code == 302
    session = response.cookies["__Host-sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert session["path"] == "/"
    assert session["domain"] == ""
    csrf = client.cookies["__Host-csrftoken"]
    assert csrf["secure"] is True
    assert csrf["domain"] == ""
    assert csrf["path"] == "/"


def test_django_env_development_is_debug_on(tmp_path):
    values = production_settings(tmp_path, without=("DJANGO_DEBUG",), DJANGO_ENV="development")
    assert values["DEBUG"] is True
    assert values["SECURE_SSL_REDIRECT"] is False


def test_an_unknown_django_env_is_one_line_naming_it(tmp_path):
    result = run([sys.executable, "manage.py", "check"], tmp_path, {**PRODUCTION_ENV, "DJANGO_ENV": "staging"})
    assert result.returncode == 2
    assert result.stderr.strip() == "Configuration error: DJANGO_ENV must be production or development, not 'staging'."
