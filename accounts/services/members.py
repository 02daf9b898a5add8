"""Team members: creation, invitations, roles, deactivation, and the first-run setup."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from activity.services import event_record

from .. import conf
from ..models import Invitation, SetupToken, User, token_hash
from ..roles import Role, can_manage_role
from ..signals import member_access_changed, member_deactivated
from ._base import (
    _authorize_member_change,
    _check_email_free,
    _ensure_not_last_owner,
    _lock,
    _lock_with_owners,
    _normalise_email,
    _password_set_and_save,
    user_sessions_end,
)


@transaction.atomic
def member_create(
    *,
    email: str,
    password: str | None,
    full_name: str = "",
    role: str = Role.MEMBER,
    acting_user: User | None = None,
) -> User:
    """Create a member who can sign in at once (automation and first-run setup)."""
    email = _normalise_email(email)
    _check_email_free(email)
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    if not password:
        raise ValidationError({"password": "A password is required."})
    user = User(email=email, full_name=full_name.strip(), role=role, joined_at=timezone.now())
    _password_set_and_save(user, password)
    event_record(
        action="member.created",
        actor=acting_user,
        target=user,
        changes={"role": [None, role], "email": [None, email]},
    )
    return user


@transaction.atomic
def member_invite(*, email: str, role: str, full_name: str = "", acting_user: User) -> tuple[User, str]:
    """Invite ``email`` with ``role``; return the user and the single-use link.

    Inviting someone still invited replaces their earlier link.
    """
    email = _normalise_email(email)
    if not can_manage_role(acting_user.role, role):
        raise PermissionDenied(f"You cannot invite someone as {Role(role).label}.")
    user = User.objects.select_for_update().filter(email=email).first()
    if user is not None and user.status != User.Status.INVITED:
        raise ValidationError({"email": f"{email} is already on the team."}, code="email_taken")
    if user is not None:
        # Re-inviting changes the pending role: the actor must be allowed to manage the current one too.
        _authorize_member_change(acting_user=acting_user, user=user)
    role_before = user.role if user is not None else None
    if user is None:
        user = User(email=email, full_name=full_name.strip(), role=role, joined_at=None)
        user.set_unusable_password()
        user.save()
    else:
        user.role = role
        user.full_name = full_name.strip() or user.full_name
        user.save(update_fields=["role", "full_name"])
        user.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation.objects.create(
        user=user,
        token_hash=token_hash(token),
        invited_by=acting_user,
        created_at=now,
        expires_at=now + conf.invitation_ttl(),
    )
    link = conf.panel_base_url() + reverse("accounts:invitation_accept", args=[token])
    event_record(
        action="member.invited",
        actor=acting_user,
        target=user,
        changes={"role": [role_before, role], "expires_at": [None, invitation.expires_at.isoformat()]},
    )
    transaction.on_commit(lambda: _send_invitation(user=user, link=link, inviter=acting_user, invitation=invitation))
    return user, link


def _send_invitation(*, user: User, link: str, inviter: User, invitation: Invitation) -> None:
    hours = int((invitation.expires_at - invitation.created_at).total_seconds() // 3600)
    send_mail(
        subject=f"You are invited to the {conf.organisation_name()} admin panel",
        message=(
            f"{inviter.get_full_name()} invited you to the {conf.organisation_name()} admin panel.\n\n"
            f"Set your password here (the link works once and expires in {hours} hours):\n{link}\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )


@transaction.atomic
def invitation_accept(*, token: str, password: str, full_name: str = "") -> User:
    """Use an invitation once: set the invitee's password and make them active."""
    invitation = (
        Invitation.objects.select_for_update().select_related("user").filter(token_hash=token_hash(token)).first()
    )
    if invitation is None or not invitation.is_usable() or not invitation.user.is_active:
        raise ValidationError("This invitation link is invalid, already used or expired.", code="invitation_invalid")
    user = invitation.user
    if full_name.strip():
        user.full_name = full_name.strip()
    user.joined_at = timezone.now()
    _password_set_and_save(user, password)
    invitation.accepted_at = user.joined_at
    invitation.save(update_fields=["accepted_at"])
    event_record(action="member.joined", actor=user, target=user)
    return user


@transaction.atomic
def member_role_change(*, user: User, role: str, acting_user: User) -> User:
    user = _lock_with_owners(user)
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    _authorize_member_change(acting_user=acting_user, user=user)
    if not can_manage_role(acting_user.role, role):
        raise PermissionDenied(f"You cannot give the role {Role(role).label}.")
    if role == user.role:
        return user
    if role != Role.OWNER:
        _ensure_not_last_owner(user, "The last active owner cannot be demoted. Make someone else an owner first.")
    before = user.role
    user.role = role
    user.save(update_fields=["role"])
    event_record(action="member.role_changed", actor=acting_user, target=user, changes={"role": [before, role]})
    return user


