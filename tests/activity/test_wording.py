"""The activity pages read as words: targets and fields by name, booleans as yes/no, empty values as a dash.

One table is the event registry (every registered type), the other the event cases of every app
(tests/<app>/event_cases.py): the real changes each URL and command records.
"""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape

import pytest

from accounts.roles import Role
from activity import registry
from activity.models import Event
from activity.services import event_record
from tests.activity.event_contract import declarations
from tests.conftest import force_sign_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db

CASES, _READ_ONLY, _PENDING = declarations()
BOOLEAN_WORDS = re.compile(r"\b(true|false|True|False|None|null)\b")


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def _list_rows(client, **query) -> list[str]:
    body = client.get("/activity/", query).content.decode()
    tbody = body.split('<table class="table events">', 1)[1].split("</tbody>", 1)[0]
    return [_text(row) for row in tbody.split("<tr>")[2:]]  # past the header row


def _changes_table(client, event: Event) -> str:
    body = client.get(f"/activity/{event.sequence}/").content.decode()
    facts = body.split('<dl class="facts">', 1)[1].split("</dl>", 1)[0]
    target = facts.split("<dt>Target</dt>", 1)[1].split("</dd>", 1)[0]
    changes = body.split("<h2>Changes</h2>", 1)[1].split("</section>", 1)[0]
    return _text(target) + "\n" + _text(changes)


def _field_names(changes) -> set[str]:
    if not isinstance(changes, dict):
        return set()
    names = set(changes)
    for value in changes.values():
        if isinstance(value, dict):
            names |= set(value)
    return names


def _assert_words(text: str, event: Event) -> None:
    raw = sorted(name for name in _field_names(event.changes) | {event.target_type} if "_" in name)
    assert not [name for name in raw if name in text], f"{event.action}: raw names in {text!r}"
    assert not BOOLEAN_WORDS.search(text), f"{event.action}: {BOOLEAN_WORDS.search(text)[0]!r} in {text!r}"
    assert "#" not in text, f"{event.action}: a target as type #id in {text!r}"


@pytest.mark.parametrize("event_type", registry.all_types(), ids=lambda t: t.name)
def test_every_registered_event_type_reads_as_words_in_the_list_and_on_its_page(event_type, client, auditor):
    event = event_record(
        action=event_type.name,
        target_type=event_type.target,
        target_id="1" if event_type.target else "",
        # last_sequence: the review card reads it from the newest sign-off (activity.review_signed_off).
        changes={"some_flag": [False, True], "left_empty": [None, "x"], "last_sequence": 1},
    )
    force_sign_in(client, auditor)
    (row,) = _list_rows(client, action=event_type.name)
    assert event_type.label in row
    assert "Some flag: no → yes" in row
    _assert_words(row, event)
    detail = _changes_table(client, event)
    _assert_words(detail, event)
    assert "—" in detail  # the empty "before"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_the_changes_each_action_records_read_as_words(case, client, request, settings, tmp_path):
    settings.ACTIVITY_ARCHIVE_DIR = str(tmp_path)
    users_by_role = request.getfixturevalue("users_by_role") if case.with_team else {}
    world = {role.value: user for role, user in users_by_role.items()}
    if case.as_role:
        force_sign_in(client, world[case.as_role])
    world["prepared"] = case.setup(world) if case.setup else None
    case.run(client, world)
    # Every event of the type, not only those after the run: a restore rewinds the log's ids.
    recorded = list(Event.objects.filter(action=case.action))
    assert recorded
    client.logout()
    force_sign_in(client, make_user(email="reader@example.com", role=Role.AUDITOR))
    rows = _list_rows(client, action=case.action)
    for event in recorded:
        for row in rows:
            _assert_words(row, event)
        _assert_words(_changes_table(client, event), event)


def test_a_policy_change_names_the_policy_and_its_fields(client, auditor, owner):
    event = event_record(
        action="settings.password_policy.updated",
        actor=owner,
        target_type="passwordpolicy",
        target_id="1",
        changes={"min_length": [8, 12], "require_special": [False, True], "history_count": [None, 3]},
    )
    force_sign_in(client, auditor)
    (row,) = _list_rows(client)
    assert "Minimum length: 8 → 12" in row
    assert "Require a special character: no → yes" in row
    detail = _changes_table(client, event)
    assert "Password policy" in detail
    assert "passwordpolicy" not in detail
    assert "Minimum length" in detail and "Earlier passwords refused" in detail
    assert re.search(r"Require a special character\s+no\s+yes", detail)
    assert re.search(r"Earlier passwords refused\s+—\s+3", detail)


def test_a_role_change_shows_from_and_to_in_its_row(client, auditor, owner, member):
    event_record(action="member.role_changed", actor=owner, target=member, changes={"role": ["member", "admin"]})
    force_sign_in(client, auditor)
    (row,) = _list_rows(client)
    assert "Member → Admin" in row
    assert "member@example.com" in row


def test_exports_keep_the_raw_machine_values(client, auditor, owner):
    event_record(
        action="settings.password_policy.updated",
        actor=owner,
        target_type="passwordpolicy",
        target_id="1",
        changes={"require_special": [False, True], "history_count": [None, 3]},
    )
    force_sign_in(client, auditor)
    text = b"".join(client.get("/activity/export.csv").streaming_content).decode()
    (row,) = csv.DictReader(io.StringIO(text))
    assert row["target_type"] == "passwordpolicy"
    assert json.loads(row["changes"]) == {"require_special": [False, True], "history_count": [None, 3]}
    line = json.loads(b"".join(client.get("/activity/export.jsonl").streaming_content).decode())
    assert line["changes"]["require_special"] == [False, True]
