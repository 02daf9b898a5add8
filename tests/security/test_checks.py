"""Each system check of the security app, by id."""

from __future__ import annotations

import pytest

from security import checks


def ids(messages) -> list[str]:
    return [message.id for message in messages]


def test_the_project_settings_pass_every_cors_and_delivery_check():
    for check in (
        checks.check_cors_credentials,
        checks.check_delivery_token_ttl,
        checks.check_cors_middleware,
        checks.check_cors_urls,
        checks.check_cors_static_origins,
    ):
        assert check(None) == []


def test_e001_allow_all_origins_with_credentials(settings):
    settings.CORS_ALLOW_ALL_ORIGINS = True
    settings.CORS_ALLOW_CREDENTIALS = True
    assert ids(checks.check_cors_credentials(None)) == ["security.E001"]
    settings.CORS_ALLOW_CREDENTIALS = False
    assert checks.check_cors_credentials(None) == []


@pytest.mark.parametrize("ttl", [59, 604_801, 0, "3600", None])
def test_e002_default_ttl_out_of_range(settings, ttl):
    settings.SECURITY_DELIVERY_TOKEN_DEFAULT_TTL = ttl
    assert ids(checks.check_delivery_token_ttl(None)) == ["security.E002"]


@pytest.mark.parametrize("ttl", [60, 3600, 604_800])
def test_e002_accepts_the_range_bounds(settings, ttl):
    settings.SECURITY_DELIVERY_TOKEN_DEFAULT_TTL = ttl
    assert checks.check_delivery_token_ttl(None) == []


def test_e003_cors_middleware_missing(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "corsheaders.middleware.CorsMiddleware"]
    assert ids(checks.check_cors_middleware(None)) == ["security.E003"]


def test_e003_cors_middleware_after_common_middleware(settings):
    middleware = [m for m in settings.MIDDLEWARE if m != "corsheaders.middleware.CorsMiddleware"]
    middleware.insert(
        middleware.index("django.middleware.common.CommonMiddleware") + 1, "corsheaders.middleware.CorsMiddleware"
    )
    settings.MIDDLEWARE = middleware
    assert ids(checks.check_cors_middleware(None)) == ["security.E003"]


@pytest.mark.parametrize("pattern", [r"^.*$", r"^/settings/.*$", r"^/apiv2/.*$"])
def test_e004_cors_urls_beyond_the_api(settings, pattern):
    settings.CORS_URLS_REGEX = pattern
    assert ids(checks.check_cors_urls(None)) == ["security.E004"]


@pytest.mark.parametrize(
    ("name", "value"),
    [("CORS_ALLOWED_ORIGINS", ["http://mydomain.com"]), ("CORS_ALLOWED_ORIGIN_REGEXES", [r"^https://.*$"])],
)
def test_w101_origins_hard_coded_in_settings(settings, name, value):
    setattr(settings, name, value)
    assert ids(checks.check_cors_static_origins(None)) == ["security.W101"]


def test_e005_samesite_none_without_secure_cookies(settings):
    settings.SESSION_COOKIE_SAMESITE = "None"
    settings.SESSION_COOKIE_SECURE = False
    assert ids(checks.check_samesite_none_needs_secure_cookies(None)) == ["security.E005"]
    settings.SESSION_COOKIE_SECURE = True
    assert checks.check_samesite_none_needs_secure_cookies(None) == []
