"""Auditors sign off their review of the activity log; a later change below the signed-off seal says so."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from activity.chain import content_hash, seal_hash
from activity.models import Event, Seal
from activity.services import chain_verification_record, review_sign_off
from activity.verification import chain_verify
from tests.activity.tampering import raw, record, seal
from tests.conftest import force_sign_in

pytestmark = pytest.mark.django_db

HISTORY_CHANGED = "History that an auditor had reviewed was changed"


@pytest.fixture
def signed(auditor):
    """Six events in two seals, signed off by the auditor, then three newer events in a third seal."""
    events = record(3)
    seal()
    events += record(3)
    seal()
    signoff = review_sign_off(acting_user=auditor, filters={"group": "activity"}, note="Monthly review")
    events += record(3)
    seal()
    return events, signoff


def test_a_sign_off_names_the_newest_seal_the_filters_and_the_note(auditor):
    record(2)
    seal()
    newest = Seal.objects.order_by("-number").first()
    event = review_sign_off(acting_user=auditor, filters={"actor": "admin@example.com"}, note=" Looked at admins ")
    assert event.action == "activity.review_signed_off"
    assert event.actor == auditor
    assert event.changes == {
        "seal": newest.number,
        "seal_hash": newest.hash,
        "last_sequence": newest.last_sequence,
        "filters": {"actor": "admin@example.com"},
        "note": "Looked at admins",
    }


def test_a_broken_log_cannot_be_signed_off(auditor):
    events = record(2)
    seal()
    raw("UPDATE {events} SET target_label = 'forged' WHERE sequence = %s", [events[0].sequence])
    with pytest.raises(ValidationError, match="does not verify"):
        review_sign_off(acting_user=auditor)
    assert not Event.objects.filter(action="activity.review_signed_off").exists()


def test_nothing_sealed_cannot_be_signed_off(auditor):
    with pytest.raises(ValidationError, match="nothing to sign off"):
        review_sign_off(acting_user=auditor)


def test_admins_may_not_sign_off(admin):
    record(1)
    seal()
    with pytest.raises(PermissionDenied):
        review_sign_off(acting_user=admin)


def test_a_change_below_the_signed_off_seal_says_reviewed_history_was_changed(signed):
    events, signoff = signed
    raw("UPDATE {events} SET target_label = 'forged' WHERE sequence = %s", [events[1].sequence])
    result = chain_verify()
    assert not result.ok
    assert HISTORY_CHANGED in result.problem
    assert f"up to #{signoff.changes['last_sequence']} (seal 2)" in result.problem
    assert "auditor@example.com" in result.summary()


def test_a_change_above_the_signed_off_seal_is_reported_without_that_warning(signed):
    events, _signoff = signed
    raw("UPDATE {events} SET target_label = 'forged' WHERE sequence = %s", [events[-1].sequence])
    result = chain_verify()
    assert not result.ok
    assert HISTORY_CHANGED not in result.problem


def test_a_signed_off_seal_rewritten_with_its_events_is_found(signed):
    events, _signoff = signed
    # A forger rewrites the signed-off seal 2 and every seal after it, consistently.
    forged = Event.objects.get(sequence=events[4].sequence)
    forged.target_label = "forged"
    raw(
        "UPDATE {events} SET target_label = 'forged', hash = %s WHERE sequence = %s",
        [content_hash(forged), forged.sequence],
    )
    seal_two = Seal.objects.get(number=2)
    seal_two.sealed_at = seal_two.sealed_at.replace(microsecond=(seal_two.sealed_at.microsecond + 1) % 1_000_000)
    raw("UPDATE {seals} SET sealed_at = %s, hash = %s WHERE number = 2", [seal_two.sealed_at, seal_hash(seal_two)])
    result = chain_verify()
    assert not result.ok
    assert HISTORY_CHANGED in result.problem


def test_activity_verify_prints_that_reviewed_history_was_changed(signed):
    events, _signoff = signed
    raw("UPDATE {events} SET target_label = 'forged' WHERE sequence = %s", [events[0].sequence])
    with pytest.raises(CommandError, match=HISTORY_CHANGED):
        call_command("activity_verify", "--no-record", stdout=io.StringIO())


def test_the_activity_page_shows_the_last_sign_off_and_the_events_since(client, auditor, signed):
    _events, signoff = signed
    force_sign_in(client, auditor)
    text = client.get("/activity/").content.decode()
    assert f'Reviewed up to event <a href="/activity/{signoff.changes["last_sequence"]}/">' in text
    assert "by auditor@example.com" in text
    assert "“Monthly review”" in text
    # The sign-off event and the three events after it.
    assert "4 events newer than the last sign-off" in text
    assert f"?date_from={signoff.created_at:%Y-%m-%d}&amp;tz=UTC" in text
    assert "Sign off review" in text


def test_auditors_sign_off_from_the_activity_page_with_the_filters_they_looked_at(client, auditor):
    record(2)
    seal()
    force_sign_in(client, auditor)
    response = client.post(
        "/activity/review/sign-off/", {"filters": "group=member&actor=&after=5-5&nope=1", "note": "All good"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/activity/?group=member"
    event = Event.objects.get(action="activity.review_signed_off")
    assert event.changes["filters"] == {"group": "member"}
    assert event.changes["note"] == "All good"
    page = client.get(response["Location"]).content.decode()
    assert "Review signed off up to event" in page


def test_a_refused_sign_off_says_why_on_the_activity_page(client, owner):
    force_sign_in(client, owner)
    response = client.post("/activity/review/sign-off/", {"note": "x"}, follow=True)
    assert "nothing to sign off" in response.content.decode()


def test_a_note_with_a_nul_character_is_refused(auditor):
    record(1)
    seal()
    with pytest.raises(ValidationError):
        review_sign_off(acting_user=auditor, note="bad\x00note")


def test_admins_see_no_sign_off_form(client, admin):
    force_sign_in(client, admin)
    text = client.get("/activity/").content.decode()
    assert "No review of the log has been signed off yet" in text
    assert "Sign off review" not in text


def test_the_activity_page_shows_that_reviewed_history_was_changed(client, auditor, signed):
    events, _signoff = signed
    raw("UPDATE {events} SET target_label = 'forged' WHERE sequence = %s", [events[2].sequence])
    chain_verification_record(result=chain_verify())
    force_sign_in(client, auditor)
    assert HISTORY_CHANGED in client.get("/activity/").content.decode()


def test_a_sign_off_event_without_its_position_still_shows_on_the_activity_page(client, auditor):
    from activity.services import event_record

    # Seeded or imported data may lack the position a real sign-off always records.
    event_record(action="activity.review_signed_off", actor=auditor, changes={"note": "imported"})
    force_sign_in(client, auditor)
    response = client.get("/activity/")
    assert response.status_code == 200
    assert "Reviewed up to the newest seal of the time" in response.content.decode()
