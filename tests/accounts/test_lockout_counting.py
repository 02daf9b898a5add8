"""Attempts during an active lockout are counted: one event when the lockout starts, one summary when it ends."""

from __future__ import annotations

import time

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from activity.models import Event

pytestmark = pytest.mark.django_db

ATTACKER = "198.51.100.7"


def attempt(email, password, ip=ATTACKER):
    return Client().post("/login/", {"username": email, "password": password}, REMOTE_ADDR=ip)


def lock(member):
    for _ in range(5):
        attempt(member.email, "not-the-password")


def actions(member) -> list[str]:
    return list(Event.objects.filter(target_label=member.email).order_by("sequence").values_list("action", flat=True))


def test_attempts_during_a_lockout_append_no_event_each(member, password):
    lock(member)
    before = Event.objects.count()
    for typed in ("not-the-password", password, "another-guess") * 4:
        assert attempt(member.email, typed).status_code == 429
    assert Event.objects.count() == before
    assert sorted(actions(member)) == ["auth.locked_out"] + ["auth.sign_in_failed"] * 5


def test_the_next_attempt_after_the_lockout_records_how_many_it_refused(member, password):
    lock(member)
    for _ in range(7):
        attempt(member.email, "not-the-password")
    with time_machine.travel(time.time() + 16 * 60):
        assert attempt(member.email, password).status_code == 302
        attempt(member.email, password)  # once only
    summary = Event.objects.get(action="auth.lockout_ended")
    assert summary.target_label == member.email
    assert summary.target_id == str(member.pk)
    assert summary.changes == {"attempts_refused": 7}
    assert password not in str(summary.changes)
    assert actions(member)[-3:] == ["auth.lockout_ended", "auth.signed_in", "auth.signed_in"]


def test_a_failed_attempt_after_the_lockout_also_records_the_summary(member):
    lock(member)
    attempt(member.email, "not-the-password")
    with time_machine.travel(time.time() + 16 * 60):
        assert attempt(member.email, "still-wrong").status_code == 200
    assert actions(member)[-2:] == ["auth.lockout_ended", "auth.sign_in_failed"]
    assert Event.objects.get(action="auth.lockout_ended").changes == {"attempts_refused": 1}


def test_a_lockout_that_refused_nothing_records_no_summary(member, password):
    lock(member)
    with time_machine.travel(time.time() + 16 * 60):
        assert attempt(member.email, password).status_code == 302
    assert not Event.objects.filter(action="auth.lockout_ended").exists()


def test_counts_are_kept_per_account_and_address(member, password):
    lock(member)
    attempt(member.email, "x")
    attempt(member.email, "x")
    with time_machine.travel(time.time() + 16 * 60):
        # Another address never was locked: it finds no count of this lockout.
        assert attempt(member.email, password, ip="192.0.2.44").status_code == 302
        assert not Event.objects.filter(action="auth.lockout_ended").exists()
        attempt(member.email, password)
    assert Event.objects.get(action="auth.lockout_ended").changes == {"attempts_refused": 2}


def test_a_locked_out_attempt_is_refused_before_its_form_is_checked(member, password, monkeypatch):
    lock(member)

    def no_authentication(*args, **kwargs):
        raise AssertionError("a locked-out attempt reached authentication")

    monkeypatch.setattr("django.contrib.auth.forms.authenticate", no_authentication)
    for email in (member.email, member.email.upper()):
        response = attempt(email, password)
        assert response.status_code == 429
        assert "accounts/locked_out.html" in [template.name for template in response.templates]
        assert "accounts/login.html" not in [template.name for template in response.templates]


def test_a_locked_out_attempt_is_still_refused_when_the_cache_lost_the_lockout_hint(member, password):
    lock(member)
    cache.clear()
    before = Event.objects.count()
    assert attempt(member.email, password).status_code == 429
    assert Event.objects.count() == before


@pytest.mark.django_db(transaction=True)  # outside a test's transaction, settings are read from the cache
def test_a_locked_out_attempt_costs_one_query(member, password):
    lock(member)
    attempt(member.email, password)  # settings and the hint cached, as on a busy server
    with CaptureQueriesContext(connection) as queries:
        assert attempt(member.email, password).status_code == 429
    # The lockout's own look-up: nobody is signed out, nothing is written.
    assert [query["sql"].split()[0] for query in queries.captured_queries] == ["SELECT"], queries.captured_queries
