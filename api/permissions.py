"""The permission table (``accounts.roles``) applied to API tokens, intersected with each token's scope."""

from __future__ import annotations

from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.permissions import SAFE_METHODS

from accounts.permissions import RolePermission
from accounts.roles import permission_get

from .models import ApiToken


class TokenPermission(RolePermission):
    """Allow a request whose token's creator holds ``perm`` now, and whose scope covers the method.

    A read token may only send GET, HEAD and OPTIONS. Recent authentication and
    two-step enforcement concern sessions: a token proved itself when it was made.
    """

    # The methods the permission applies to; None: every method.
    methods: frozenset[str] | None = None

    def has_permission(self, request, view) -> bool:
        if self.methods is not None and request.method not in self.methods:
            return True
        token = request.auth
        if not isinstance(token, ApiToken):
            raise NotAuthenticated("Send an API token: “Authorization: Bearer <token>” (Profile > API tokens).")
        if not request.user.has_perm(self.perm):
            raise PermissionDenied(f"The role of this token's creator does not hold the “{self.perm}” permission.")
        if request.method not in SAFE_METHODS and not token.writes:
            raise PermissionDenied("This token's scope is read: it may only read.")
        return True


def token_requires(perm: str, *, methods: tuple[str, ...] | None = None) -> type[TokenPermission]:
    """Return a DRF permission class: the token's creator must hold ``perm``, and the scope cover the method.

    With ``methods``, it applies to those methods only: a view that reads with
    one permission and writes with another declares both.
    """
    permission_get(perm)  # an unknown name is a programming error
    suffix = f" on {', '.join(methods)}" if methods else ""
    attributes = {"perm": perm, "methods": frozenset(methods) if methods else None}
    return type(f"TokenRequires({perm}{suffix})", (TokenPermission,), attributes)
