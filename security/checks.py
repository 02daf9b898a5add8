"""System checks of the security settings (ids security.E00x / W1xx).

HTTPS deployment settings are covered by Django's own ``check --deploy``.
"""

from __future__ import annotations

import re

from corsheaders.conf import conf as cors_conf
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from . import conf
from .conf import MAX_TOKEN_TTL, MIN_TOKEN_TTL


@register(Tags.security)
def check_cors_credentials(app_configs, **kwargs):
    if cors_conf.CORS_ALLOW_ALL_ORIGINS and cors_conf.CORS_ALLOW_CREDENTIALS:
        return [
            Error(
                "CORS_ALLOW_ALL_ORIGINS is combined with CORS_ALLOW_CREDENTIALS: every website could read "
                "signed-in users' API responses.",
                hint="Remove CORS_ALLOW_ALL_ORIGINS; list allowed origins on the Security settings page.",
                id="security.E001",
            )
        ]
    return []


@register(Tags.security)
def check_delivery_token_ttl(app_configs, **kwargs):
    ttl = conf.delivery_token_default_ttl()
    if isinstance(ttl, bool) or not isinstance(ttl, int) or not MIN_TOKEN_TTL <= ttl <= MAX_TOKEN_TTL:
        return [
            Error(
                f"The default content delivery token TTL ({ttl!r}) is outside "
                f"{MIN_TOKEN_TTL}..{MAX_TOKEN_TTL} seconds.",
                hint="Set DELIVERY_TOKEN_DEFAULT_TTL to a whole number of seconds in that range.",
                id="security.E002",
            )
        ]
    return []


@register(Tags.security)
def check_cors_middleware(app_configs, **kwargs):
    middleware = list(getattr(settings, "MIDDLEWARE", []))
    cors = "corsheaders.middleware.CorsMiddleware"
    common = "django.middleware.common.CommonMiddleware"
    if cors not in middleware or (common in middleware and middleware.index(cors) > middleware.index(common)):
        return [
            Error(
                f"{cors} must be in MIDDLEWARE, before {common}.",
                hint="Without it, or after a middleware that answers early (a redirect), allowed origins get no "
                "CORS headers.",
                id="security.E003",
            )
        ]
    return []


# Admin pages and the admin API: no other origin may ever read them.
ADMIN_PATHS = ("/", "/login/", "/settings/security/", "/team/", "/api/v1/", "/api/schema/", "/api/docs/")


@register(Tags.security)
def check_cors_urls(app_configs, **kwargs):
    pattern = cors_conf.CORS_URLS_REGEX
    if not re.match(pattern, "/api/content/entries/") or any(re.match(pattern, path) for path in ADMIN_PATHS):
        return [
            Error(
                f"CORS_URLS_REGEX ({pattern!r}) must match the public API (/api/content/, /api/delivery/token) "
                "and nothing else.",
                hint=r'Set CORS_URLS_REGEX = r"^/api/(content/|delivery/token$)": CORS headers on admin pages '
                "or the admin API would expose them to the sites.",
                id="security.E004",
            )
        ]
    return []


@register(Tags.security)
def check_cors_static_origins(app_configs, **kwargs):
    if cors_conf.CORS_ALLOWED_ORIGINS or cors_conf.CORS_ALLOWED_ORIGIN_REGEXES:
        return [
            Warning(
                "Origins are allowed in settings (CORS_ALLOWED_ORIGINS or CORS_ALLOWED_ORIGIN_REGEXES), beyond "
                "those listed on the Security settings page.",
                hint="Remove them from settings and list the origins on the Security page, where changes are "
                "validated and recorded.",
                # Django's own deployment checks use security.W001-W025.
                id="security.W101",
            )
        ]
    return []


@register(Tags.security)
def check_samesite_none_needs_secure_cookies(app_configs, **kwargs):
    if settings.SESSION_COOKIE_SAMESITE == "None" and not settings.SESSION_COOKIE_SECURE:
        return [
            Error(
                "The session cookie is SameSite=None but not Secure: browsers drop it, and over plain HTTP "
                "it could be read on the way.",
                hint="Serve the panel over HTTPS and keep DJANGO_SECURE_COOKIES on, or use SameSite=Lax.",
                id="security.E005",
            )
        ]
    return []


