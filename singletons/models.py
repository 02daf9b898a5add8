"""The abstract model of a settings table that holds exactly one row."""

from __future__ import annotations

import functools
import hashlib
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

SINGLETON_PK = 1


@functools.cache
def _cache_key(model: type[models.Model]) -> str:
    # Fixed for a model class in a process: worked out once, not at each of a request's reads.
    fields = ",".join(sorted(field.attname for field in model._meta.concrete_fields))
    digest = hashlib.sha256(fields.encode()).hexdigest()[:12]
    return f"singletons:{model._meta.label_lower}:{digest}"


class SingletonModel(models.Model):
    """Settings kept in one row (primary key 1), versioned on each change.

    Read the row with ``singletons.selectors.singleton_get`` and change it with
    ``singletons.services.singleton_update``; nothing else writes it, so the
    cached copy and the version stay right.
    """

    version = models.PositiveIntegerField(default=1, help_text="Raised by one on every change.")
    updated_at = models.DateTimeField(default=timezone.now, help_text="When these settings last changed.")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who last changed these settings; empty until someone does.",
    )

    # What an update may change; each service may allow fewer.
    EDITABLE_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Return the values of a fresh row that differ from the fields' own defaults.

        Read when the row is created, so a default that comes from settings
        applies from then on.
        """
        return {}

    @classmethod
    def cache_key(cls) -> str:
        """Return the key of the row's cached copy.

        The field names are part of it, so that code with other fields (a
        deploy) never unpickles a row cached by the code before.
        """
        return _cache_key(cls)

    def values(self, fields: tuple[str, ...] | None = None) -> dict[str, Any]:
        """Return ``{name: value}`` of ``fields`` (all editable fields by default)."""
        return {name: getattr(self, name) for name in (self.EDITABLE_FIELDS if fields is None else fields)}
