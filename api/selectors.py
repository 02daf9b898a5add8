"""Reads of API tokens shared by the profile page, the API and the authentication."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ApiToken
from .tokens import token_digest


def api_tokens_visible(*, user) -> QuerySet[ApiToken]:
    """Return the tokens ``user`` may see and revoke: their own, or every token for those who manage all."""
    tokens = ApiToken.objects.select_related("user", "revoked_by")
    if user.has_perm("api_tokens.manage_all"):
        return tokens.all()
    return tokens.filter(user=user)


MAX_ID = 2**63 - 1


def api_token_get(*, user, pk: int) -> ApiToken:
    """Return the token ``pk`` if ``user`` may see it; raise ApiToken.DoesNotExist otherwise."""
    if not 0 < pk <= MAX_ID:  # beyond any id the database can hold (SQLite would overflow)
        raise ApiToken.DoesNotExist
    return api_tokens_visible(user=user).get(pk=pk)


def api_token_for_secret(secret: str) -> ApiToken | None:
    """Return the token whose SHA-256 matches ``secret``, usable or not, with its creator; None if none does."""
    return ApiToken.objects.select_related("user").filter(token_hash=token_digest(secret)).first()
