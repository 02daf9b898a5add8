"""Reads shared by pages, the API, commands and password validators."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet

from .models import PasswordPolicy, User
from .roles import Role

POLICY_CACHE_KEY = "accounts:password_policy:v1"


def password_policy_get() -> PasswordPolicy:
    """Return the policy in force (cached; the cache is cleared on change)."""
    policy = cache.get(POLICY_CACHE_KEY)
    if policy is None:
        policy = PasswordPolicy.objects.order_by("pk").first() or PasswordPolicy.objects.get_or_create(pk=1)[0]
        cache.set(POLICY_CACHE_KEY, policy, timeout=300)
    return policy


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


def active_owner_count() -> int:
    return User.objects.filter(role=Role.OWNER, is_active=True).count()


def members_by_role_and_status() -> list[dict]:
    """Return rows of (role, active, invited, deactivated) counts for the dashboard."""
    rows = []
    for role in Role:
        users = User.objects.filter(role=role)
        rows.append(
            {
                "role": role.label,
                "active": users.filter(is_active=True, joined_at__isnull=False).count(),
                "invited": users.filter(is_active=True, joined_at__isnull=True).count(),
                "deactivated": users.filter(is_active=False).count(),
            }
        )
    return rows
