"""Settings for the panel.

Every value that differs between machines is read here, from the environment,
and nowhere else. Production differs from development only by environment
variables; see README.md for the full list. The options of the project's apps
have their defaults in each app's ``conf.py``; this module sets them only when
the environment gives a value.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MODYO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    value = value.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no, on/off), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _require_url(name: str, schemes: tuple[str, ...]) -> None:
    """Refuse the URL in the variable ``name`` unless its scheme is one of ``schemes`` and its port a number.

    Otherwise the mistake surfaces at the first request, or as an unrelated
    message in a traceback. The value is never repeated: it may hold a password.
    """
    value = os.environ.get(name)
    if not value:
        return
    scheme, separator, _ = value.partition("://")
    expected = f"{name} must be a URL starting with one of {', '.join(f'{s}://' for s in schemes)}"
    if not separator:
        raise ImproperlyConfigured(f"{expected}; its value is not a URL.")
    if scheme.lower() not in schemes:
        raise ImproperlyConfigured(f"{expected}, not {scheme}://.")
    if scheme.lower() == "sqlite":
        return  # a file name, never a port (sqlite://:memory: included)
    try:
        urlsplit(value).port  # noqa: B018 - reading it validates it
    except ValueError:
        raise ImproperlyConfigured(f"{name} has a port that is not a number from 0 to 65535.") from None


def _whole_number(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError("a whole number") from None


def _setting_from_env(setting_name: str, env_name: str, parse: Callable[[str], object] = str) -> None:
    """Set ``setting_name`` from the variable ``env_name`` only when it holds a value.

    Left unset, the setting takes the default of the app's ``conf.py``, so that
    every default is written once. ``parse`` raises ValueError saying what it expects.
    """
    value = os.environ.get(env_name, "").strip()
    if not value:
        return
    try:
        globals()[setting_name] = parse(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{env_name} must be {error}, not {value!r}.") from None


def _security_contacts(value: str) -> list[str]:
    """Parse SECURITY_TXT_CONTACT: comma-separated mailto:, https: or tel: URIs (a bare address becomes mailto:)."""
    if value.lower() == "none":
        return []
    contacts = []
    for item in (part.strip() for part in value.split(",") if part.strip()):
        if "@" in item and ":" not in item:
            item = f"mailto:{item}"
        if not item.lower().startswith(("mailto:", "https://", "tel:")):
            raise ValueError("mailto:, https:// or tel: URIs separated by commas, or none")
        contacts.append(item)
    return contacts


def _https_url(value: str) -> str:
    if not value.lower().startswith("https://"):
        raise ValueError("an https:// URL")
    return value


def _development_secret_key() -> str:
    """Return the development key kept under var/, creating it on first use."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


# DJANGO_ENV=production is a synonym of debug off, and refuses DJANGO_DEBUG=1 rather than guess.
DJANGO_ENV = os.environ.get("DJANGO_ENV", "").strip().lower()
if DJANGO_ENV not in {"", "production", "development"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be production or development, not {DJANGO_ENV!r}.")
DEBUG = env_bool("DJANGO_DEBUG", DJANGO_ENV == "development")
if DJANGO_ENV == "production" and DEBUG:
    raise ImproperlyConfigured(
        "DJANGO_ENV must not be production while DJANGO_DEBUG is on: production runs without debug."
    )
# Debug off is production: TLS only, unless the operator says otherwise variable by variable.
PRODUCTION = not DEBUG

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value in production "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DJANGO_DEBUG=1 for local development, where a key is generated and kept under var/."
        )
    SECRET_KEY = _development_secret_key()
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# Separate host names for the admin and for the content-delivery API (modyo_admin/hosts.py);
# unset, one host serves everything.
ADMIN_HOST = os.environ.get("ADMIN_HOST", "").strip().lower()
DELIVERY_HOST = os.environ.get("DELIVERY_HOST", "").strip().lower()

