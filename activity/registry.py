"""The one registry of activity event types.

Each event type has a stable dotted name (the value stored and exported), a
human label and a sentence template for the interface. Apps register their
types in their own ``events.py``, imported from ``AppConfig.ready()``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventType:
    name: str
    label: str
    template: str

    @property
    def group(self) -> str:
        return self.name.split(".", 1)[0]

    def sentence(self, *, actor: str, target: str) -> str:
        return self.template.format(actor=actor, target=target)


class AlreadyRegistered(Exception):
    pass


class UnknownEventType(LookupError):
    pass


_registry: dict[str, EventType] = {}


def register(name: str, label: str, template: str) -> EventType:
    """Register an event type; registering a name twice is an error."""
    if name in _registry:
        raise AlreadyRegistered(f"Event type {name!r} is already registered.")
    if not name or "." not in name or name != name.strip().lower():
        raise ValueError(f"Event type names are lowercase dotted names such as 'member.invited', not {name!r}.")
    event_type = EventType(name=name, label=label, template=template)
    _registry[name] = event_type
    return event_type


def get(name: str) -> EventType:
    try:
        return _registry[name]
    except KeyError:
        raise UnknownEventType(f"Event type {name!r} is not registered.") from None


def all_types() -> list[EventType]:
    return sorted(_registry.values(), key=lambda t: t.name)


def groups() -> list[str]:
    return sorted({t.group for t in _registry.values()})
