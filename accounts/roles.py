"""Roles and the one permission table that every view and endpoint consults."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    AUDITOR = "auditor", "Auditor"
    MEMBER = "member", "Member"


STAFF = frozenset({Role.OWNER, Role.ADMIN, Role.AUDITOR})
MANAGERS = frozenset({Role.OWNER, Role.ADMIN})
EVERYONE = frozenset(Role)


@dataclass(frozen=True)
class Permission:
    """Who may do something, and whether they must have proved who they are recently.

    ``recent_authentication``: the action creates, removes or elevates access,
    changes one's own authentication factors or a security setting, or destroys
    data; a session whose last authentication is older than the window is asked
    for the password (and a code) first.
    """

    roles: frozenset[str]
    recent_authentication: bool = False


# permission name -> who holds it. Every page, API endpoint and command names one
# of these; nothing else decides who may do what, or whether they are asked again.
PERMISSIONS: dict[str, Permission] = {
    "dashboard.view": Permission(STAFF),
    "team.view": Permission(STAFF),
    "team.manage": Permission(MANAGERS, recent_authentication=True),
    # Exempting a service account from the dormancy rule keeps an unused access open: owners only.
    "team.dormancy_exempt": Permission(frozenset({Role.OWNER}), recent_authentication=True),
    "security.view": Permission(STAFF),
    "security.edit": Permission(MANAGERS, recent_authentication=True),
    "security.reveal_secret": Permission(MANAGERS, recent_authentication=True),
    "content.manage": Permission(MANAGERS),
    "content.delete": Permission(MANAGERS, recent_authentication=True),
    # A delivery token names the signed-in person to the content API, so every role may get one.
    "content.delivery_token": Permission(EVERYONE),
    "activity.view": Permission(STAFF),
    # Signing off a review of the activity log: what an auditor attests, so owners and auditors only.
    "activity.sign_off": Permission(frozenset({Role.OWNER, Role.AUDITOR}), recent_authentication=True),
    "checkup.view": Permission(STAFF),
    "profile.view": Permission(EVERYONE),
    # One's own password, two-step authentication and recovery codes.
    "profile.authentication": Permission(EVERYONE, recent_authentication=True),
    # API tokens (profile > API tokens): seeing and revoking one's own revokes access only, so it never asks again.
    "api_tokens.view": Permission(STAFF),
    "api_tokens.create": Permission(STAFF, recent_authentication=True),
    # A token that may change something: only roles that may change something (auditors get read tokens).
    "api_tokens.read_write": Permission(MANAGERS, recent_authentication=True),
    # Every token of the organisation, listed and revoked.
    "api_tokens.manage_all": Permission(frozenset({Role.OWNER}), recent_authentication=True),
}

# Roles an actor may give or take away from others.
MANAGEABLE_ROLES: dict[str, frozenset[str]] = {
    Role.OWNER: frozenset({Role.OWNER, Role.ADMIN, Role.AUDITOR, Role.MEMBER}),
    Role.ADMIN: frozenset({Role.AUDITOR, Role.MEMBER}),
}


def permission_get(perm: str) -> Permission:
    try:
        return PERMISSIONS[perm]
    except KeyError:
        raise KeyError(f"Unknown permission {perm!r}; add it to accounts.roles.PERMISSIONS.") from None


def role_has_perm(role: str, perm: str) -> bool:
    return role in permission_get(perm).roles


def can_manage_role(actor_role: str, role: str) -> bool:
    return role in MANAGEABLE_ROLES.get(actor_role, frozenset())
