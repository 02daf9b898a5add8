from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import override_settings

from activity import context
from activity.models import Event, Seal
from activity.selectors import Cursor, EventFilters, event_page, events_filtered
from activity.services import event_record
from tests.conftest import force_sign_in, sign_in

pytestmark = pytest.mark.django_db

BASE = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def _at(when: datetime, **fields) -> Event:
    with time_machine.travel(when, tick=False):
        return event_record(**fields)


@pytest.fixture
def log(owner, admin):
    """Thirty events over thirty days: alternating actors, actions and targets."""
    events = []
    for day in range(30):
        actor = owner if day % 2 else admin
        action = "member.role_changed" if day % 3 == 0 else "member.invited"
        events.append(
            _at(
                BASE + timedelta(days=day),
                action=action,
                actor=actor,
                target_type="user",
                target_id=str(100 + day % 5),
                target_label=f"person{day}@example.com",
                changes={"role": ["member", "admin"]},
            )
        )
    return events


def _all_pages(filters: EventFilters, limit: int) -> list[list[int]]:
    pages, cursor = [], None
    while True:
        page = event_page(filters, cursor=cursor, limit=limit)
        pages.append([e.sequence for e in page.events])
        if not page.has_more:
            return pages
        cursor = page.next_cursor


@pytest.mark.parametrize("limit", [1, 5, 7, 10, 29, 30, 31])
def test_cursor_pages_cover_every_event_once_newest_first(log, limit):
    expected = [e.sequence for e in sorted(log, key=lambda e: e.created_at, reverse=True)]
    filters = EventFilters(text="person")
    pages = _all_pages(filters, limit)
    assert [s for page in pages for s in page] == expected
    assert all(len(page) == limit for page in pages[:-1])
    assert len(pages[-1]) == (30 % limit or limit)


def test_cursor_separates_events_of_the_same_microsecond():
    same = [_at(BASE, action="activity.seeded", target_label=f"same {i}") for i in range(5)]
    pages = _all_pages(EventFilters(text="same"), 2)
    assert pages == [[same[4].sequence, same[3].sequence], [same[2].sequence, same[1].sequence], [same[0].sequence]]


def test_filters_combine(log, owner):
    filters = EventFilters(
        actor=owner.email,
        action="member.role_changed",
        since=BASE + timedelta(days=5),
        until=BASE + timedelta(days=20),
    )
    expected = {
        e.sequence
        for e in log
        if e.actor_id == owner.pk
        and e.action == "member.role_changed"
        and BASE + timedelta(days=5) <= e.created_at < BASE + timedelta(days=20)
    }
    assert expected  # days 9 and 15
    assert {e.sequence for e in events_filtered(filters)} == expected


@pytest.mark.parametrize(
    ("params", "predicate"),
    [
        ({"group": "member", "q": "person"}, lambda e: e.action.startswith("member.")),
        ({"action": "member.invited"}, lambda e: e.action == "member.invited"),
        ({"target_type": "user", "target_id": "102"}, lambda e: e.target_id == "102"),
        ({"q": "PERSON1"}, lambda e: e.target_label.startswith("person1")),
        ({"actor": "ADMIN@example.com"}, lambda e: e.actor_label == "admin@example.com"),
        ({"date_from": "2025-03-10", "date_to": "2025-03-12"}, lambda e: 9 <= (e.created_at - BASE).days <= 11),
    ],
)
def test_page_and_exports_show_exactly_the_filtered_set(client, auditor, log, params, predicate):
    force_sign_in(client, auditor)
    expected = [e.sequence for e in sorted(log, key=lambda e: e.created_at, reverse=True) if predicate(e)]
    assert expected

    page = client.get("/activity/", params)
    assert page.status_code == 200
    assert [e.sequence for e in page.context["page"].events] == expected

    response = client.get("/activity/export.csv", params)
    assert response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="activity-')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [int(row["sequence"]) for row in rows] == expected

    response = client.get("/activity/export.jsonl", params)
    lines = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert [line["sequence"] for line in lines] == expected
    assert lines[0]["hash"] == Event.objects.get(sequence=expected[0]).hash