@transaction.atomic
def member_name_update(*, user: User, full_name: str, acting_user: User) -> User:
    """Rename ``user``: anyone may rename themselves, a manager those whose role they manage."""
    user = _lock(user)
    if user.pk != acting_user.pk:
        _authorize_member_change(acting_user=acting_user, user=user)
    full_name = full_name.strip()
    if not full_name:
        raise ValidationError({"full_name": "Enter a name."}, code="name_required")
    limit = User._meta.get_field("full_name").max_length
    if len(full_name) > limit:
        raise ValidationError({"full_name": f"A name has at most {limit} characters."}, code="name_too_long")
    if full_name == user.full_name:
        return user
    before = user.full_name
    user.full_name = full_name
    user.save(update_fields=["full_name"])
    event_record(action="member.renamed", actor=acting_user, target=user, changes={"full_name": [before, full_name]})
    return user


@transaction.atomic
def invitation_revoke(*, user: User, acting_user: User) -> None:
    """Withdraw the invitation of someone who never joined: their link stops working and they leave the team.

    The account of an invitee who never joined holds nothing but its invitations: no password,
    session, device, or anything it did (it could not sign in). So the row is deleted with them
    rather than kept deactivated; the events about it keep its email as their label, and the
    address can be invited again. Someone who joined is deactivated instead.
    """
    user = _lock(user)
    _authorize_member_change(acting_user=acting_user, user=user)
    if user.status != User.Status.INVITED:
        raise ValidationError(
            f"{user.email} has joined the team: deactivate them instead of revoking an invitation.",
            code="not_invited",
        )
    pending = user.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).count()
    event_record(
        action="member.invitation_revoked",
        actor=acting_user,
        target=user,
        changes={"role": [user.role, None], "links_voided": pending},
    )
    user.delete()


@transaction.atomic
def member_deactivate(*, user: User, acting_user: User) -> User:
    user = _lock_with_owners(user)
    _authorize_member_change(acting_user=acting_user, user=user)
    if user.pk == acting_user.pk:
        raise ValidationError("You cannot deactivate yourself.", code="deactivate_self")
    if not user.is_active:
        return user
    _ensure_not_last_owner(user, "The last active owner cannot be deactivated.")
    ended = member_access_end(user=user, acting_user=acting_user)
    event_record(
        action="member.deactivated",
        actor=acting_user,
        target=user,
        changes={"is_active": [True, False], "sessions_ended": ended},
    )
    return user


def member_access_end(*, user: User, acting_user: User | None) -> int:
    """Deactivate ``user`` (locked by the caller): void pending invitations, end sessions and the credentials
    other apps issued; return how many sessions ended. The caller records the event.

    Every deactivation goes through here, by a person or by the dormancy rule.
    """
    user.is_active = False
    user.save(update_fields=["is_active"])
    user.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=timezone.now())
    ended = user_sessions_end(user=user)
    member_deactivated.send(sender=User, user=user, acting_user=acting_user)
    return ended


@transaction.atomic
def member_reactivate(*, user: User, acting_user: User) -> User:
    user = _lock(user)
    _authorize_member_change(acting_user=acting_user, user=user)
    if user.is_active:
        return user
    user.is_active = True
    user.save(update_fields=["is_active"])
    member_access_changed.send(sender=User, user=user)
    event_record(action="member.reactivated", actor=acting_user, target=user, changes={"is_active": [False, True]})
    return user


@transaction.atomic
def setup_token_issue() -> str | None:
    """Return a new one-time setup token while no user exists, else None.

    Issuing a token replaces any earlier one.
    """
    if User.objects.exists():
        SetupToken.objects.all().delete()
        return None
    token = secrets.token_urlsafe(32)
    replaced, _ = SetupToken.objects.all().delete()
    SetupToken.objects.create(token_hash=token_hash(token))
    event_record(
        action="setup.link_issued",
        target_type="setup",
        target_label="First-run setup link",
        changes={"earlier_links_voided": replaced},
    )
    return token


@transaction.atomic
def setup_complete(*, token: str, email: str, password: str, full_name: str = "") -> User:
    """Create the first Owner with the one-time setup token, then void it."""
    tokens = SetupToken.objects.select_for_update().filter(token_hash=token_hash(token))
    if not tokens.exists() or User.objects.exists():
        raise ValidationError("This setup link is invalid or has already been used.", code="setup_invalid")
    user = member_create(email=email, password=password, full_name=full_name, role=Role.OWNER)
    SetupToken.objects.all().delete()
    return user
