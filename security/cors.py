"""CORS allowed origins: parsing the administrator's list, and deciding requests.

django-cors-headers does the CORS work. It asks its ``check_request_enabled``
signal whether an origin it does not know from settings may call a URL; the
receiver here answers from the origins kept on the Security page.

Deciding a request costs no database query: the allowed set lives in the
shared cache (Redis in production), and each process keeps its own copy for
at most ``SECURITY_CORS_PROCESS_CACHE_SECONDS`` (1 s by default). A change
replaces the shared copy when its transaction commits.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable

from corsheaders.conf import conf as cors_conf
from django.core.cache import BaseCache, cache
from django.core.exceptions import ValidationError

from . import conf

MAX_ORIGINS = 100
MAX_ORIGIN_LENGTH = 300
CACHE_KEY = "security:cors_allowed_origins:v1"

_DEFAULT_PORTS = {"http": 80, "https": 443}
_SPLIT = re.compile(r"[,\r\n]+")
_ORIGIN = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<authority>[^/?#]*)(?P<rest>.*)$", re.DOTALL)
logger = logging.getLogger(__name__)
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


# Parsing --------------------------------------------------------------------


def _host_normalise(host: str, entry: str) -> str:
    if not host:
        raise ValidationError(f"“{entry}” has no host name.", code="origin_no_host")
    if host.startswith("["):
        if not host.endswith("]"):
            raise ValidationError(f"“{entry}” has an invalid IPv6 address.", code="origin_invalid_host")
        try:
            return f"[{ipaddress.IPv6Address(host[1:-1]).compressed}]"
        except ValueError:
            raise ValidationError(f"“{entry}” has an invalid IPv6 address.", code="origin_invalid_host") from None
    host = host.lower()
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValidationError(f"“{entry}” has an invalid host name.", code="origin_invalid_host") from None
    labels = host.split(".")
    if len(host) > 253 or not all(_LABEL.match(label) for label in labels):
        raise ValidationError(
            f"“{entry}” has an invalid host name: use letters, digits, hyphens and dots only.",
            code="origin_invalid_host",
        )
    return host


def _port_normalise(port: str, scheme: str, entry: str) -> str:
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ValidationError(f"“{entry}” has an invalid port: use a number from 1 to 65535.", code="origin_bad_port")
    # Browsers leave the default port out of the Origin header.
    return "" if int(port) == _DEFAULT_PORTS[scheme] else f":{int(port)}"


def origin_normalise(entry: str) -> str:
    """Return ``entry`` as a browser would send it in ``Origin``, or raise ValidationError.

    An origin is ``http`` or ``https``, a host and an optional port; nothing
    else (no path, query, fragment, user name, wildcard or ``null``).
    """
    if len(entry) > MAX_ORIGIN_LENGTH:
        raise ValidationError(f"“{entry[:40]}…” is too long for an origin.", code="origin_too_long")
    if entry.lower() == "null":
        raise ValidationError(
            "“null” is not allowed: it is the origin of sandboxed frames and local files, which anyone can create.",
            code="origin_null",
        )
    if "*" in entry:
        raise ValidationError(f"“{entry}”: wildcards are not allowed; list each origin.", code="origin_wildcard")
    match = _ORIGIN.match(entry)
    if match is None:
        raise ValidationError(f"“{entry}” must start with http:// or https://.", code="origin_no_scheme")
    scheme, authority, rest = match["scheme"].lower(), match["authority"], match["rest"]
    if scheme not in _DEFAULT_PORTS:
        raise ValidationError(f"“{entry}”: the scheme must be http or https.", code="origin_bad_scheme")
    if rest:
        what = {"/": "a path or trailing slash", "?": "a query", "#": "a fragment"}[rest[0]]
        raise ValidationError(
            f"“{entry}” must not have {what}: an origin is only scheme://host[:port].", code="origin_has_path"
        )
    if "@" in authority:
        raise ValidationError(f"“{entry}” must not contain a user name or password.", code="origin_userinfo")
    host, port = authority, ""
    if authority.startswith("["):
        host, bracket, after = authority.partition("]")
        host += bracket
        if after:
            if not after.startswith(":"):
                raise ValidationError(f"“{entry}” has an invalid IPv6 address.", code="origin_invalid_host")
            port = after[1:] or "-"
    elif ":" in authority:
        host, port = authority.rsplit(":", 1)
        port = port or "-"
    host = _host_normalise(host, entry)
    port = _port_normalise(port, scheme, entry) if port else ""
    return f"{scheme}://{host}{port}"


def origins_parse(value: str | Iterable[str]) -> list[str]:
    """Parse a comma-separated list (or an iterable) of origins.

    Return them normalised, duplicates dropped, in the order given. Raise one
    ValidationError holding a message for each invalid entry.
    """
    entries = _SPLIT.split(value) if isinstance(value, str) else [str(entry) for entry in value]
    origins: list[str] = []
    errors: list[ValidationError] = []
    for entry in (entry.strip() for entry in entries):
        if not entry:
            continue
        try:
            origin = origin_normalise(entry)
        except ValidationError as error:
            errors.append(error)
        else:
            if origin not in origins:
                origins.append(origin)
    if errors:
        raise ValidationError(errors)
    if len(origins) > MAX_ORIGINS:
        raise ValidationError(f"List at most {MAX_ORIGINS} origins, not {len(origins)}.", code="origins_too_many")
    return origins


# Runtime ----------------------------------------------------------------------


class AllowedOrigins:
    """The allowed-origin set of one process: a short-lived copy of the shared cache."""

    def __init__(
        self,
        *,
        shared: BaseCache | None = None,
        clock: Callable[[], float] = time.monotonic,
        loader: Callable[[], frozenset[str]] | None = None,
    ) -> None:
        self._shared = shared
        self._clock = clock
        self._loader = loader
        self._lock = threading.Lock()
        # (origins, fetched at): one tuple, so that readers never see half an update.
        self._copy: tuple[frozenset[str], float] | None = None

    @property
    def shared(self) -> BaseCache:
        return self._shared if self._shared is not None else cache

    def get(self) -> frozenset[str]:
        copy, now = self._copy, self._clock()
        if copy is not None and 0 <= now - copy[1] < conf.cors_process_cache_seconds():
            return copy[0]
        with self._lock:
            try:
                origins = self.shared.get(CACHE_KEY)
            except Exception:
                # Decided from the database, exactly, while the shared cache is out of reach.
                logger.warning("Cache unavailable; CORS origins read from the database.", exc_info=True)
                origins = self._load()
            else:
                if origins is None:
                    origins = self._load()
                    # add(), not set(): never overwrite what a concurrent change just published.
                    self._shared_call("add", CACHE_KEY, origins, timeout=conf.cors_cache_timeout())
            self._copy = (frozenset(origins), now)
            return self._copy[0]

    def publish(self, origins: frozenset[str]) -> None:
        """Replace the shared copy and this process's copy with ``origins``.

        The change is saved already: a cache that cannot take the new copy must
        not turn it into an error. The old copy is removed instead (or, if even
        that fails, expires within ``cors_cache_timeout()``).
        """
        if not self._shared_call("set", CACHE_KEY, origins, timeout=conf.cors_cache_timeout()):
            self._shared_call("delete", CACHE_KEY)
        with self._lock:
            self._copy = (frozenset(origins), self._clock())

    def _shared_call(self, method: str, *args, **kwargs) -> bool:
        try:
            getattr(self.shared, method)(*args, **kwargs)
        except Exception:
            logger.error("Could not %s the shared CORS origins in the cache.", method, exc_info=True)
            return False
        return True

    def forget(self) -> None:
        """Drop this process's copy, so that the next request asks the shared cache."""
        with self._lock:
            self._copy = None

    def _load(self) -> frozenset[str]:
        if self._loader is not None:
            return self._loader()
        from .selectors import cors_settings_get

        return cors_settings_get().effective_origins()


allowed_origins = AllowedOrigins()


def origin_allowed(request) -> bool:
    """Return whether the request's ``Origin`` may call this URL under the Security settings."""
    # The URL test comes first: admin pages never reach the cache.
    if not re.match(cors_conf.CORS_URLS_REGEX, request.path_info):
        return False
    origin = request.headers.get("origin")
    return bool(origin) and origin in allowed_origins.get()


def cors_check_request_enabled(sender, request, **kwargs) -> bool:
    """Receiver of django-cors-headers' ``check_request_enabled`` signal."""
    return origin_allowed(request)
