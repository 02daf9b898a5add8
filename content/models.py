"""A minimal content model: entries that are public, or private to delivery-token holders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Entry(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public"
        PRIVATE = "private", "Private"

    title = models.CharField(max_length=200, help_text="Title shown to readers.")
    slug = models.SlugField(
        max_length=100, unique=True, help_text="Address of the entry in the API: letters, digits, hyphens."
    )
    body = models.TextField(blank=True, help_text="The entry's text.")
    visibility = models.CharField(
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PRIVATE,
        help_text="Public: anyone may read it. Private: only holders of a valid delivery token.",
    )
    created_at = models.DateTimeField(default=timezone.now, help_text="When the entry was created.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who created it.",
    )
    updated_at = models.DateTimeField(default=timezone.now, help_text="When the entry last changed.")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who last changed it.",
    )

    EDITABLE_FIELDS = ("title", "slug", "body", "visibility")

    class Meta:
        ordering = ["title", "pk"]
        verbose_name_plural = "entries"

    def __str__(self) -> str:
        return self.title

    @property
    def activity_label(self) -> str:
        return f"{self.title} ({self.slug})"

    @property
    def is_private(self) -> bool:
        return self.visibility == self.Visibility.PRIVATE
