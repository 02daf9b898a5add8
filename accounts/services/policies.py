"""The sign-in policy: two-step enforcement, lockout limits and session limits."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from activity.services import event_record

from ..models import (
    SignInPolicy,
    User,
)
from ..selectors import (
    SIGN_IN_POLICY_CACHE_KEY,
    sign_in_policy_get,
    singleton_cache_refresh,
)


def _sign_in_policy_update(*, acting_user: User, fields: dict, allowed: tuple[str, ...], action: str) -> SignInPolicy:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError(f"Unknown options: {', '.join(sorted(unknown))}.")
    policy = SignInPolicy.objects.select_for_update().filter(pk=sign_in_policy_get().pk).first()
    if policy is None:
        policy = SignInPolicy.objects.create(pk=1)
    before = policy.values(allowed)
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.full_clean(exclude=["updated_by"])
    after = policy.values(allowed)
    if after == before:
        return policy
    if action == "settings.two_factor.updated" and after["two_factor_required"] and not before["two_factor_required"]:
        policy.two_factor_enforced_at = timezone.now()
    policy.updated_at = timezone.now()
    policy.updated_by = acting_user
    policy.save()
    changes = {name: [before[name], after[name]] for name in allowed if before[name] != after[name]}
    event_record(action=action, actor=acting_user, target=policy, changes=changes)
    transaction.on_commit(lambda: singleton_cache_refresh(SignInPolicy, SIGN_IN_POLICY_CACHE_KEY))
    return policy


@transaction.atomic
def two_factor_policy_update(*, acting_user: User, **fields) -> SignInPolicy:
    """Require (or stop requiring) two-step authentication of everyone, with a grace period."""
    return _sign_in_policy_update(
        acting_user=acting_user,
        fields=fields,
        allowed=SignInPolicy.TWO_FACTOR_FIELDS,
        action="settings.two_factor.updated",
    )


@transaction.atomic
def lockout_policy_update(*, acting_user: User, **fields) -> SignInPolicy:
    """Change how many failed sign-ins lock an account and IP out, and for how long."""
    return _sign_in_policy_update(
        acting_user=acting_user, fields=fields, allowed=SignInPolicy.LOCKOUT_FIELDS, action="settings.lockout.updated"
    )


@transaction.atomic
def session_policy_update(*, acting_user: User, **fields) -> SignInPolicy:
    """Change the absolute session lifetime and the inactivity timeout."""
    return _sign_in_policy_update(
        acting_user=acting_user, fields=fields, allowed=SignInPolicy.SESSION_FIELDS, action="settings.sessions.updated"
    )