INSTALLED_APPS = [
    # Project apps first: their commands (createsuperuser, axes_reset) and
    # templates take precedence over the libraries' own.
    "activity",
    "accounts",
    "security",
    "content",
    # Backups of the database and the shared files (manage.py backup / restore).
    "backups",
    # The admin API (/api/v1/) and its tokens.
    "api",
    # The security checkup: a registry the apps above add their checks to (checkup/registry.py).
    "checkup",
    # The project package itself: its deployment checks (modyo_admin/checks.py).
    "modyo_admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    # Swagger UI's files, served from the panel's static files (never a CDN) at /api/docs/.
    "drf_spectacular_sidecar",
    "corsheaders",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files carry the two policies too.
    "csp.middleware.CSPMiddleware",
    "modyo_admin.middleware.PermissionsPolicyMiddleware",
    # Load-balancer probes (/healthz, /readyz) are answered here, before the host check,
    # sessions and the sign-in steps; SECURE_REDIRECT_EXEMPT spares them the HTTPS redirect.
    "modyo_admin.health.ProbeMiddleware",
    # Each path only on its host when ADMIN_HOST and DELIVERY_HOST are set (modyo_admin.E003).
    "modyo_admin.hosts.HostSeparationMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before every middleware that reads or stores a header (security.E009).
    "modyo_admin.request_headers.NulInHeadersMiddleware",
    "activity.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Outside every middleware that may answer a signed-in user, and after the user is known.
    "modyo_admin.middleware.NoStoreForCredentialsMiddleware",
    "accounts.middleware.SignInRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.SessionLimitsMiddleware",
    "accounts.middleware.RequiredStepMiddleware",
    "accounts.middleware.LockedOutMiddleware",
    "modyo_admin.middleware.DatabaseBusyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "modyo_admin.urls"
WSGI_APPLICATION = "modyo_admin.wsgi.application"
ASGI_APPLICATION = "modyo_admin.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "modyo_admin.context_processors.navigation",
                "modyo_admin.context_processors.panel",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL names another one. Production keeps each
# worker's connection for a minute (health-checked before reuse): connecting costs as much
# as a page's queries. Development closes it after each request.
_require_url("DATABASE_URL", ("sqlite", "postgres", "postgresql", "pgsql"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        conn_health_checks=True,
    )
}
# A request never waits long on a lock or a statement: past these it gets a 503
# (modyo_admin.middleware.DatabaseBusyMiddleware). manage.py gives commands other
# than runserver longer limits (no statement limit, a minute for locks).
DATABASE_LOCK_TIMEOUT_MS = env_int("DATABASE_LOCK_TIMEOUT_MS", 5000)
DATABASE_STATEMENT_TIMEOUT_MS = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 30000)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c lock_timeout={DATABASE_LOCK_TIMEOUT_MS} -c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}"
    )
    # An unreachable host that drops packets fails within seconds (readiness, check --deploy), not minutes.
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for the lock instead of failing at once; WAL lets readers go on.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": max(1, DATABASE_LOCK_TIMEOUT_MS // 1000),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def redis_cache(url: str, *, prefix: str) -> dict:
    """Return the cache settings for the shared Redis at ``url``.

    Redis must never take the panel down: a call that cannot reach it within a
    short timeout is logged and answered as a cache miss (django-redis'
    IGNORE_EXCEPTIONS), so every read falls back to the database, and the
    connection pool reconnects by itself when Redis is back.
    """
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": prefix,
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
            "IGNORE_EXCEPTIONS": True,
        },
    }


# Cache: per-process memory unless REDIS_URL names a shared Redis, which
# production needs so that every app process sees the same settings at once.
_require_url("REDIS_URL", ("redis", "rediss", "unix"))
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL, prefix=os.environ.get("CACHE_KEY_PREFIX", "modyo_admin"))}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# Sessions live in the database only: signing out deletes the row, and no cached copy
# can bring a session back after a cache outage (one indexed query per request).
SESSION_ENGINE = "accounts.session_store"
# How long a cached security setting may outlive a change whose cache update was lost
# (a worker killed between commit and update, Redis restarted from an old file).
SETTINGS_CACHE_SECONDS = env_int("SETTINGS_CACHE_SECONDS", 5)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend that also loads whether the member has an authenticator.
    "accounts.backends.MemberBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# Argon2id first; older hashes are upgraded the next time the member signs in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Each rule reads the organisation's password policy when it runs.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.validators.MinimumLengthValidator"},
    {"NAME": "accounts.validators.LowercaseValidator"},
    {"NAME": "accounts.validators.UppercaseValidator"},
    {"NAME": "accounts.validators.SpecialCharacterValidator"},
    {"NAME": "accounts.validators.CommonPasswordValidator"},
    {"NAME": "accounts.validators.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.GuessableValidator"},
    {"NAME": "accounts.validators.PasswordHistoryValidator"},
]
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60 * 3)

