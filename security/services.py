"""Every write of the security app. Views, the API and commands call these."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from activity.services import event_record

from . import conf, cors, delivery
from .models import MAX_GRACE_PERIOD, MAX_TOKEN_TTL, MIN_TOKEN_TTL, CorsSettings, DeliveryKey, DeliverySettings
from .selectors import cors_settings_get, delivery_key_current


def _cors_publish() -> None:
    # Read back what was committed, so that out-of-order callbacks of two
    # quick changes still publish the newest value.
    cors.allowed_origins.publish(cors_settings_get().effective_origins())


@transaction.atomic
def cors_settings_update(*, acting_user, enabled: bool, allowed_origins: str | Iterable[str]) -> CorsSettings:
    """Change whether CORS is on and which origins it allows.

    Raise ValidationError (under ``allowed_origins``, one message per invalid
    entry) and save nothing if any entry is invalid.
    """
    try:
        origins = cors.origins_parse(allowed_origins)
    except ValidationError as error:
        raise ValidationError({"allowed_origins": error.error_list}) from None
    current, _ = CorsSettings.objects.select_for_update().get_or_create(pk=1)
    before = {"enabled": current.enabled, "allowed_origins": list(current.allowed_origins)}
    after = {"enabled": bool(enabled), "allowed_origins": origins}
    if after == before:
        return current
    current.enabled, current.allowed_origins = after["enabled"], origins
    current.updated_at, current.updated_by = timezone.now(), acting_user
    current.save()
    event_record(
        action="settings.cors.updated",
        actor=acting_user,
        target=current,
        changes={name: [before[name], after[name]] for name in after},
    )
    transaction.on_commit(_cors_publish)
    return current


def _delivery_settings_lock() -> DeliverySettings:
    settings_row, _ = DeliverySettings.objects.select_for_update().get_or_create(
        pk=1, defaults={"token_ttl": conf.delivery_token_default_ttl()}
    )
    return settings_row


@transaction.atomic
def delivery_token_ttl_update(*, acting_user, ttl: int) -> DeliverySettings:
    """Set the lifetime of delivery tokens issued from now on."""
    if not isinstance(ttl, int) or not MIN_TOKEN_TTL <= ttl <= MAX_TOKEN_TTL:
        raise ValidationError(
            {"token_ttl": f"Enter a TTL from {MIN_TOKEN_TTL} to {MAX_TOKEN_TTL} seconds, not {ttl}."},
            code="ttl_out_of_range",
        )
    settings_row = _delivery_settings_lock()
    before = settings_row.token_ttl
    if ttl == before:
        return settings_row
    settings_row.token_ttl, settings_row.updated_at, settings_row.updated_by = ttl, timezone.now(), acting_user
    settings_row.save()
    event_record(
        action="settings.delivery_token.ttl_updated",
        actor=acting_user,
        target=settings_row,
        changes={"token_ttl": [before, ttl]},
    )
    return settings_row


@sensitive_variables("new_key")
@transaction.atomic
def delivery_secret_rotate(*, acting_user, grace_period: int = 0) -> DeliveryKey:
    """Generate a new delivery key; tokens signed with the old one stop verifying.

    With ``grace_period`` seconds, the key being replaced still verifies (never
    signs) for that long. Keys retired earlier stop verifying at once, so that
    rotating again always cuts off every key but the last.
    """
    if not isinstance(grace_period, int) or not 0 <= grace_period <= MAX_GRACE_PERIOD:
        raise ValidationError(
            {"grace_period": f"Enter a grace period from 0 to {MAX_GRACE_PERIOD} seconds, not {grace_period}."},
            code="grace_out_of_range",
        )
    _delivery_settings_lock()  # serialises rotations
    now = timezone.now()
    DeliveryKey.objects.filter(retired_at__isnull=False, verify_until__gt=now).update(verify_until=now)
    old_key = DeliveryKey.objects.select_for_update().filter(retired_at__isnull=True).first()
    if old_key is not None:
        old_key.retired_at, old_key.verify_until = now, now + timedelta(seconds=grace_period)
        old_key.save(update_fields=["retired_at", "verify_until"])
    new_key = DeliveryKey.objects.create(
        kid=delivery.kid_generate(), secret=delivery.secret_generate(), created_at=now, created_by=acting_user
    )
    event_record(
        action="settings.delivery_token.rotated",
        actor=acting_user,
        target=new_key,
        changes={
            "key_id": [old_key.kid if old_key else None, new_key.kid],
            "grace_period_seconds": grace_period if old_key else 0,
        },
    )
    return new_key


@transaction.atomic
def delivery_secret_reveal(*, acting_user) -> DeliveryKey:
    """Return the current key so that its secret can be shown, and record who looked."""
    if not acting_user.has_perm("security.reveal_secret"):
        raise PermissionDenied("Only owners and admins may reveal the delivery secret.")
    key = delivery_key_current()
    if key is None:
        raise ValidationError("No delivery key has been generated yet.", code="no_delivery_key")
    event_record(action="settings.delivery_token.revealed", actor=acting_user, target=key, changes={"key_id": key.kid})
    return key