def test_ip_filter(client, auditor):
    sign_in(client, auditor)  # its sign-in event carries the test client's address 203.0.113.10
    response = client.get("/activity/", {"ip": "203.0.113.10"})
    assert {e.action for e in response.context["page"].events} == {"auth.signed_in"}
    assert client.get("/activity/", {"ip": "198.51.100.1"}).context["page"].events == []


def test_system_actor_filter(client, auditor):
    event_record(action="activity.seeded", target_label="by the system")
    force_sign_in(client, auditor)
    events = client.get("/activity/", {"actor": "system", "q": "by the"}).context["page"].events
    assert [e.target_label for e in events] == ["by the system"]


def test_date_range_is_read_in_the_browsers_time_zone(client, auditor):
    # 23:30 on 1 March in Santiago (UTC-3) is 02:30 on 2 March in UTC.
    event = _at(datetime(2025, 3, 2, 2, 30, tzinfo=UTC), action="activity.seeded", target_label="late")
    force_sign_in(client, auditor)
    params = {"date_from": "2025-03-01", "date_to": "2025-03-01", "q": "late"}
    in_santiago = client.get("/activity/", {**params, "tz": "America/Santiago"})
    assert [e.pk for e in in_santiago.context["page"].events] == [event.pk]
    assert "America/Santiago" in in_santiago.content.decode()
    assert client.get("/activity/", {**params, "tz": "UTC"}).context["page"].events == []


@pytest.mark.parametrize(
    ("params", "message", "kept"),
    [
        (
            {"date_from": "2025-03-10", "date_to": "2025-03-01"},
            "is before the start date",
            ["2025-03-10", "2025-03-01"],
        ),
        ({"ip": "not-an-ip"}, "valid IPv4 or IPv6", ["not-an-ip"]),
        ({"actor": "bob"}, "is not an email address", ["bob"]),
        ({"group": "auth", "action": "member.invited"}, "is not in the group auth", ["auth", "member.invited"]),
        ({"after": "garbage"}, "page link is damaged", []),  # a damaged page link is not a field to show again
    ],
)
def test_bad_filters_get_a_specific_message_and_keep_the_input(client, auditor, params, message, kept):
    force_sign_in(client, auditor)
    response = client.get("/activity/", params)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert [value for value in kept if value not in body] == []


@override_settings(ACTIVITY_PAGE_SIZE=10)
def test_page_links_to_more_instead_of_counting(client, auditor, log):
    force_sign_in(client, auditor)
    response = client.get("/activity/", {"q": "person"})
    body = response.content.decode()
    cursor = response.context["page"].next_cursor
    assert f"after={cursor.encode()}" in body
    assert "More (older)" in body
    assert "30 events" not in body
    last = client.get("/activity/", {"q": "person", "after": Cursor(BASE + timedelta(days=10), 0).encode()})
    assert "More (older)" not in last.content.decode()
    assert len(last.context["page"].events) == 10


def test_small_result_shows_its_count(client, auditor, log):
    force_sign_in(client, auditor)
    assert "6 events." in client.get("/activity/", {"target_id": "101"}).content.decode()


def test_detail_shows_before_and_after_side_by_side(client, auditor, owner):
    event = event_record(
        action="settings.password_policy.updated",
        actor=owner,
        target_type="passwordpolicy",
        target_id="1",
        changes={"min_length": [8, 12], "version": [1, 2], "note": "kept"},
    )
    force_sign_in(client, auditor)
    response = client.get(f"/activity/{event.sequence}/")
    rows = {row["field"]: row for row in response.context["rows"]}
    assert (rows["min_length"]["before"], rows["min_length"]["after"]) == ("8", "12")
    assert rows["note"]["before"] == "—"
    body = response.content.decode()
    assert "diff__before" in body and "diff__after" in body
    assert event.hash in body


def test_missing_event_is_404(client, auditor):
    force_sign_in(client, auditor)
    assert client.get("/activity/999999/").status_code == 404


def test_chart_is_an_svg_with_one_bar_per_day_with_events(client, auditor, log):
    force_sign_in(client, auditor)
    response = client.get(
        "/activity/chart.svg", {"date_from": "2025-03-01", "date_to": "2025-03-10", "action": "member.invited"}
    )
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith("<svg")
    expected_days = [d for d in range(10) if d % 3 != 0]
    assert svg.count("<rect") - 1 == len(expected_days)  # one background rect
    assert "Sun 02 Mar 2025: 1 event" in svg
    assert "<script" not in svg


