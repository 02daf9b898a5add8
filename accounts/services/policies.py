"""The sign-in policy: two-step enforcement, lockout limits and session limits."""

from __future__ import annotations

from django.db import transaction

from activity.services import event_record
from singletons.services import singleton_update

from ..models import SignInPolicy, User


def _sign_in_policy_update(
    *, acting_user: User, fields: dict, allowed: tuple[str, ...], action: str
) -> tuple[SignInPolicy, dict]:
    policy, changes = singleton_update(SignInPolicy, acting_user=acting_user, fields=fields, allowed=allowed)
    if changes:
        event_record(action=action, actor=acting_user, target=policy, changes=changes)
    return policy, changes


@transaction.atomic
def two_factor_policy_update(*, acting_user: User, **fields) -> SignInPolicy:
    """Require (or stop requiring) two-step authentication of everyone, with a grace period."""
    policy, changes = _sign_in_policy_update(
        acting_user=acting_user,
        fields=fields,
        allowed=SignInPolicy.TWO_FACTOR_FIELDS,
        action="settings.two_factor.updated",
    )
    if changes.get("two_factor_required") == [False, True]:
        # The grace period counts from the change that switched enforcement on.
        policy.two_factor_enforced_at = policy.updated_at
        policy.save(update_fields=["two_factor_enforced_at"])
    return policy


@transaction.atomic
def lockout_policy_update(*, acting_user: User, **fields) -> SignInPolicy:
    """Change how many failed sign-ins lock an account and IP out, and for how long."""
    policy, _ = _sign_in_policy_update(
        acting_user=acting_user, fields=fields, allowed=SignInPolicy.LOCKOUT_FIELDS, action="settings.lockout.updated"
    )
    return policy


@transaction.atomic
def session_policy_update(*, acting_user: User, **fields) -> SignInPolicy:
    """Change the absolute session lifetime and the inactivity timeout."""
    policy, _ = _sign_in_policy_update(
        acting_user=acting_user, fields=fields, allowed=SignInPolicy.SESSION_FIELDS, action="settings.sessions.updated"
    )
    return policy
