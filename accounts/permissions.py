"""The permission table applied: a decorator for pages, DRF permission classes for the API.

Both read ``accounts.roles.PERMISSIONS``: who may act, and whether the action
needs a recent authentication. A view or endpoint names one permission; the
rest follows from the table.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import BasePermission

from .reauth import reauthentication_redirect
from .roles import PERMISSIONS, permission_get


def permission_required(perm: str):
    """Declare the permission a page needs: refuse other roles (403), ask again if it needs a recent authentication.

    The declared name is kept on the view as ``permission`` for the contract tests.
    """
    permission = permission_get(perm)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.has_perm(perm):
                raise PermissionDenied
            if permission.recent_authentication and (ask := reauthentication_redirect(request)) is not None:
                return ask
            return view(request, *args, **kwargs)

        wrapper.permission = perm
        return wrapper

    return decorator


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
