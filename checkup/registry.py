"""The registry of security checks, in the manner of Django's system checks.

Each check is one small function in the app whose data it reads (``<app>/checkups.py``),
registered with ``@register``; ``CheckupConfig.ready()`` imports every app's
``checkups`` module. A check receives a ``CheckContext`` and returns a ``Result``:
its status, what was measured, and where it is fixed. It reads aggregates only
(counts, the newest row of a kind), never a scan of a large table, so that the
whole checkup renders in well under a second with thousands of members and
millions of events.

This module imports no other app of the project: apps depend on it, not the reverse.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode

logger = logging.getLogger(__name__)


class Status(StrEnum):
    PASS = "pass"  # noqa: S105 - a check's status, not a password
    WARNING = "warning"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self) -> str:
        return {"pass": "Pass", "warning": "Warning", "fail": "Fail", "not_applicable": "Not applicable"}[self.value]


@dataclass(frozen=True)
class Fix:
    """Where a check's finding is fixed: a page of the panel (URL name, arguments, query), or a hint alone.

    ``hint`` names what to change outside the panel (an environment variable, a command).
    """

    label: str
    url_name: str = ""
    kwargs: dict[str, Any] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    hint: str = ""

    @property
    def url(self) -> str:
        if not self.url_name:
            return ""
        try:
            path = reverse(self.url_name, kwargs=self.kwargs or None)
        except NoReverseMatch:
            logger.error("Checkup fix link %r names no URL.", self.url_name)
            return ""
        return f"{path}?{urlencode(self.query)}" if self.query else path


@dataclass(frozen=True)
class Result:
    """What one check found.

    ``measured`` says what was counted or read ("3 of 7 admins have no second factor");
    ``people`` names the members concerned, shown only to viewers who manage the team.
    """

    status: Status
    measured: str
    fix: Fix | None = None
    people: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckContext:
    """What a check may look at besides the database: the time, and the request when there is one."""

    now: datetime
    request: Any = None

    @classmethod
    def build(cls, *, request: Any = None, now: datetime | None = None) -> CheckContext:
        return cls(now=now or timezone.now(), request=request)

    @property
    def over_https(self) -> bool:
        """Whether the panel is reached over HTTPS: this request's (directly or through the trusted proxy), or,
        without a request (a command), the scheme of PANEL_BASE_URL."""
        if self.request is not None:
            return self.request.is_secure()
        return str(getattr(settings, "PANEL_BASE_URL", "")).lower().startswith("https://")


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    why: str
    function: Callable[[CheckContext], Result] = field(compare=False)


class AlreadyRegistered(Exception):
    pass


_registry: dict[str, Check] = {}


def register(check_id: str, *, title: str, why: str) -> Callable:
    """Register the decorated function as the check ``check_id``; registering an id twice is an error.

    ``title`` names the recommendation; ``why`` says in one sentence why it matters.
    """
    if not check_id or "." not in check_id or check_id != check_id.strip().lower():
        raise ValueError(f"Check ids are lowercase dotted names such as 'accounts.two_factor', not {check_id!r}.")

    def decorator(function: Callable[[CheckContext], Result]) -> Callable[[CheckContext], Result]:
        if check_id in _registry:
            raise AlreadyRegistered(f"Check {check_id!r} is already registered.")
        _registry[check_id] = Check(id=check_id, title=title, why=why, function=function)
        return function

    return decorator


def unregister(check_id: str) -> None:
    """Remove a check (tests that register their own)."""
    _registry.pop(check_id, None)


def all_checks() -> list[Check]:
    """Return the registered checks in registration order (each app's in its own order)."""
    return list(_registry.values())


def check_get(check_id: str) -> Check:
    return _registry[check_id]
