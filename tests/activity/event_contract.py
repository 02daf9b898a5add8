"""The contract every state-changing endpoint and command signs: one activity event per change.

Each app's tests declare, in ``tests/<app>/event_cases.py``:

- ``EVENT_CASES``: ``EventCase`` rows, one per state-changing URL name (and method)
  or management command, each running the change and naming the event it must record;
- ``READ_ONLY``: URL names and command names that change nothing, each with the reason;
- ``PENDING``: names whose event test is still to be written (reported as expected
  failures, strictly, so the entry must be removed once the case exists).

``tests/activity/test_event_coverage.py`` enumerates the project's URL patterns
and management commands and fails for any name none of these covers.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import get_commands
from django.urls import URLPattern, URLResolver, get_resolver

# Django's own commands that act on the project's accounts; the rest (migrate,
# flush, ...) are maintenance of the database itself, not administrative actions.
ACCOUNT_COMMANDS_FROM_DJANGO = {"createsuperuser", "changepassword"}


@dataclass(frozen=True)
class EventCase:
    """One state-changing request or command and the event it must record.

    ``run(client, world)`` performs the change; ``world`` maps the roles to users
    (``owner``, ``admin``, ``auditor``, ``member``) and holds what ``setup`` returned
    under ``"prepared"``.
    """

    name: str
    action: str
    run: Callable = field(compare=False)
    method: str = "POST"
    command: bool = False
    # Who is signed in before the change (None: nobody); ``setup(world)`` runs before counting.
    as_role: str | None = "owner"
    setup: Callable | None = field(default=None, compare=False)
    # Narrows the new events that are counted, for a command whose data are events themselves.
    counted: Callable | None = field(default=None, compare=False)
    # False for first-run changes, which only exist while the panel has no user yet.
    with_team: bool = True

    @property
    def id(self) -> str:
        return f"command:{self.name}" if self.command else f"{self.method} {self.name}"


def project_apps() -> list[str]:
    base = Path(settings.BASE_DIR).resolve()
    labels = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and ".venv" not in path.parts:
            labels.append(config.name)
    return labels


def _walk(patterns, namespace: str = "", converters: dict | None = None):
    converters = converters or {}
    for pattern in patterns:
        found = {**converters, **getattr(pattern.pattern, "converters", {})}
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner, found)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed {pattern.pattern}>"
            yield name, found


def url_patterns() -> dict[str, dict]:
    """Return every URL name with the path converters its arguments need."""
    return dict(_walk(get_resolver().url_patterns))


def url_names() -> list[str]:
    return sorted(url_patterns())


def command_names() -> list[str]:
    project = set(project_apps())
    return sorted(
        name for name, app in get_commands().items() if app in project or name in ACCOUNT_COMMANDS_FROM_DJANGO
    )


def declarations() -> tuple[list[EventCase], dict[str, str], dict[str, str]]:
    """Collect every app's event cases, read-only names and pending names."""
    cases: list[EventCase] = []
    read_only: dict[str, str] = {}
    pending: dict[str, str] = {}
    for label in project_apps():
        try:
            module = importlib.import_module(f"tests.{label}.event_cases")
        except ModuleNotFoundError as error:
            if error.name not in {f"tests.{label}", f"tests.{label}.event_cases"}:
                raise
            continue
        cases.extend(getattr(module, "EVENT_CASES", []))
        read_only.update(getattr(module, "READ_ONLY", {}))
        pending.update(getattr(module, "PENDING", {}))
    return cases, read_only, pending