SESSION_COOKIE_HTTPONLY = True
# Lax keeps the session cookie off cross-site requests. Sites on another
# registrable domain that call /api/delivery/token with credentials need None
# (over HTTPS only); CSRF protection of every form still applies.
SESSION_COOKIE_SAMESITE = os.environ.get("DJANGO_SESSION_COOKIE_SAMESITE", "Lax").strip().capitalize()
if SESSION_COOKIE_SAMESITE not in {"Lax", "Strict", "None"}:
    raise ImproperlyConfigured(
        f"DJANGO_SESSION_COOKIE_SAMESITE must be Lax, Strict or None, not {SESSION_COOKIE_SAMESITE!r}."
    )
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Secure cookies with no Domain and Path=/ take the __Host- prefix: browsers then refuse
# them from plain HTTP and from any other host, a subdomain included (RFC 6265bis).
if SESSION_COOKIE_SECURE:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
# security.E005 repeats this for settings changed after start-up (tests, overrides).
if SESSION_COOKIE_SAMESITE == "None" and not SESSION_COOKIE_SECURE:
    raise ImproperlyConfigured(
        "DJANGO_SESSION_COOKIE_SAMESITE=None needs secure cookies (browsers drop a SameSite=None cookie "
        "without Secure): set DJANGO_SECURE_COOKIES=1 and serve over HTTPS, or use Lax."
    )
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # probes come over plain HTTP (modyo_admin/health.py)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_HSTS_SECONDS > 0)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
# Preload is opt-in: a domain on the browsers' preload list stays HTTPS-only for months after
# leaving it, a decision for the operator, so Django's reminder (security.W021) stays silent.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD or not SECURE_HSTS_SECONDS else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp) on every response: no inline script or style and
# no eval, so injected markup cannot run; templates keep code in static files (tests/test_headers.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp_constants.SELF],
        "base-uri": [csp_constants.SELF],
        "form-action": [csp_constants.SELF],
        "frame-ancestors": [csp_constants.NONE],
        "object-src": [csp_constants.NONE],
    }
}
# Browser features the panel never uses, off for it and for anything it could embed
# (modyo_admin/middleware.py). Only names that browsers know: others are warned about.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
}
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Number of reverse proxies in front of the panel whose X-Forwarded-For entry
# is trusted. 0 means the socket address is the client address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Shared files (uploads); backups hold this directory with the database.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", "").strip() or VAR_DIR / "media")
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Development prints mail to the console; production sends it (accounts.E003 refuses a backend
# that delivers nothing with debug off, unless EMAIL_UNDELIVERED_OK says it is intended).
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_UNDELIVERED_OK = env_bool("EMAIL_UNDELIVERED_OK", False)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("EMAIL_FROM", "Modyo admin <no-reply@localhost>")

# App options: set here only from the environment; each default is in the app's
# conf.py (accounts/conf.py, activity/conf.py, security/conf.py).
# Absolute address of the panel, used in links sent by email or printed by commands.
_setting_from_env("PANEL_BASE_URL", "PANEL_BASE_URL")
_setting_from_env("ORGANISATION_NAME", "ORGANISATION_NAME")
_setting_from_env("ACCOUNTS_INVITATION_TTL_HOURS", "ACCOUNTS_INVITATION_TTL_HOURS", _whole_number)
# Where `manage.py activity_prune` writes the compressed archive of pruned events.
_setting_from_env("ACTIVITY_ARCHIVE_DIR", "ACTIVITY_ARCHIVE_DIR")
# Where `manage.py backup` writes its archives when given no --output.
_setting_from_env("BACKUP_DIR", "BACKUP_DIR")
# Activity events are sealed by a thread of each process (the default on PostgreSQL) or in the committing one.
if os.environ.get("ACTIVITY_SEAL_IN_BACKGROUND", "").strip():
    ACTIVITY_SEAL_IN_BACKGROUND = env_bool("ACTIVITY_SEAL_IN_BACKGROUND")
# A verification asked for from the activity page runs in a thread of the process (the default) or in the request.
if os.environ.get("ACTIVITY_VERIFY_IN_BACKGROUND", "").strip():
    ACTIVITY_VERIFY_IN_BACKGROUND = env_bool("ACTIVITY_VERIFY_IN_BACKGROUND")

# /.well-known/security.txt (RFC 9116, modyo_admin/security_txt.py); SECURITY_TXT_CONTACT=none turns it off.
_setting_from_env("SECURITY_TXT_CONTACT", "SECURITY_TXT_CONTACT", _security_contacts)
_setting_from_env("SECURITY_TXT_POLICY", "SECURITY_TXT_POLICY", _https_url)
_setting_from_env(
    "SECURITY_TXT_PREFERRED_LANGUAGES",
    "SECURITY_TXT_PREFERRED_LANGUAGES",
    lambda value: [item.strip() for item in value.split(",") if item.strip()],
)

# Lockout defaults; Settings > Security can override them at run time.
_setting_from_env("LOCKOUT_FAILURE_LIMIT", "LOCKOUT_FAILURE_LIMIT", _whole_number)
_setting_from_env("LOCKOUT_COOLOFF_MINUTES", "LOCKOUT_COOLOFF_MINUTES", _whole_number)
# Sensitive actions ask for the password again when the last authentication is older.
_setting_from_env("REAUTHENTICATION_MAX_AGE_MINUTES", "REAUTHENTICATION_MAX_AGE_MINUTES", _whole_number)
# The security checkup's thresholds (checkup/conf.py has the defaults).
for _name in (
    "CHECKUP_MAX_ADMINISTRATORS",
    "CHECKUP_DELIVERY_KEY_MAX_AGE_DAYS",
    "CHECKUP_REVIEW_MAX_AGE_DAYS",
    "CHECKUP_VERIFICATION_MAX_AGE_DAYS",
    "CHECKUP_BACKUP_MAX_AGE_HOURS",
    "CHECKUP_TOKEN_UNUSED_DAYS",
):
    _setting_from_env(_name, _name, _whole_number)

# django-axes: lock after repeated failures, per account and IP together, so
# that one attacker cannot lock a victim out from everywhere.
AXES_FAILURE_LIMIT = "accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = "accounts.lockout.cooloff_time"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.lockout.username"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# The database handler, without the clean-up queries of a sign-in that followed no failure.
AXES_HANDLER = "accounts.lockout.LockoutHandler"
# Our own auth.signed_in event records each sign-in (who, when, from where): no second row in axes' AccessLog.
AXES_DISABLE_ACCESS_LOG = True
# The lockout ends when the locked-out page says, however often someone retries.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "activity.context.client_ip"
# Form fields axes must mask in the attempts it stores.
AXES_SENSITIVE_PARAMETERS = [
    "password",
    "old_password",
    "new_password1",
    "new_password2",
    "code",
    "token",
]

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Modyo security admin API",
    "VERSION": "1.0.0",
    "DESCRIPTION": "The admin API (/api/v1/): authenticate with an API token from Profile > API tokens, sent as "
    "`Authorization: Bearer <token>`. Errors are problem documents (RFC 9457, application/problem+json).",
    # Swagger UI from drf-spectacular-sidecar's static files: the docs page loads nothing from elsewhere.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"ApiTokenScope": "api.models.ApiToken.Scope", "Role": "accounts.roles.Role"},
}


