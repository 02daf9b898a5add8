"""A verification asked for from the activity page runs in a thread: no request waits minutes for a large log.

These tests run the thread for real, on its own database connection, so the
data they make is committed (transactional tests).
"""

from __future__ import annotations

import threading
import time

import pytest
from django.test import Client

from accounts.roles import Role
from activity import conf, verification_runs
from activity.models import Event
from activity.verification import chain_verify
from activity.verification_runs import RUN_KEY, verification_running
from tests.activity.tampering import record, seal
from tests.conftest import force_sign_in, make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_background")]


@pytest.fixture
def in_background(settings):
    from django.core.cache import cache

    settings.ACTIVITY_VERIFY_IN_BACKGROUND = True
    cache.delete(RUN_KEY)
    yield
    cache.delete(RUN_KEY)


def _integrity_card(client) -> str:
    body = client.get("/activity/").content.decode()
    return body.split('id="integrity"', 1)[1].split("</section>", 1)[0]


def _until(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.fixture
def held_verification(monkeypatch):
    """Make the verification stop after reporting 1,234 events checked, until the test releases it."""
    reached, release = threading.Event(), threading.Event()
    calls = []

    def held(*, progress=None, **kwargs):
        calls.append(threading.current_thread().name)
        if progress is not None:
            progress(1234)
        reached.set()
        release.wait(10)
        return chain_verify(**kwargs)

    monkeypatch.setattr(verification_runs, "chain_verify", held)
    monkeypatch.setattr(verification_runs, "RENEW_SECONDS", 0.0)
    monkeypatch.setattr(conf, "VERIFY_WAIT_SECONDS", 0.05)
    yield reached, release, calls
    release.set()


def test_a_small_log_is_verified_while_the_request_waits_and_shown_at_once(client, auditor):
    record(3, label="page")
    seal()
    force_sign_in(client, auditor)
    response = client.post("/activity/verify/", follow=True)
    assert response.redirect_chain == [("/activity/#integrity", 302)]
    assert "The verification is running" not in response.content.decode()
    verified = Event.objects.get(action="activity.verified")
    assert verified.actor == auditor
    assert verified.changes["result"] == "intact"
    card = _integrity_card(client)
    assert "Intact." in card and "3 events checked" in card
    assert "Verifying…" not in card
    assert verification_running() is None


def test_a_long_verification_goes_on_after_the_request_and_the_page_says_so(client, auditor, held_verification):
    reached, release, calls = held_verification
    record(3, label="page")
    seal()
    force_sign_in(client, auditor)

    response = client.post("/activity/verify/", follow=True)
    assert reached.wait(5)  # the thread started, and the request did not wait for it to end
    assert "The verification is running; its result will show here when it ends." in response.content.decode()
    assert not Event.objects.filter(action="activity.verified").exists()
    page = client.get("/activity/").content.decode()
    assert '<meta http-equiv="refresh" content="10">' in page
    card = page.split('id="integrity"', 1)[1].split("</section>", 1)[0]
    assert "Verifying…" in card
    assert "started by auditor@example.com" in card
    assert "1234 events checked so far" in card

    # Another reader sees it under way, without their page (perhaps a filtered list) reloading under them.
    colleague = Client()
    force_sign_in(colleague, make_user(email="second-auditor@example.com", role=Role.AUDITOR))
    theirs = colleague.get("/activity/").content.decode()
    assert "Verifying…" in theirs and "Reload the page to see its result" in theirs
    assert 'http-equiv="refresh"' not in theirs

    # Asked again meanwhile (any process: the mark is in the shared cache), it does not start a second one.
    again = colleague.post("/activity/verify/", follow=True).content.decode()
    assert "A verification started by auditor@example.com is still running" in again
    assert 'http-equiv="refresh"' in again  # now they asked, they watch it too
    assert calls == ["activity-verification"]

    release.set()
    assert _until(lambda: verification_running() is None)
    verified = Event.objects.get(action="activity.verified")
    assert (verified.actor, verified.changes["result"]) == (auditor, "intact")
    page = client.get("/activity/").content.decode()
    assert "Verifying…" not in page and 'http-equiv="refresh"' not in page
    assert "Intact." in page


def test_a_verification_that_fails_leaves_no_mark_and_says_why_in_the_log(client, auditor, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(verification_runs, "chain_verify", broken)
    force_sign_in(client, auditor)
    with caplog.at_level("ERROR", logger="activity.verification_runs"):
        client.post("/activity/verify/")
        assert _until(lambda: verification_running() is None)
    assert "Verifying the activity log failed" in caplog.text
    assert not Event.objects.filter(action="activity.verified").exists()
    # Nothing is left running: it can be asked for again at once.
    assert "Verifying…" not in _integrity_card(client)


def test_the_mark_of_a_process_that_died_expires(client, auditor, held_verification, monkeypatch):
    from django.core.cache import cache

    reached, release, _calls = held_verification
    monkeypatch.setattr(conf, "VERIFY_HEARTBEAT_SECONDS", 1)
    monkeypatch.setattr(verification_runs, "RENEW_SECONDS", 3600.0)  # a process that stopped renewing
    force_sign_in(client, auditor)
    client.post("/activity/verify/")
    assert reached.wait(5)
    assert verification_running() is not None
    assert _until(lambda: cache.get(RUN_KEY) is None, seconds=5)
    assert verification_running() is None
