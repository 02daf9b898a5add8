"""Every write of API tokens. The profile page, the API and the command call these."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from activity.services import event_record

from . import conf
from .models import ApiToken
from .tokens import token_digest, token_generate, token_visible_part

# last_used_* is written at most this often per token: a busy script must not write a row per request.
LAST_USED_RESOLUTION = timedelta(seconds=60)


@transaction.atomic
def api_token_create(
    *, acting_user, name: str, scope: str, expires_in_days: int = conf.DEFAULT_EXPIRY_DAYS
) -> tuple[ApiToken, str]:
    """Create a token for ``acting_user``; return it and the token itself, which is never stored or shown again.

    Owners, admins and auditors may create tokens; read-write ones need a role
    that may change something (auditors get read tokens only).
    """
    if not acting_user.has_perm("api_tokens.create"):
        raise PermissionDenied("Your role cannot create API tokens.")
    name = (name or "").strip()
    errors = {}
    limit = ApiToken._meta.get_field("name").max_length
    if not name:
        errors["name"] = "Enter a name that says what the token is for."
    elif len(name) > limit or not name.isprintable():
        errors["name"] = f"A name has at most {limit} printable characters."
    if scope not in ApiToken.Scope.values:
        errors["scope"] = f"Choose a scope: {', '.join(ApiToken.Scope.values)}."
    elif scope == ApiToken.Scope.READ_WRITE and not acting_user.has_perm("api_tokens.read_write"):
        errors["scope"] = "Your role may create read tokens only."
    if isinstance(expires_in_days, bool) or not isinstance(expires_in_days, int):
        errors["expires_in_days"] = "Enter a whole number of days."
    elif not 1 <= expires_in_days <= conf.MAX_EXPIRY_DAYS:
        errors["expires_in_days"] = f"A token expires after 1 to {conf.MAX_EXPIRY_DAYS} days."
    if errors:
        raise ValidationError(errors)
    secret = token_generate()
    now = timezone.now()
    token = ApiToken.objects.create(
        user=acting_user,
        name=name,
        prefix=token_visible_part(secret),
        token_hash=token_digest(secret),
        scope=scope,
        created_at=now,
        expires_at=now + timedelta(days=expires_in_days),
    )
    event_record(
        action="api_token.created",
        actor=acting_user,
        target=token,
        changes={
            "name": [None, name],
            "prefix": [None, token.prefix],
            "scope": [None, scope],
            "expires_at": [None, token.expires_at.isoformat()],
        },
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, acting_user) -> ApiToken:
    """Revoke ``token`` at once: its creator may, and whoever manages every token. Revoking twice changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != acting_user.pk and not acting_user.has_perm("api_tokens.manage_all"):
        raise PermissionDenied("Only the token's creator or an owner may revoke it.")
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.revoked_by = acting_user
    token.save(update_fields=["revoked_at", "revoked_by"])
    event_record(
        action="api_token.revoked",
        actor=acting_user,
        target=token,
        changes={"revoked_at": [None, token.revoked_at.isoformat()], "owner": token.user.email},
    )
    return token


def api_tokens_revoke_for_deactivation(*, user, acting_user) -> int:
    """Revoke every token of ``user``, who is being deactivated; return how many.

    Runs in the deactivation's transaction, whose ``member.deactivated`` event
    already says what happened: no event per token. Revoked rather than merely
    refused while the member is inactive, so that reactivating them brings no token back.
    """
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=acting_user
    )


def api_token_used(*, token: ApiToken, ip_address: str | None) -> None:
    """Remember when and from where ``token`` was last used (at most once a minute per token, or on a new address)."""
    now = timezone.now()
    if (
        token.last_used_at is not None
        and now - token.last_used_at < LAST_USED_RESOLUTION
        and token.last_used_ip == ip_address
    ):
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip_address)
    token.last_used_at, token.last_used_ip = now, ip_address