def test_export_neutralises_spreadsheet_formulas(client, auditor):
    event_record(action="auth.sign_in_failed", target_type="user", target_label="=HYPERLINK(1)")
    force_sign_in(client, auditor)
    response = client.get("/activity/export.csv", {"action": "auth.sign_in_failed", "q": "HYPERLINK"})
    (row,) = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert row["target_label"] == "'=HYPERLINK(1)"


def test_member_sees_own_sign_in_history_in_profile(client, member, admin):
    client.post("/login/", {"username": member.email, "password": "wrong"}, REMOTE_ADDR="203.0.113.10")
    sign_in(client, member)
    sign_in_admin = event_record(action="auth.signed_in", actor=admin, target=admin)
    body = client.get("/profile/").content.decode()
    assert "Sign-in history" in body
    history = client.get("/profile/").context["sign_in_history"]
    assert [e.action for e in history] == ["auth.signed_in", "auth.sign_in_failed"]
    assert sign_in_admin not in history


def _visitor_event() -> Event:
    token = context.bind(context.RequestContext(ip_address="198.51.100.7", request_id="req-visitor"))
    try:
        return event_record(action="auth.sign_in_failed", target_type="user", target_label="typed@example.com")
    finally:
        context.unbind(token)


def test_failed_sign_in_is_shown_as_an_anonymous_visitor_and_never_anonymous(client, auditor):
    client.post("/login/", {"username": "nobody@example.com", "password": "wrong"})
    force_sign_in(client, auditor)
    body = client.get("/activity/", {"action": "auth.sign_in_failed"}).content.decode()
    assert "<td>Anonymous visitor</td>" in body
    assert "<td>Anonymous</td>" not in body


def test_detail_says_a_system_event_comes_from_the_system(client, auditor):
    event = event_record(action="auth.unlocked", target_type="user", target_label="someone@example.com")
    force_sign_in(client, auditor)
    body = client.get(f"/activity/{event.sequence}/").content.decode()
    assert "<dt>Actor</dt><dd>System <small" in body
    assert "recorded by a command or scheduled job" in body
    assert "Anonymous" not in body


def test_actor_filter_tells_the_system_from_anonymous_visitors(client, auditor):
    system = event_record(action="auth.unlocked", target_label="by the system")
    visitor = _visitor_event()
    force_sign_in(client, auditor)
    found = {
        actor: {e.sequence for e in client.get("/activity/", {"actor": actor}).context["page"].events}
        for actor in ("system", "visitor")
    }
    assert system.sequence in found["system"] - found["visitor"]
    assert visitor.sequence in found["visitor"] - found["system"]
    assert all(e.actor_type == "system" for e in Event.objects.filter(sequence__in=found["system"]))


def test_exports_mark_who_acted_and_keep_the_existing_columns(client, auditor, owner):
    user = event_record(action="member.invited", actor=owner, target=owner)
    system = event_record(action="auth.unlocked", target_label="by the system")
    visitor = _visitor_event()
    force_sign_in(client, auditor)
    query = {"actor": "", "q": ""}

    response = client.get("/activity/export.csv", query)
    text = b"".join(response.streaming_content).decode()
    assert text.splitlines()[0] == (
        "sequence,created_at,actor_id,actor_label,action,target_type,target_id,target_label,changes,"
        "ip_address,user_agent,request_id,hash,seal,actor_type,credential"
    )
    rows = {int(row["sequence"]): row for row in csv.DictReader(io.StringIO(text))}
    assert (rows[system.sequence]["actor_id"], rows[system.sequence]["actor_label"]) == ("", "")
    assert rows[system.sequence]["actor_type"] == "system"
    assert rows[visitor.sequence]["actor_type"] == "visitor"
    assert (rows[user.sequence]["actor_id"], rows[user.sequence]["actor_type"]) == (str(owner.pk), "user")

    response = client.get("/activity/export.jsonl", query)
    lines = {
        line["sequence"]: line for line in map(json.loads, b"".join(response.streaming_content).decode().splitlines())
    }
    assert (lines[system.sequence]["actor_id"], lines[system.sequence]["actor_label"]) == (None, "")
    assert [lines[e.sequence]["actor_type"] for e in (user, system, visitor)] == ["user", "system", "visitor"]
    assert "Anonymous" not in text


