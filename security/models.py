"""Security settings kept in the database: CORS origins and the delivery-token keys."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from singletons.models import SingletonModel

from . import conf
from .conf import DEFAULT_TOKEN_TTL, MAX_TOKEN_TTL, MIN_TOKEN_TTL


class CorsSettings(SingletonModel):
    """Which browser origins may call the public API (a single row)."""

    enabled = models.BooleanField(default=False, help_text="Whether the listed origins get CORS headers on /api/.")
    allowed_origins = models.JSONField(
        default=list, blank=True, help_text="Normalised origins (scheme://host[:port]), in the order entered."
    )

    EDITABLE_FIELDS = ("enabled", "allowed_origins")

    class Meta:
        verbose_name = "CORS settings"
        verbose_name_plural = "CORS settings"

    def __str__(self) -> str:
        return "CORS settings"

    @property
    def activity_label(self) -> str:
        return "CORS allowed origins"

    def clean(self):
        super().clean()
        if self.enabled and not self.allowed_origins:
            raise ValidationError(
                {"allowed_origins": "List at least one origin to enable CORS, or leave CORS disabled."},
                code="cors_enabled_without_origins",
            )

    def effective_origins(self) -> frozenset[str]:
        """Return the origins that get CORS headers now (none while disabled)."""
        return frozenset(self.allowed_origins) if self.enabled else frozenset()


class DeliverySettings(SingletonModel):
    """Options of the content-delivery token (a single row)."""

    token_ttl = models.PositiveIntegerField(
        default=DEFAULT_TOKEN_TTL,
        validators=[MinValueValidator(MIN_TOKEN_TTL), MaxValueValidator(MAX_TOKEN_TTL)],
        help_text=f"Lifetime of a delivery token in seconds, {MIN_TOKEN_TTL} to {MAX_TOKEN_TTL}.",
    )

    EDITABLE_FIELDS = ("token_ttl",)

    class Meta:
        verbose_name = "delivery token settings"
        verbose_name_plural = "delivery token settings"

    def __str__(self) -> str:
        return "delivery token settings"

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {"token_ttl": conf.delivery_token_default_ttl()}

    @property
    def activity_label(self) -> str:
        return "Content delivery token"


class DeliveryKey(models.Model):
    """A secret that signs content-delivery tokens.

    The current key has no ``retired_at``. A retired key still verifies
    tokens until ``verify_until`` (the grace period chosen at rotation), and
    never signs new ones.
    """

    kid = models.CharField(max_length=32, unique=True, help_text="Key id, sent in the JWT 'kid' header.")
    secret = models.CharField(
        max_length=128, editable=False, help_text="HS256 signing secret (256 bits, URL-safe base64). Never logged."
    )
    created_at = models.DateTimeField(default=timezone.now, help_text="When the key was generated.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who generated it.",
    )
    retired_at = models.DateTimeField(
        null=True, blank=True, help_text="When a newer key replaced it; empty for the current key."
    )
    verify_until = models.DateTimeField(
        null=True, blank=True, help_text="Until when a retired key still verifies tokens (its grace period)."
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        # The secret stays out of every representation (logs, error pages).
        return f"delivery key {self.kid}"

    __repr__ = __str__

    @property
    def activity_label(self) -> str:
        return f"key {self.kid}"

    def verifies_at(self, now) -> bool:
        return self.retired_at is None or (self.verify_until is not None and now < self.verify_until)
