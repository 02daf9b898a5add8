"""Reads shared by pages, the API, commands and password validators."""

from __future__ import annotations

from datetime import timedelta

import ua_parser
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken

from .models import PasswordPolicy, SignInPolicy, User, UserSession
from .roles import Role

POLICY_CACHE_KEY = "accounts:password_policy:v1"
SIGN_IN_POLICY_CACHE_KEY = "accounts:sign_in_policy:v1"


def _singleton(model, cache_key: str):
    """Return the single row of ``model``, from the cache when possible.

    Reads inside a transaction bypass the cache: the row may hold changes
    that are not committed yet, which other processes must not see.
    """
    if connection.in_atomic_block:
        return _singleton_row(model)
    row = cache.get(cache_key)
    if row is None:
        row = _singleton_row(model)
        # add(), not set(): a writer may have cached a newer row since this read.
        cache.add(cache_key, row, timeout=300)
    return row


def _singleton_row(model):
    return model.objects.order_by("pk").first() or model.objects.get_or_create(pk=1)[0]


def singleton_cache_refresh(model, cache_key: str) -> None:
    """Put the committed row in the cache (called on commit by the services that change it)."""
    cache.set(cache_key, _singleton_row(model), timeout=300)


def password_policy_get() -> PasswordPolicy:
    """Return the password policy in force (cached; the cache is cleared on change)."""
    return _singleton(PasswordPolicy, POLICY_CACHE_KEY)


def sign_in_policy_get() -> SignInPolicy:
    """Return the two-step, lockout and session policy (cached; the cache is cleared on change)."""
    return _singleton(SignInPolicy, SIGN_IN_POLICY_CACHE_KEY)


def password_compliance_counts(*, policy: PasswordPolicy | None = None) -> dict[str, int]:
    """Count members known to comply with the current policy, known not to, and unchecked."""
    policy = policy or password_policy_get()
    current = Q(password_policy_version=policy.version)
    counts = User.objects.filter(is_active=True, joined_at__isnull=False).aggregate(
        compliant=Count("pk", filter=current & Q(password_compliant=True)),
        noncompliant=Count("pk", filter=current & Q(password_compliant=False)),
        unchecked=Count("pk", filter=~current | Q(password_policy_version__isnull=True)),
    )
    return counts


def team_list() -> QuerySet[User]:
    return User.objects.order_by("email")


def members_by_role_and_status() -> list[dict]:
    """Return, for each role, how many members are active, invited and deactivated (one query)."""
    counts = {
        row["role"]: row
        for row in User.objects.values("role").annotate(
            active=Count("pk", filter=Q(is_active=True, joined_at__isnull=False)),
            invited=Count("pk", filter=Q(is_active=True, joined_at__isnull=True)),
            deactivated=Count("pk", filter=Q(is_active=False)),
        )
    }
    empty = {"active": 0, "invited": 0, "deactivated": 0}
    return [{"role": role.label, **{key: counts.get(role.value, empty)[key] for key in empty}} for role in Role]


def user_sessions_active(*, user: User) -> list:
    """Return the user's sessions still alive under the session policy, newest first, with browser and OS."""
    policy = sign_in_policy_get()
    now = timezone.now()
    rows = list(
        UserSession.objects.filter(
            user=user,
            created_at__gt=now - timedelta(minutes=policy.session_absolute_minutes),
            last_seen_at__gt=now - timedelta(minutes=policy.session_idle_minutes),
        ).order_by("-last_seen_at")
    )
    alive = set(
        Session.objects.filter(session_key__in=[row.session_key for row in rows], expire_date__gt=now).values_list(
            "session_key", flat=True
        )
    )
    sessions = [row for row in rows if row.session_key in alive]
    for row in sessions:
        parsed = ua_parser.parse(row.user_agent or "")
        row.browser = parsed.user_agent.family if parsed.user_agent else "Unknown browser"
        row.os = parsed.os.family if parsed.os else "unknown system"
    return sessions


# NIST SP 800-63B AAL2 limits for reauthentication.
AAL2_ABSOLUTE_MINUTES = 24 * 60
AAL2_IDLE_MINUTES = 60


def session_limit_warnings(policy: SignInPolicy) -> list[str]:
    """Return warnings for session limits beyond NIST SP 800-63B's AAL2 limits (allowed, but flagged)."""
    warnings = []
    if policy.session_absolute_minutes > AAL2_ABSOLUTE_MINUTES:
        warnings.append("The absolute lifetime is longer than 24 hours, the NIST SP 800-63B limit at AAL2.")
    if policy.session_idle_minutes > AAL2_IDLE_MINUTES:
        warnings.append("The inactivity timeout is longer than 1 hour, the NIST SP 800-63B limit at AAL2.")
    return warnings


RECOVERY_DEVICE_NAME = "Recovery codes"


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_DEVICE_NAME).count()