# Requests one API token may send, per second, minute, hour or day (api/conf.py has the default, 600/minute).
def _api_rate(value: str) -> str:
    from api.conf import rate_parse

    rate_parse(value)  # raises ValueError saying what it expects
    return value


_setting_from_env("API_TOKEN_RATE_LIMIT", "API_TOKEN_RATE_LIMIT", _api_rate)

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"axes": {"level": "WARNING"}},
}

# CORS applies to what sites call only: the content API and delivery-token issuing. The admin
# API (/api/v1/), its schema and docs never answer another origin (security.E004). The allowed
# origins are a security setting kept in the database (see security/cors.py).
CORS_URLS_REGEX = r"^/api/(content/|delivery/token$)"
# Credentials (the session cookie that /api/delivery/token needs) are allowed
# only to listed origins: an unlisted origin gets no CORS header at all.
CORS_ALLOW_CREDENTIALS = True
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_HEADERS = ("accept", "authorization", "content-type", "delivery-token", "user-agent", "x-requested-with")
CORS_EXPOSE_HEADERS = ("www-authenticate",)
# Browsers ask again after 10 minutes, so a removed origin soon loses preflight too.
CORS_PREFLIGHT_MAX_AGE = 600

# Content-delivery tokens (JWT, HS256). The issuer defaults to PANEL_BASE_URL;
# the TTL is the one a new installation starts with (then set on the Security page).
_setting_from_env("SECURITY_DELIVERY_TOKEN_ISSUER", "DELIVERY_TOKEN_ISSUER")
_setting_from_env("SECURITY_DELIVERY_TOKEN_DEFAULT_TTL", "DELIVERY_TOKEN_DEFAULT_TTL", _whole_number)
