"""The one way to change single-row settings: lock, apply, validate, diff, save, refresh the cache on commit."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from .models import SINGLETON_PK, SingletonModel
from .selectors import singleton_cache_refresh, singleton_forget

M = TypeVar("M", bound=SingletonModel)


def singleton_lock(model: type[M]) -> M:
    """Return the single row of ``model`` locked until the transaction ends, creating it if absent."""
    return model.objects.select_for_update().get_or_create(pk=SINGLETON_PK, defaults=model.defaults())[0]


def singleton_update(
    model: type[M], *, acting_user: Any, fields: Mapping[str, Any], allowed: tuple[str, ...] | None = None
) -> tuple[M, dict[str, list[Any]]]:
    """Change ``fields`` of the single row of ``model``; return the row and ``{name: [before, after]}``.

    Only ``allowed`` fields (the model's editable fields by default) may be
    given; others are refused with ValidationError, as are invalid values.
    Nothing is saved when no value changes (the changes are then empty).
    Otherwise the version goes up by one and the cache gets the row on commit.
    Call it inside ``transaction.atomic``, with the caller's activity event in
    the same transaction.
    """
    if not connection.in_atomic_block:
        raise TransactionManagementError("singleton_update() must run inside the caller's transaction.atomic.")
    allowed = model.EDITABLE_FIELDS if allowed is None else allowed
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError(f"Unknown options: {', '.join(sorted(unknown))}.", code="unknown_option")
    row = singleton_lock(model)
    before = row.values(allowed)
    for name, value in fields.items():
        setattr(row, name, value)
    row.full_clean(exclude=["updated_by"])
    after = row.values(allowed)
    changes = {name: [before[name], after[name]] for name in allowed if before[name] != after[name]}
    if not changes:
        return row, {}
    row.version += 1
    row.updated_at = timezone.now()
    row.updated_by = acting_user
    row.save()
    singleton_forget(model)
    transaction.on_commit(partial(singleton_cache_refresh, model))
    return row, changes
