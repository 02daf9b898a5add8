"""Settings of the admin API, read lazily with their defaults."""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings

TOKEN_PREFIX = "mdy_"  # noqa: S105  (the fixed start of every token, not a secret)
# Characters of a token shown in lists after it is created: the fixed start and 8 random ones.
VISIBLE_LENGTH = len(TOKEN_PREFIX) + 8
# 32 random bytes: 256 bits, as the issue asks.
TOKEN_BYTES = 32
DEFAULT_EXPIRY_DAYS = 90
MAX_EXPIRY_DAYS = 365


_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE = re.compile(r"^\s*(\d{1,9})\s*/\s*(second|minute|hour|day)\s*$")


def rate_parse(value: str) -> tuple[int, int]:
    """Return ``(requests, window in seconds)`` of a rate such as ``600/minute``; raise ValueError otherwise."""
    match = _RATE.match(value or "")
    if not match or int(match[1]) < 1:
        raise ValueError("a rate such as 600/minute (a count of 1 or more per second, minute, hour or day)")
    return int(match[1]), _PERIODS[match[2]]


def rate_limit() -> tuple[int, int]:
    """Return how many requests one token may send in how many seconds (API_TOKEN_RATE_LIMIT, 600/minute)."""
    return rate_parse(getattr(settings, "API_TOKEN_RATE_LIMIT", "600/minute"))


def default_expiry() -> timedelta:
    return timedelta(days=DEFAULT_EXPIRY_DAYS)
