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


@pytest.mark.parametrize("pattern", [r"^.*$", r"^/settings/.*$", r"^/apiv2/.*$", r"^/api/.*$"])
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


CSP_MIDDLEWARE = "csp.middleware.CSPMiddleware"
NO_STORE_MIDDLEWARE = "modyo_admin.middleware.NoStoreForCredentialsMiddleware"
PERMISSIONS_POLICY_MIDDLEWARE = "modyo_admin.middleware.PermissionsPolicyMiddleware"


def test_the_project_settings_pass_every_response_header_check():
    for check in (
        checks.check_content_security_policy,
        checks.check_no_store_middleware,
        checks.check_permissions_policy,
    ):
        assert check(None) == []


def test_e006_csp_middleware_missing(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != CSP_MIDDLEWARE]
    assert ids(checks.check_content_security_policy(None)) == ["security.E006"]


def test_e006_no_content_security_policy(settings):
    del settings.CONTENT_SECURITY_POLICY
    assert ids(checks.check_content_security_policy(None)) == ["security.E006"]


@pytest.mark.parametrize(
    ("directive", "value"),
    [
        ("script-src", ["'self'", "'unsafe-inline'"]),
        ("default-src", ("'self'", "'unsafe-eval'")),
        ("style-src", "'unsafe-inline'"),
    ],
)
def test_e006_csp_that_allows_inline_code_or_eval(settings, directive, value):
    policy = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": {**policy["DIRECTIVES"], directive: value}}
    assert ids(checks.check_content_security_policy(None)) == ["security.E006"]


@pytest.mark.parametrize("directive", ["default-src", "frame-ancestors"])
def test_e006_csp_without_a_required_directive(settings, directive):
    policy = settings.CONTENT_SECURITY_POLICY
    directives = {name: value for name, value in policy["DIRECTIVES"].items() if name != directive}
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}
    assert ids(checks.check_content_security_policy(None)) == ["security.E006"]


def test_e007_no_store_middleware_missing(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != NO_STORE_MIDDLEWARE]
    assert ids(checks.check_no_store_middleware(None)) == ["security.E007"]


def test_e007_no_store_middleware_before_authentication(settings):
    middleware = [m for m in settings.MIDDLEWARE if m != NO_STORE_MIDDLEWARE]
    middleware.insert(middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware"), NO_STORE_MIDDLEWARE)
    settings.MIDDLEWARE = middleware
    assert ids(checks.check_no_store_middleware(None)) == ["security.E007"]


def test_e008_permissions_policy_middleware_missing(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != PERMISSIONS_POLICY_MIDDLEWARE]
    assert ids(checks.check_permissions_policy(None)) == ["security.E008"]


def test_e008_empty_permissions_policy(settings):
    settings.PERMISSIONS_POLICY = {}
    assert ids(checks.check_permissions_policy(None)) == ["security.E008"]


def test_the_project_settings_pass_the_nul_headers_check():
    assert checks.check_nul_headers_middleware(None) == []


def test_e009_nul_headers_middleware_missing(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != checks.NUL_HEADERS_MIDDLEWARE]
    assert ids(checks.check_nul_headers_middleware(None)) == ["security.E009"]


@pytest.mark.parametrize("reader", checks.HEADER_READERS)
def test_e009_nul_headers_middleware_after_a_middleware_that_reads_headers(settings, reader):
    middleware = [m for m in settings.MIDDLEWARE if m != checks.NUL_HEADERS_MIDDLEWARE]
    middleware.insert(middleware.index(reader) + 1, checks.NUL_HEADERS_MIDDLEWARE)
    settings.MIDDLEWARE = middleware
    assert ids(checks.check_nul_headers_middleware(None)) == ["security.E009"]
