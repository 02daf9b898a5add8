"""Dormant accounts: the setting, owners' exemptions, and deactivating members who stopped signing in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from activity.services import event_record
from singletons.selectors import singleton_get
from singletons.services import singleton_update

from .. import conf
from ..models import MAX_DORMANCY_DAYS, MIN_DORMANCY_DAYS, SignInPolicy, User
from ..selectors import dormant_members
from ._base import _ensure_not_last_owner, _lock, _lock_with_owners
from .members import member_access_end


@transaction.atomic
def dormancy_policy_update(*, acting_user: User, dormancy_days: int | None) -> SignInPolicy:
    """Deactivate members after ``dormancy_days`` days without signing in (30 to 365), or never (None)."""
    if dormancy_days is not None and not MIN_DORMANCY_DAYS <= dormancy_days <= MAX_DORMANCY_DAYS:
        raise ValidationError(
            {"dormancy_days": f"Enter {MIN_DORMANCY_DAYS} to {MAX_DORMANCY_DAYS} days, or leave it empty for never."},
            code="dormancy_out_of_range",
        )
    policy, changes = singleton_update(
        SignInPolicy,
        acting_user=acting_user,
        fields={"dormancy_days": dormancy_days},
        allowed=SignInPolicy.DORMANCY_FIELDS,
    )
    if changes:
        event_record(action="settings.dormancy.updated", actor=acting_user, target=policy, changes=changes)
    return policy


@transaction.atomic
def member_dormancy_exempt_set(*, user: User, exempt: bool, acting_user: User) -> User:
    """Exempt a named service account from the dormancy rule, or end its exemption (owners only)."""
    if not acting_user.has_perm("team.dormancy_exempt"):
        raise PermissionDenied("Only owners may exempt an account from deactivation for dormancy.")
    user = _lock(user)
    if user.dormancy_exempt == exempt:
        return user
    user.dormancy_exempt = exempt
    user.save(update_fields=["dormancy_exempt"])
    event_record(
        action="member.dormancy_exempt_changed",
        actor=acting_user,
        target=user,
        changes={"dormancy_exempt": [not exempt, exempt]},
    )
    return user


@dataclass
class DormancyRun:
    """What one run of the dormancy rule did: who was deactivated, and who was kept as the last owner."""

    days: int | None
    deactivated: list[User] = field(default_factory=list)
    kept_last_owner: list[User] = field(default_factory=list)


def dormant_members_deactivate(*, now: datetime | None = None) -> DormancyRun:
    """Deactivate every active member who has not signed in for the dormancy limit; run it daily.

    A member who never signed in counts from joining (accepting the invitation). Exempted
    service accounts are left alone, and so is the last active owner. Each member is
    deactivated in a transaction of its own, with one ``member.dormancy_deactivated`` event,
    and is told by email. Running it again changes nothing until someone else goes dormant.
    """
    # The database, not a cached copy: this removes access.
    days = singleton_get(SignInPolicy, cached=False).dormancy_days
    run = DormancyRun(days=days)
    if days is None:
        return run
    now = now or timezone.now()
    cutoff = now - timedelta(days=days)
    for user in dormant_members(cutoff=cutoff).order_by("last_sign_in", "pk"):
        try:
            if _dormant_member_deactivate(user=user, days=days, cutoff=cutoff):
                run.deactivated.append(user)
        except ValidationError as error:
            if error.code != "last_owner":
                raise
            run.kept_last_owner.append(user)
    return run


@transaction.atomic
def _dormant_member_deactivate(*, user: User, days: int, cutoff: datetime) -> bool:
    user = _lock_with_owners(user)
    last_sign_in = user.last_login or user.joined_at
    # Read again under the lock: the member may have signed in, been exempted or deactivated since.
    if not user.is_active or user.dormancy_exempt or last_sign_in is None or last_sign_in >= cutoff:
        return False
    _ensure_not_last_owner(user, "The last active owner is never deactivated for dormancy.")
    ended = member_access_end(user=user, acting_user=None)
    event_record(
        action="member.dormancy_deactivated",
        target=user,
        changes={
            "is_active": [True, False],
            "last_sign_in": last_sign_in.isoformat(),
            "dormancy_days": days,
            "sessions_ended": ended,
        },
    )
    transaction.on_commit(lambda: _dormancy_notice_send(user=user, days=days))
    return True


def _dormancy_notice_send(*, user: User, days: int) -> None:
    send_mail(
        subject=f"Your {conf.organisation_name()} admin panel account was deactivated",
        message=(
            f"Your account ({user.email}) on the {conf.organisation_name()} admin panel was deactivated because "
            f"nobody signed in to it for {days} days; unused accounts are closed so that they cannot be taken "
            "over unnoticed.\n\nIf you still need access, ask an owner or an admin of your team to reactivate it.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
