"""The API side of the permission table: DRF permission classes over ``accounts.roles.PERMISSIONS``."""

from __future__ import annotations

from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import BasePermission

from .roles import PERMISSIONS


class RolePermission(BasePermission):
    """Allow a request whose user holds ``perm`` in the one permission table (``accounts.roles``).

    The API counterpart of ``permission_required``: declare it with
    ``permission_classes = [requires("<perm>")]``.
    """

    perm: str = ""

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            # Raised here rather than returned, so the caller learns what to do instead of DRF's generic wording.
            raise NotAuthenticated("Sign in to the admin panel first; this endpoint needs an active session.")
        return request.user.has_perm(self.perm)

    @property
    def message(self) -> str:
        return f"Your role does not hold the “{self.perm}” permission."


def requires(perm: str) -> type[RolePermission]:
    """Return a DRF permission class that asks ``request.user.has_perm(perm)``."""
    if perm not in PERMISSIONS:
        raise KeyError(f"Unknown permission {perm!r}; add it to accounts.roles.PERMISSIONS.")
    return type(f"Requires({perm})", (RolePermission,), {"perm": perm})
