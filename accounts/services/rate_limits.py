"""Rate limits beyond the per-account lockout, counted in the shared cache (Redis in production).

django-ratelimit keeps the counters (fixed windows, one cache key per window);
the limits come from the sign-in policy, so administrators set them on the
Security page next to the lockout. A refused request raises RateLimited, which
the middleware answers with 429 and ``Retry-After``; the first refusal of each
window is recorded in the activity log, the rest are only counted.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.core.cache import cache
from django_ratelimit.core import get_usage

from activity.context import client_ip
from activity.services import event_record

from ..emails import email_or_label
from ..selectors import sign_in_policy_get


@dataclass(frozen=True)
class RateLimit:
    """One limit: the sign-in policy field that holds its count, its window, and what it counts, in words.

    ``fail_closed``: whether requests are refused while the counters are out of
    reach (the cache is down). Failed sign-ins fail open, since the per-account
    lockout, counted in the database, still holds; reset requests fail closed,
    since nothing else would stop a flood of emails.
    """

    field: str
    window_seconds: int
    label: str
    fail_closed: bool


FAILED_SIGN_INS_PER_IP = RateLimit("failed_sign_ins_per_ip", 15 * 60, "failed sign-ins per IP address", False)
RESETS_PER_ADDRESS = RateLimit("reset_requests_per_address", 60 * 60, "password-reset requests per address", True)
RESETS_PER_IP = RateLimit("reset_requests_per_ip", 60 * 60, "password-reset requests per IP address", True)
# While the counters are out of reach, a refused request may try again after this.
UNAVAILABLE_RETRY_AFTER = 60

logger = logging.getLogger(__name__)


class RateLimited(Exception):
    """Too many requests of one kind from one address or for one account; try again after ``retry_after`` s."""

    def __init__(self, *, limit: RateLimit, retry_after: int):
        super().__init__(f"Too many {limit.label}.")
        self.limit = limit
        self.retry_after = max(1, retry_after)


def _usage(request, limit: RateLimit, key: str, *, increment: bool) -> dict | None:
    """Return django-ratelimit's usage of ``limit`` for ``key``, or None (after deciding) when the cache is down."""
    allowed = getattr(sign_in_policy_get(), limit.field)
    usage = get_usage(
        request,
        group=f"accounts.{limit.field}",
        key=lambda group, request: key,
        rate=(allowed, limit.window_seconds),
        increment=increment,
    )
    # django-ratelimit's answer when the cache could not be read or written.
    if usage["time_left"] < 0:
        if limit.fail_closed:
            logger.error("Rate limit on %s unavailable (cache unreachable): refusing the request.", limit.label)
            raise RateLimited(limit=limit, retry_after=UNAVAILABLE_RETRY_AFTER)
        logger.warning("Rate limit on %s unavailable (cache unreachable): not applied.", limit.label)
        return None
    return usage


def _refuse(request, limit: RateLimit, key: str, usage: dict) -> None:
    # One event per limit, key and window: a flood of refusals is counted, not recorded one by one.
    window_end = int(time.time()) + usage["time_left"]
    if cache.add(f"accounts.rate_limited:{limit.field}:{key}:{window_end}", 1, usage["time_left"] + 60):
        event_record(
            action="auth.rate_limited",
            target_type="user" if limit is RESETS_PER_ADDRESS else "ip_address",
            target_label=key,
            changes={"limit": limit.label, "allowed": usage["limit"], "window_seconds": limit.window_seconds},
        )
    raise RateLimited(limit=limit, retry_after=usage["time_left"])


def sign_in_rate_limit_check(*, request) -> None:
    """Refuse a sign-in attempt from an address that failed too often across accounts (before any hashing)."""
    ip = client_ip(request) or "unknown"
    usage = _usage(request, FAILED_SIGN_INS_PER_IP, ip, increment=False)
    if usage is not None and usage["count"] >= usage["limit"]:
        _refuse(request, FAILED_SIGN_INS_PER_IP, ip, usage)


def sign_in_failure_count(*, request) -> None:
    """Count a failed sign-in against the request's address."""
    if request is not None:
        _usage(request, FAILED_SIGN_INS_PER_IP, client_ip(request) or "unknown", increment=True)


def password_reset_rate_limit_check(*, request, email: str) -> None:
    """Count a reset request against its address and the requester's IP; refuse it past either limit."""
    for limit, key in ((RESETS_PER_ADDRESS, email_or_label(email)), (RESETS_PER_IP, client_ip(request) or "unknown")):
        usage = _usage(request, limit, key, increment=True)
        if usage is not None and usage["count"] > usage["limit"]:
            _refuse(request, limit, key, usage)
