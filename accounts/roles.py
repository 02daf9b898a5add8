"""Roles and the one permission table that every view and endpoint consults."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    AUDITOR = "auditor", "Auditor"
    MEMBER = "member", "Member"


# permission name -> roles that hold it. Every page and API endpoint names one
# of these; nothing else decides who may open what.
PERMISSIONS: dict[str, frozenset[str]] = {
    "dashboard.view": frozenset({Role.OWNER, Role.ADMIN, Role.AUDITOR}),
    "team.view": frozenset({Role.OWNER, Role.ADMIN, Role.AUDITOR}),
    "team.manage": frozenset({Role.OWNER, Role.ADMIN}),
    "security.view": frozenset({Role.OWNER, Role.ADMIN, Role.AUDITOR}),
    "security.edit": frozenset({Role.OWNER, Role.ADMIN}),
    "security.reveal_secret": frozenset({Role.OWNER, Role.ADMIN}),
    "content.manage": frozenset({Role.OWNER, Role.ADMIN}),
    # A delivery token names the signed-in person to the content API, so every role may get one.
    "content.delivery_token": frozenset({Role.OWNER, Role.ADMIN, Role.AUDITOR, Role.MEMBER}),
    "activity.view": frozenset({Role.OWNER, Role.ADMIN, Role.AUDITOR}),
    "profile.view": frozenset({Role.OWNER, Role.ADMIN, Role.AUDITOR, Role.MEMBER}),
}

# Roles an actor may give or take away from others.
MANAGEABLE_ROLES: dict[str, frozenset[str]] = {
    Role.OWNER: frozenset({Role.OWNER, Role.ADMIN, Role.AUDITOR, Role.MEMBER}),
    Role.ADMIN: frozenset({Role.AUDITOR, Role.MEMBER}),
}


def role_has_perm(role: str, perm: str) -> bool:
    try:
        return role in PERMISSIONS[perm]
    except KeyError:
        raise KeyError(f"Unknown permission {perm!r}; add it to accounts.roles.PERMISSIONS.") from None


def can_manage_role(actor_role: str, role: str) -> bool:
    return role in MANAGEABLE_ROLES.get(actor_role, frozenset())