CSP_MIDDLEWARE = "csp.middleware.CSPMiddleware"
CSP_REQUIRED = {"default-src", "frame-ancestors"}
CSP_FORBIDDEN = ("'unsafe-inline'", "'unsafe-eval'")


@register(Tags.security)
def check_content_security_policy(app_configs, **kwargs):
    middleware = list(getattr(settings, "MIDDLEWARE", []))
    directives = (getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).get("DIRECTIVES") or {}
    # A directive holds one source (a string), several (a list, tuple or set) or a flag (a bool).
    sources = [
        str(source)
        for value in directives.values()
        if not isinstance(value, bool) and value is not None
        for source in ([value] if isinstance(value, str) else value)
    ]
    if (
        CSP_MIDDLEWARE not in middleware
        or not {name for name, value in directives.items() if value} >= CSP_REQUIRED
        or any(source in CSP_FORBIDDEN for source in sources)
    ):
        return [
            Error(
                "The Content-Security-Policy is missing or lets injected code run.",
                hint=f"MIDDLEWARE must contain {CSP_MIDDLEWARE}, and CONTENT_SECURITY_POLICY['DIRECTIVES'] must set "
                f"{' and '.join(sorted(CSP_REQUIRED))} and allow neither {' nor '.join(CSP_FORBIDDEN)}: move "
                "inline scripts and styles to static files.",
                id="security.E006",
            )
        ]
    return []


@register(Tags.security)
def check_no_store_middleware(app_configs, **kwargs):
    middleware = list(getattr(settings, "MIDDLEWARE", []))
    no_store = "modyo_admin.middleware.NoStoreForCredentialsMiddleware"
    authentication = "django.contrib.auth.middleware.AuthenticationMiddleware"
    if (
        no_store not in middleware
        or authentication not in middleware
        or middleware.index(no_store) < middleware.index(authentication)
    ):
        return [
            Error(
                f"{no_store} must be in MIDDLEWARE, after {authentication}.",
                hint="Without it, browsers and proxies may keep signed-in pages and API answers with user data; "
                "before authentication it cannot tell who is signed in.",
                id="security.E007",
            )
        ]
    return []


@register(Tags.security)
def check_permissions_policy(app_configs, **kwargs):
    middleware = list(getattr(settings, "MIDDLEWARE", []))
    permissions_policy = "modyo_admin.middleware.PermissionsPolicyMiddleware"
    if permissions_policy not in middleware or not getattr(settings, "PERMISSIONS_POLICY", None):
        return [
            Error(
                "No Permissions-Policy header is sent.",
                hint=f"Add {permissions_policy} to MIDDLEWARE and list the browser features to switch off in "
                "PERMISSIONS_POLICY.",
                id="security.E008",
            )
        ]
    return []


NUL_HEADERS_MIDDLEWARE = "modyo_admin.request_headers.NulInHeadersMiddleware"
# Each of these reads a header and may store it or look it up in the database.
HEADER_READERS = (
    "django.contrib.sessions.middleware.SessionMiddleware",
    "activity.middleware.RequestContextMiddleware",
    "axes.middleware.AxesMiddleware",
)


@register(Tags.security)
def check_nul_headers_middleware(app_configs, **kwargs):
    middleware = list(getattr(settings, "MIDDLEWARE", []))
    if NUL_HEADERS_MIDDLEWARE not in middleware or any(
        reader in middleware and middleware.index(reader) < middleware.index(NUL_HEADERS_MIDDLEWARE)
        for reader in HEADER_READERS
    ):
        return [
            Error(
                f"{NUL_HEADERS_MIDDLEWARE} must be in MIDDLEWARE, before {', '.join(HEADER_READERS)}.",
                hint="Without it, a header holding a NUL character (a User-Agent, the session cookie) reaches "
                "PostgreSQL, which refuses it: a 500 instead of a 400.",
                id="security.E009",
            )
        ]
    return []
