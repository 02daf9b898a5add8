"""Every state-changing endpoint and command records exactly one activity event.

The first test enumerates the project's URL patterns and management commands
and fails for any that no app declares (see ``tests/activity/event_contract.py``),
so a future feature cannot forget the log.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import reverse
from django.urls.converters import IntConverter

from activity.models import Event
from singletons.models import SingletonModel
from singletons.selectors import singleton_get
from tests.activity.event_contract import command_names, declarations, project_apps, url_names, url_patterns
from tests.conftest import force_sign_in

CASES, READ_ONLY, PENDING = declarations()
COVERED = {f"command:{case.name}" if case.command else case.name for case in CASES} | set(READ_ONLY)
NAMES = [*url_names(), *(f"command:{name}" for name in command_names())]


def _param(name: str):
    if name in PENDING:
        return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=f"pending: {PENDING[name]}"))
    return name


@pytest.mark.parametrize("name", [_param(name) for name in NAMES])
def test_every_url_and_command_declares_its_event_or_that_it_changes_nothing(name):
    assert name in COVERED, (
        f"{name} has no activity event test. Add an EventCase for it to tests/<app>/event_cases.py "
        "(or list it in READ_ONLY with the reason it changes nothing)."
    )


def test_declarations_name_only_existing_urls_and_commands():
    stale = (COVERED | set(PENDING)) - set(NAMES)
    assert not stale, f"declared but no longer in the project: {sorted(stale)}"


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_state_changing_request_records_exactly_one_event(case, client, request, settings, tmp_path):
    settings.ACTIVITY_ARCHIVE_DIR = str(tmp_path)
    users_by_role = request.getfixturevalue("users_by_role") if case.with_team else {}
    world = {role.value: user for role, user in users_by_role.items()}
    if case.as_role:
        force_sign_in(client, world[case.as_role])
    world["prepared"] = case.setup(world) if case.setup else None
    last = Event.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    case.run(client, world)
    new = Event.objects.filter(sequence__gt=last)
    if case.counted:
        new = case.counted(new)
    assert [event.action for event in new.order_by("sequence")] == [case.action]


def _sample_url(name: str, world: dict) -> str:
    converters = url_patterns()[name]
    kwargs = {key: world["member"].pk if isinstance(c, IntConverter) else "x" for key, c in converters.items()}
    return reverse(name, kwargs=kwargs)


READ_ONLY_URLS = sorted(name for name in READ_ONLY if not name.startswith("command:"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", READ_ONLY_URLS)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_read_only_urls_change_nothing_whatever_the_method(name, method, client, owner, member):
    world = {"owner": owner, "member": member}
    force_sign_in(client, owner)
    url = _sample_url(name, world)
    # A first read creates each settings row with its defaults, which changes nothing a user can see.
    for model in apps.get_models():
        if issubclass(model, SingletonModel):
            singleton_get(model)
    counts = _row_counts()
    last = Event.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    getattr(client, method)(url, {})
    assert list(Event.objects.filter(sequence__gt=last).values_list("action", flat=True)) == []
    assert _row_counts() == counts


def _row_counts() -> dict[str, int]:
    labels = {label.rsplit(".", 1)[-1] for label in project_apps()}
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in labels and model._meta.label != "accounts.UserSession"
    }
