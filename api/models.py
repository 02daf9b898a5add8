from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    """A token that a script presents to the admin API; only its SHA-256 is kept.

    It acts as its creator with the creator's role at the time of each request,
    narrowed by its scope. It stops working when it expires, when it is
    revoked, or (for good) when its creator is deactivated.
    """

    class Scope(models.TextChoices):
        READ = "read", "Read"
        READ_WRITE = "read-write", "Read and write"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text="Who created the token; it acts as them, with their current role.",
    )
    name = models.CharField(max_length=100, help_text="What the token is for, chosen by its creator.")
    prefix = models.CharField(
        max_length=16, help_text="The token's first characters, shown in lists to recognise it; not enough to use it."
    )
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token (hex); never the token.")
    scope = models.CharField(
        max_length=10, choices=Scope.choices, help_text="read: GET requests only; read-write: changes too."
    )
    created_at = models.DateTimeField(default=timezone.now, help_text="When the token was created.")
    expires_at = models.DateTimeField(help_text="After this the token is refused (401).")
    last_used_at = models.DateTimeField(null=True, blank=True, help_text="When the token last authenticated a request.")
    last_used_ip = models.GenericIPAddressField(
        null=True, blank=True, help_text="The client address of the token's last request."
    )
    revoked_at = models.DateTimeField(
        null=True, blank=True, help_text="When the token was revoked (by a person or by its creator's deactivation)."
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who revoked the token; empty while it is not revoked or when the system did.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "created_at"], name="api_token_user_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def activity_label(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def writes(self) -> bool:
        return self.scope == self.Scope.READ_WRITE

    def status(self, *, now=None) -> str:
        """Return "revoked", "expired" or "active" (whatever the creator's state)."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= (now or timezone.now()):
            return "expired"
        return "active"
