"""The one read path of single-row settings, cached for every app process.

The cache rule: a reader inside a transaction reads the database (the row may
hold uncommitted changes no other process may see); any other reader takes the
cached copy, or reads the row and offers it with ``add()``, never ``set()``, so
that a slow reader cannot replace what a writer cached since. Only a committed
change replaces the copy (``singleton_cache_refresh``, on commit). If a process
dies between its commit and that refresh, other processes keep the previous
copy for at most ``SETTINGS_CACHE_SECONDS`` (5 by default): every cached copy
expires that soon, so a lost update can never keep an old setting in force longer.

Each process reuses what it read from the shared cache for at most
``SETTINGS_PROCESS_CACHE_SECONDS`` (1 s by default; 0 switches it off), as the
CORS origins and the delivery keys are: a change reaches the other processes
within that second, and the process that made it at once (its commit refreshes
its own copy with the shared one). Requests then read no setting from Redis.

Within one request, a row is read once: the rules a request applies come from
one reading of each setting (and a sign-in no longer asks the cache four times
for the same policy). A change made by the request itself is read back at once.
"""

from __future__ import annotations

import copy
import logging
from typing import TypeVar

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connection

from .models import SINGLETON_PK, SingletonModel
from .process_copies import ProcessCopies


def cache_seconds() -> int:
    """Return how long a cached row is trusted: the bound on enforcing a change whose cache update was lost."""
    return int(getattr(settings, "SETTINGS_CACHE_SECONDS", 5))


def process_cache_seconds() -> float:
    """Return how long one process reuses a row read from the shared cache before asking it again."""
    return float(getattr(settings, "SETTINGS_PROCESS_CACHE_SECONDS", 1.0))


logger = logging.getLogger(__name__)

M = TypeVar("M", bound=SingletonModel)

# The rows read during the current request (per thread or task); None outside requests.
_request = Local()


def _request_rows() -> dict | None:
    return getattr(_request, "rows", None)


def _request_start(**kwargs) -> None:
    _request.rows = {}


def _request_end(**kwargs) -> None:
    _request.rows = None


request_started.connect(_request_start, dispatch_uid="singletons.request_start")
request_finished.connect(_request_end, dispatch_uid="singletons.request_end")


def singleton_forget(model: type[SingletonModel]) -> None:
    """Drop the current request's reading of ``model`` (it just changed it)."""
    rows = _request_rows()
    if rows is not None:
        rows.pop(model, None)


def singleton_get(model: type[M], *, cached: bool = True) -> M:
    """Return the single row of ``model``, created with its defaults on first use.

    ``cached=False`` reads the database, for decisions that must not follow a
    copy (removing data, publishing a change).
    """
    if not cached or connection.in_atomic_block:
        return _row(model)
    rows = _request_rows()
    # Each caller gets its own copy, as from the cache: a form bound to one must not change what the next reads.
    if rows is not None and model in rows:
        return _copy(rows[model])
    row = _cached_row(model)
    if rows is not None:
        rows[model] = _copy(row)
    return row


def _copy(row: M) -> M:
    """Return a copy of ``row`` with its own field values, lists and dicts included.

    A model's copy (its ``__reduce__``) and a deep copy of each list or dict field: a fifth of what
    ``copy.deepcopy`` of the whole instance costs, and a request reads several settings.
    """
    clone = copy.copy(row)
    for name, value in vars(clone).items():
        if isinstance(value, list | dict):
            setattr(clone, name, copy.deepcopy(value))
    return clone


# The rows this process read from the shared cache, each reused for a second (the module's docstring).
process_rows: ProcessCopies[SingletonModel] = ProcessCopies(seconds=process_cache_seconds, copy=_copy)


def _cached_row(model: type[M]) -> M:
    return process_rows.get(model, lambda: _shared_row(model))


def _shared_row(model: type[M]) -> M:
    key = model.cache_key()
    try:
        row = cache.get(key)
    except Exception:
        # With the cache down, the database still answers (more slowly).
        logger.warning("Cache unavailable; reading %s from the database.", model._meta.label, exc_info=True)
        return _row(model)
    if row is None:
        row = _row(model)
        try:
            cache.add(key, row, timeout=cache_seconds())
        except Exception:
            logger.warning("Cache unavailable; %s not cached.", model._meta.label, exc_info=True)
    return row


def singleton_process_forget() -> None:
    """Drop this process's rows, so that the next reads ask the shared cache (tests, after clearing it)."""
    process_rows.forget_all()


def singleton_cache_refresh(model: type[SingletonModel]) -> None:
    """Put the committed row of ``model`` in the cache and in this process's copy (on commit of a change)."""
    key = model.cache_key()
    # Read back what was committed, so that out-of-order callbacks of two
    # quick changes still leave the newest row; this process has it at once.
    row = _row(model)
    process_rows.put(model, row)
    try:
        cache.set(key, row, timeout=cache_seconds())
    except Exception:
        logger.error("Could not refresh the cached %s; removing it.", model._meta.label, exc_info=True)
        try:
            cache.delete(key)
        except Exception:
            logger.error("Could not remove the cached %s either.", model._meta.label, exc_info=True)


def _row(model: type[M]) -> M:
    return model.objects.get_or_create(pk=SINGLETON_PK, defaults=model.defaults())[0]