@pytest.mark.parametrize(
    "url",
    [
        "/activity/?date_to=9999-12-31",
        "/activity/?date_from=0001-01-01&tz=Asia/Tokyo",
        "/activity/chart.svg?date_to=0001-01-05",
        "/activity/chart.svg?date_to=9999-12-31",
        "/activity/export.csv?date_from=0001-01-01&tz=Asia/Tokyo",
        "/activity/export.jsonl?date_to=9999-12-31&tz=America/Anchorage",
    ],
)
def test_out_of_range_dates_get_a_clear_400(client, auditor, url):
    force_sign_in(client, auditor)
    response = client.get(url)
    assert response.status_code == 400
    assert "Enter a date from 1970-01-01 to 9999-12-30" in response.content.decode()


def test_verify_integrity_from_the_page_shows_an_intact_chain_and_its_head(client, auditor):
    from tests.activity.tampering import record, seal

    record(3, label="page")
    seal()
    head = Seal.objects.order_by("-number").first()
    force_sign_in(client, auditor)
    response = client.post("/activity/verify/")
    assert response.status_code == 302
    assert response.url == "/activity/#integrity"
    verified = Event.objects.get(action="activity.verified")
    assert verified.actor == auditor
    assert verified.changes["result"] == "intact"
    card = _integrity_card(client)
    assert "Intact." in card
    assert "3 events checked" in card
    assert f"seal {head.number}, hash <code" in card
    assert f"{head.hash[:12]}…" in card
    assert "auditor@example.com" in card


def test_verify_integrity_from_the_page_says_where_a_tampered_log_broke(client, auditor):
    from tests.activity.tampering import raw, record, seal

    events = record(4, label="page")
    seal()
    raw("UPDATE {events} SET target_label = %s WHERE sequence = %s", ["forged", events[2].sequence])
    force_sign_in(client, auditor)
    client.post("/activity/verify/")
    card = _integrity_card(client)
    assert "Broken" in card
    assert f'event <a href="/activity/{events[2].sequence}/">{events[2].sequence}</a>' in card
    assert "changed" in card
    assert Event.objects.get(action="activity.verified").changes["result"] == "broken"


def test_verify_integrity_is_a_post_with_a_csrf_token(client, auditor, member):
    from django.test import Client

    force_sign_in(client, auditor)
    assert client.get("/activity/verify/").status_code == 405
    form = client.get("/activity/").content.decode().split('action="/activity/verify/"', 1)[1].split("</form>")[0]
    assert 'name="csrfmiddlewaretoken"' in form and "Verify integrity" in form
    strict = Client(enforce_csrf_checks=True)
    force_sign_in(strict, auditor)
    assert strict.post("/activity/verify/").status_code == 403
    assert not Event.objects.filter(action="activity.verified").exists()


def _integrity_card(client) -> str:
    body = client.get("/activity/").content.decode()
    return body.split('id="integrity"', 1)[1].split("</section>", 1)[0]


def test_the_action_menu_leaves_out_the_benchmarks_fake_events_which_stay_filterable(client, auditor):
    seeded = event_record(action="activity.seeded", target_type="activity_log", target_label="20 fake events")
    event_record(action="member.invited", target_type="user", target_label="someone@example.com")
    force_sign_in(client, auditor)
    page = client.get("/activity/")
    menu = page.content.decode().split('name="action"', 1)[1].split("</select>", 1)[0]
    assert 'value="activity.seeded"' not in menu
    assert 'value="activity.verified"' in menu and 'value="member.invited"' in menu
    filtered = client.get("/activity/", {"action": "activity.seeded"})
    assert filtered.status_code == 200
    assert [e.sequence for e in filtered.context["page"].events] == [seeded.sequence]
    text = b"".join(client.get("/activity/export.csv", {"action": "activity.seeded"}).streaming_content).decode()
    assert len(text.strip().splitlines()) == 2
    assert client.get("/activity/", {"action": "no.such_type"}).status_code == 400
