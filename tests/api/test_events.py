"""Every write through the API records the page's event (tests/api/event_cases.py), naming the token used."""

from __future__ import annotations

import pytest

from activity.models import Event
from tests.api.event_cases import EVENT_CASES

API_CASES = [case for case in EVENT_CASES if case.name.startswith("api_v1:")]


@pytest.mark.django_db
@pytest.mark.parametrize("case", API_CASES, ids=[case.id for case in API_CASES])
def test_an_api_write_names_the_token_in_its_event(case, client, users_by_role):
    world = {role.value: user for role, user in users_by_role.items()}
    world["prepared"] = case.setup(world)
    last = Event.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    case.run(client, world)
    event = Event.objects.get(sequence__gt=last)
    assert (event.action, event.credential, event.actor) == (case.action, world["prepared"][:12], world["owner"])
