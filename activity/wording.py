"""Words for the activity pages: what an event's target, fields and values are, as a non-developer reads them.

Each app describes the targets and fields of its events in its own ``events.py``
with ``describe()``, next to ``register()``; a target or field nobody described
falls back to its model's verbose name, then to its name with spaces for
underscores, so a new event reads as words without any change here or in the
views. Only the pages use these words: exports and the API keep the raw values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

EMPTY = "—"
ARROW = "→"
# Changed fields a list row spells out; the event's page shows them all.
SUMMARY_FIELDS = 3
_ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d|Z)?")


@dataclass
class _Words:
    name: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[Any, str]] = field(default_factory=dict)


# Keyed by target type; None holds the words every event shares.
_described: dict[str | None, _Words] = {}


class ConflictingWords(Exception):
    pass


def describe(
    target_type: str | None = None,
    *,
    name: str = "",
    fields: Mapping[str, str] | None = None,
    values: Mapping[str, Mapping[Any, str]] | None = None,
) -> None:
    """Declare the words for a target type (None: for any event): its name, its fields' names, and value names.

    ``values`` maps a field to the words for its raw values, such as a role's
    stored ``"admin"`` to ``"Admin"``. Describing something twice with other
    words is an error, as registering an event type twice is.
    """
    words = _described.setdefault(target_type, _Words())
    if name:
        _merge(target_type, {"": words.name}, {"": name})
        words.name = name
    _merge(target_type, words.fields, dict(fields or {}))
    for field_name, names in (values or {}).items():
        _merge(target_type, words.values.setdefault(field_name, {}), dict(names))


def _merge(target_type, known: dict, new: dict) -> None:
    for key, text in new.items():
        if known.get(key) not in (None, "", text):
            raise ConflictingWords(f"{target_type or 'Any target'}: {key!r} is already {known[key]!r}, not {text!r}.")
    known.update(new)


@cache
def _model(target_type: str):
    # The app registry is complete before any page renders; one look-up per target type is enough.
    for model in apps.get_models():
        if model._meta.model_name == target_type:
            return model
    return None


def target_name(target_type: str) -> str:
    """Return what a target type is in words: "password policy", not "passwordpolicy"."""
    if not target_type:
        return ""
    described = _described.get(target_type)
    if described and described.name:
        return described.name
    model = _model(target_type)
    if model is not None:
        return str(model._meta.verbose_name)
    return target_type.replace("_", " ")


def field_name(name: str, target_type: str = "") -> str:
    """Return a changed field in words: "minimum length", not "min_length"."""
    for key in (target_type, None):
        described = _described.get(key)
        if described and name in described.fields:
            return described.fields[name]
    model = _model(target_type) if target_type else None
    if model is not None:
        try:
            return str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            pass
    return name.replace("_", " ")


def value_words(value: Any, field: str = "", target_type: str = "") -> str:
    """Return a recorded value in words: "yes"/"no" for booleans, "—" for nothing, a time as a date and time."""
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    for key in (target_type, None):
        described = _described.get(key)
        names = described.values.get(field, {}) if described else {}
        if isinstance(value, str | int) and value in names:
            return names[value]
    if isinstance(value, str):
        return _time_words(value)
    if isinstance(value, list | tuple):
        return ", ".join(value_words(item, field, target_type) for item in value) or "none"
    if isinstance(value, dict):
        parts = [f"{field_name(k, target_type)}: {value_words(v, k, target_type)}" for k, v in value.items()]
        return "; ".join(parts) or EMPTY
    return str(value)


def _time_words(text: str) -> str:
    """Return an ISO timestamp inside ``text`` as "2026-12-09 12:45 UTC"; other text as it is."""

    def replace(match: re.Match) -> str:
        try:
            moment = datetime.fromisoformat(match.group(0).replace("Z", "+00:00"))
        except ValueError:
            return match.group(0)
        if moment.tzinfo is None:
            return f"{moment:%Y-%m-%d %H:%M}"
        return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"

    return _ISO_TIME.sub(replace, text)


def target_words(*, target_type: str, target_label: str) -> str:
    """Return what an event was about: its label when it has one ("owner@example.com"), else its kind."""
    return target_label or target_name(target_type).capitalize() or EMPTY


def target_in_full(*, target_type: str, target_label: str) -> str:
    """Return the kind and the label of what an event was about: "Member: owner@example.com", "Password policy"."""
    kind = target_name(target_type)
    if not target_label or target_label.lower() == kind.lower():
        text = kind
    else:
        text = f"{kind}: {target_label}" if kind else target_label
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: str
    after: str
    changed: bool
    paired: bool

    def __getitem__(self, key: str):
        # Templates and tests read rows as mappings as well.
        return getattr(self, key)


def change_rows(changes: Any, target_type: str = "") -> list[Change]:
    """Return an event's changes as rows of field, before and after, in words.

    Changes are ``{field: [before, after]}``, or ``{"before": {...}, "after": {...}}``;
    any other value is a detail with no before.
    """
    if not isinstance(changes, dict):
        text = value_words(changes, "", target_type)
        return [Change(field="", label="", before=EMPTY, after=text, changed=True, paired=False)]
    if set(changes) >= {"before", "after"} and isinstance(changes["before"], dict):
        before, after = changes["before"], changes["after"] or {}
        triples = [(name, before.get(name), after.get(name), True) for name in sorted(set(before) | set(after))]
    else:
        triples = []
        for name, value in changes.items():
            if isinstance(value, list) and len(value) == 2:
                triples.append((name, value[0], value[1], True))
            else:
                triples.append((name, None, value, False))
    return [
        Change(
            field=name,
            label=field_name(name, target_type).capitalize(),
            before=value_words(old, name, target_type),
            after=value_words(new, name, target_type),
            changed=old != new,
            paired=paired,
        )
        for name, old, new, paired in triples
    ]


def change_summary(changes: Any, target_type: str = "", *, limit: int = SUMMARY_FIELDS) -> str:
    """Return the changed fields in one line for a list row: "Role: Member → Admin; and 2 more"."""
    rows = [row for row in change_rows(changes, target_type) if row.paired and row.changed]
    parts = [f"{row.label}: {row.before} {ARROW} {row.after}" for row in rows[:limit]]
    if len(rows) > limit:
        parts.append(f"and {len(rows) - limit} more")
    return "; ".join(parts)
