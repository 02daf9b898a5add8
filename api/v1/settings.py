"""GET/PATCH /api/v1/settings/security/ and POST /api/v1/settings/security/delivery-token/rotate.

Each section of the body goes to the service the Settings > Security page
calls for it, which holds every rule (ranges, origins, the last owner…) and
records the same event: this module only reads and writes JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.models import PasswordPolicy, SignInPolicy
from activity import selectors as activity_selectors
from activity import services as activity_services
from security import selectors as security_selectors
from security import services as security_services
from security.conf import MAX_GRACE_PERIOD

from ..exceptions import validation_detail
from ..permissions import token_requires
from .base import V1View, operation


def _field(model_field: models.Field) -> serializers.Field:
    """Return the JSON type of a setting; its range is the service's to check (one rule, one place)."""
    options = {"required": False, "help_text": str(model_field.help_text)}
    if isinstance(model_field, models.BooleanField):
        return serializers.BooleanField(**options)
    return serializers.IntegerField(allow_null=model_field.null, **options)


def _model_serializer(name: str, model, fields: tuple[str, ...]) -> type[serializers.Serializer]:
    return type(name, (serializers.Serializer,), {field: _field(model._meta.get_field(field)) for field in fields})


class CorsSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(required=False, help_text="Whether the listed websites may call /api/.")
    allowed_origins = serializers.ListField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text="Origins such as https://www.example.com: scheme, host and optional port.",
    )


class DeliveryTokenSettingsSerializer(serializers.Serializer):
    ttl = serializers.IntegerField(required=False, help_text="Seconds a delivery token stays valid.")
    key_id = serializers.CharField(read_only=True, allow_null=True, help_text="The id of the key that signs tokens.")


class RetentionSerializer(serializers.Serializer):
    keep_days = serializers.IntegerField(
        required=False, allow_null=True, help_text="Days an event is kept; null keeps events forever."
    )


@dataclass(frozen=True)
class Section:
    """One part of the security settings: how to show it, and the one service that changes it."""

    serializer: type[serializers.Serializer]
    current: Callable[[], dict]
    update: Callable[..., object]  # called with acting_user and the section's validated fields


def _values(row, fields) -> dict:
    return {name: getattr(row, name) for name in fields}


def _cors_update(*, acting_user, **fields):
    current = security_selectors.cors_settings_get(cached=False)
    return security_services.cors_settings_update(
        acting_user=acting_user,
        enabled=fields.get("enabled", current.enabled),
        allowed_origins=fields.get("allowed_origins", current.allowed_origins),
    )


def _delivery_current() -> dict:
    key = security_selectors.delivery_key_current()
    return {"ttl": security_selectors.delivery_settings_get().token_ttl, "key_id": key.kid if key else None}


def _delivery_update(*, acting_user, **fields):
    if "ttl" in fields:
        security_services.delivery_token_ttl_update(acting_user=acting_user, ttl=fields["ttl"])


SECTIONS: dict[str, Section] = {
    "password_policy": Section(
        _model_serializer("PasswordPolicySettings", PasswordPolicy, PasswordPolicy.EDITABLE_FIELDS),
        lambda: _values(account_selectors.password_policy_get(), PasswordPolicy.EDITABLE_FIELDS),
        account_services.password_policy_update,
    ),
    "two_factor": Section(
        _model_serializer("TwoFactorSettings", SignInPolicy, SignInPolicy.TWO_FACTOR_FIELDS),
        lambda: _values(account_selectors.sign_in_policy_get(), SignInPolicy.TWO_FACTOR_FIELDS),
        account_services.two_factor_policy_update,
    ),
    "lockout": Section(
        _model_serializer("LockoutSettings", SignInPolicy, SignInPolicy.LOCKOUT_FIELDS),
        lambda: _values(account_selectors.sign_in_policy_get(), SignInPolicy.LOCKOUT_FIELDS),
        account_services.lockout_policy_update,
    ),
    "sessions": Section(
        _model_serializer("SessionSettings", SignInPolicy, SignInPolicy.SESSION_FIELDS),
        lambda: _values(account_selectors.sign_in_policy_get(), SignInPolicy.SESSION_FIELDS),
        account_services.session_policy_update,
    ),
    "cors": Section(
        CorsSerializer,
        lambda: _values(security_selectors.cors_settings_get(), ("enabled", "allowed_origins")),
        _cors_update,
    ),
    "delivery_token": Section(DeliveryTokenSettingsSerializer, _delivery_current, _delivery_update),
    "activity_retention": Section(
        RetentionSerializer,
        lambda: {"keep_days": activity_selectors.retention_get().keep_days},
        activity_services.retention_update,
    ),
}

SecuritySettingsSerializer = type(
    "SecuritySettings",
    (serializers.Serializer,),
    {name: section.serializer(required=False) for name, section in SECTIONS.items()},
)


def _current() -> dict:
    return {name: section.current() for name, section in SECTIONS.items()}


class SecuritySettingsView(V1View):
    permission_classes = [token_requires("security.view"), token_requires("security.edit", methods=("PATCH",))]

    @operation(summary="Read the security settings", responses={200: SecuritySettingsSerializer})
    def get(self, request):
        return Response(_current())

    @operation(
        summary="Change security settings",
        description=(
            "Send only the sections and fields to change. The same rules as the Settings > Security page apply, "
            "through the same services, and each changed section records its event. All or nothing: if any "
            "field is refused, nothing is saved."
        ),
        request=SecuritySettingsSerializer,
        responses={200: SecuritySettingsSerializer},
        errors=(400,),
    )
    def patch(self, request):
        body = SecuritySettingsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        unknown = sorted(set(request.data) - set(SECTIONS)) if isinstance(request.data, dict) else []
        if unknown:
            raise ValidationError({name: ["No such section."] for name in unknown})
        with transaction.atomic():
            for name, fields in body.validated_data.items():
                try:
                    if fields:
                        SECTIONS[name].update(acting_user=request.user, **fields)
                except DjangoValidationError as error:
                    # Named after the section, so that errors reads "lockout.lockout_failure_limit".
                    raise ValidationError({name: validation_detail(error)}) from None
        return Response(_current())


class RotateSerializer(serializers.Serializer):
    grace_period = serializers.IntegerField(
        required=False,
        default=0,
        help_text=f"Seconds the replaced key still verifies tokens (never signs), 0 to {MAX_GRACE_PERIOD}.",
    )


class RotatedSerializer(serializers.Serializer):
    key_id = serializers.CharField(help_text="The id of the new key; its secret is shown on the Security page only.")
    grace_period = serializers.IntegerField()


class DeliveryTokenRotateView(V1View):
    permission_classes = [token_requires("security.edit")]

    @operation(
        summary="Rotate the delivery-token key",
        description="Generate a new signing key; tokens signed with the old one stop verifying after the grace period.",
        request=RotateSerializer,
        responses={200: RotatedSerializer},
        errors=(400,),
    )
    def post(self, request):
        body = RotateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        key = security_services.delivery_secret_rotate(
            acting_user=request.user, grace_period=body.validated_data["grace_period"]
        )
        return Response({"key_id": key.kid, "grace_period": body.validated_data["grace_period"]})
