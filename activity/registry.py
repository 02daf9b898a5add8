"""The one registry of activity event types.

Each event type has a stable dotted name (the value stored and exported), a
human label and a sentence template for the interface. Apps register their
types in their own ``events.py``, imported from ``AppConfig.ready()``.

A type may also say what its events are about, so that code here can make
realistic fake events without knowing any other app: ``target`` is the model
name its events target (the user model's name, ``"user"``, for events about a user),
``anonymous`` marks events recorded for someone not signed in, and ``weight``
is how common the type is relative to others (0: never made up). ``offered=False``
leaves a type out of the activity page's action menu (such as the benchmarks'
fake events); a filter naming it still works.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventType:
    name: str
    label: str
    template: str
    target: str = ""
    anonymous: bool = False
    weight: int = 1
    offered: bool = True

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


def register(
    name: str,
    label: str,
    template: str,
    *,
    target: str = "",
    anonymous: bool = False,
    weight: int = 1,
    offered: bool = True,
) -> EventType:
    """Register an event type; registering a name twice is an error."""
    if name in _registry:
        raise AlreadyRegistered(f"Event type {name!r} is already registered.")
    if not name or "." not in name or name != name.strip().lower():
        raise ValueError(f"Event type names are lowercase dotted names such as 'activity.pruned', not {name!r}.")
    if weight < 0:
        raise ValueError(f"The weight of {name!r} is a count of 0 or more, not {weight}.")
    event_type = EventType(
        name=name, label=label, template=template, target=target, anonymous=anonymous, weight=weight, offered=offered
    )
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
