"""The delivery keys of one process: a short-lived copy, invalidated across processes when a key rotates.

Issuing and verifying a delivery token needs the current key and the key a
token names; reading them from the database costs more than the signature
itself. Each process keeps the keys that may still verify, and trusts that copy
for at most ``SECURITY_DELIVERY_KEYS_PROCESS_CACHE_SECONDS`` (1 s by default) before
asking the shared cache (Redis in production) for the keys' version; only a
changed or missing version makes it read the database again. A rotation
publishes the new version when its transaction commits. The secrets themselves
never go to the shared cache, only a digest of which keys exist and until when.

If a publication is lost (a worker dies between commit and publish, Redis
restarts from an old file), the shared version expires within
``SECURITY_CORS_CACHE_TIMEOUT`` (5 s by default), the same bound as every cached
security setting; expiry of a key's grace period needs no publication at all:
it is checked against the clock on every token.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import BaseCache, cache
from django.db.models import Q
from django.utils import timezone

from . import conf
from .models import DeliveryKey

CACHE_KEY = "security:delivery_keys_version:v1"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Keys:
    """The keys that may sign or verify now, and the version they were read at."""

    version: str
    current: DeliveryKey | None
    by_kid: dict[str, DeliveryKey] = field(default_factory=dict)

    def for_verification(self, kid: str, *, now: datetime) -> DeliveryKey | None:
        key = self.by_kid.get(kid)
        return key if key is not None and key.verifies_at(now) else None


def _version(keys: list[DeliveryKey]) -> str:
    """Return a digest of which keys exist and until when they verify (never of their secrets)."""
    parts = sorted(f"{key.pk}:{key.kid}:{key.retired_at}:{key.verify_until}" for key in keys)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _load() -> Keys:
    now = timezone.now()
    keys = list(DeliveryKey.objects.filter(Q(retired_at__isnull=True) | Q(verify_until__gt=now)))
    current = next((key for key in keys if key.retired_at is None), None)
    return Keys(_version(keys), current, {key.kid: key for key in keys})


class DeliveryKeyring:
    """This process's copy of the delivery keys (see the module's docstring)."""

    def __init__(self, *, shared: BaseCache | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self._shared = shared
        self._clock = clock
        self._lock = threading.Lock()
        # (keys, checked at): one tuple, so that readers never see half an update.
        self._copy: tuple[Keys, float] | None = None

    @property
    def shared(self) -> BaseCache:
        return self._shared if self._shared is not None else cache

    def get(self) -> Keys:
        copy, now = self._copy, self._clock()
        if copy is not None and 0 <= now - copy[1] < conf.delivery_keys_process_cache_seconds():
            return copy[0]
        with self._lock:
            try:
                version = self.shared.get(CACHE_KEY)
            except Exception:
                # Read from the database, exactly, while the shared cache is out of reach.
                logger.warning("Cache unavailable; delivery keys read from the database.", exc_info=True)
                self._copy = None
                return _load()
            if copy is not None and version == copy[0].version:
                keys = copy[0]
            else:
                keys = _load()
                if version is None:
                    # add(), not set(): never overwrite what a rotation just published.
                    self._shared_call("add", CACHE_KEY, keys.version, timeout=conf.cors_cache_timeout())
            self._copy = (keys, now)
            return keys

    def publish(self) -> None:
        """Read the committed keys and publish their version, so that every process reloads them."""
        keys = _load()
        if not self._shared_call("set", CACHE_KEY, keys.version, timeout=conf.cors_cache_timeout()):
            self._shared_call("delete", CACHE_KEY)
        with self._lock:
            self._copy = (keys, self._clock())

    def forget(self) -> None:
        """Drop this process's copy, so that the next token asks the shared cache."""
        with self._lock:
            self._copy = None

    def _shared_call(self, method: str, *args, **kwargs) -> bool:
        try:
            getattr(self.shared, method)(*args, **kwargs)
        except Exception:
            logger.error("Could not %s the delivery keys' version in the cache.", method, exc_info=True)
            return False
        return True


keyring = DeliveryKeyring()
