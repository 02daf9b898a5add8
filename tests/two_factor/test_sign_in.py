from __future__ import annotations

import threading
import time

import pytest
import time_machine
from django.db import connection
from django.test import Client

from activity.models import Event
from tests.two_factor.conftest import code_at, enrol

pytestmark = pytest.mark.django_db

STEP = 30


def password_step(client, user, password, next_url=""):
    data = {"username": user.email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/login/", data, REMOTE_ADDR="203.0.113.10")


def test_member_with_device_is_asked_for_a_code_before_any_page(client, member, password, enrolled):
    enrolled(member)
    member.refresh_from_db()
    last_login = member.last_login
    signed_in_events = Event.objects.filter(action="auth.signed_in").count()
    response = password_step(client, member, password)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/verify/")
    for path in ["/", "/profile/", "/team/", "/profile/two-step/", "/settings/security/"]:
        blocked = client.get(path)
        assert blocked.status_code == 302
        assert blocked["Location"].startswith("/login/?next=")
    member.refresh_from_db()
    assert member.last_login == last_login  # not signed in until the code is right
    assert Event.objects.filter(action="auth.signed_in").count() == signed_in_events


def test_session_signed_in_before_a_device_was_added_must_confirm_a_code(member, password):
    older, newer = Client(), Client()
    password_step(older, member, password)
    password_step(newer, member, password)
    secret, _codes = enrol(newer, member)
    response = older.get("/team/")
    assert response["Location"].startswith("/login/verify/")
    now = time.time() + 2 * STEP
    with time_machine.travel(now, tick=False):
        confirmed = older.post("/login/verify/", {"code": code_at(secret, now)})
    assert confirmed.status_code == 302
    assert older.get("/profile/").status_code == 200
    assert Event.objects.filter(action="auth.second_step_passed", actor=member).count() == 1


def test_pending_second_step_expires_after_ten_minutes(client, member, password, enrolled):
    secret, _ = enrolled(member)
    now = time.time() + 10 * STEP
    with time_machine.travel(now, tick=False):
        password_step(client, member, password)
    later = now + 11 * 60
    with time_machine.travel(later, tick=False):
        response = client.post("/login/verify/", {"code": code_at(secret, later)})
    assert response["Location"] == "/login/?next=%2F"


def test_valid_code_completes_sign_in_and_rotates_the_session_key(client, member, password, enrolled):
    secret, _ = enrolled(member)
    with time_machine.travel(time.time() + 2 * STEP, tick=False):
        password_step(client, member, password)
        key_after_password = client.session.session_key
        response = client.post("/login/verify/", {"code": code_at(secret), "next": "/profile/"})
        assert response.status_code == 302
        assert response["Location"] == "/profile/"
        assert client.session.session_key != key_after_password
        assert client.get("/profile/").status_code == 200
    event = Event.objects.filter(action="auth.signed_in", actor=member).latest("sequence")
    assert event.changes["second_step"] == "authenticator app"
    member.refresh_from_db()
    assert member.last_login is not None


@pytest.mark.parametrize("offset_steps", [-1, 1])
def test_code_one_step_away_is_accepted(client, member, password, enrolled, offset_steps):
    secret, _ = enrolled(member)
    now = time.time() + 10 * STEP
    with time_machine.travel(now, tick=False):
        password_step(client, member, password)
        response = client.post("/login/verify/", {"code": code_at(secret, now + offset_steps * STEP)})
    assert response.status_code == 302
    assert not response["Location"].startswith("/login/verify/")


@pytest.mark.parametrize("offset_steps", [-2, 2])
def test_code_two_steps_away_is_refused(client, member, password, enrolled, offset_steps):
    secret, _ = enrolled(member)
    now = time.time() + 10 * STEP
    with time_machine.travel(now, tick=False):
        password_step(client, member, password)
        response = client.post("/login/verify/", {"code": code_at(secret, now + offset_steps * STEP)})
    assert response.status_code == 200
    assert "not valid" in response.content.decode()
    assert Event.objects.filter(action="auth.second_step_failed", actor=member).count() == 1


def test_wrong_code_is_refused_and_recorded_without_the_code(client, member, password, enrolled):
    secret, _ = enrolled(member)
    now = time.time() + 10 * STEP
    with time_machine.travel(now, tick=False):
        password_step(client, member, password)
        right = code_at(secret, now)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        response = client.post("/login/verify/", {"code": wrong})
    assert response.status_code == 200
    assert client.get("/profile/").status_code == 302
    event = Event.objects.get(action="auth.second_step_failed")
    assert wrong not in str(event.changes) and wrong not in event.target_label


def test_a_code_works_once(client, member, password, enrolled):
    secret, _ = enrolled(member)
    now = time.time() + 10 * STEP
    with time_machine.travel(now, tick=False):
        code = code_at(secret, now)
        password_step(client, member, password)
        assert client.post("/login/verify/", {"code": code}).status_code == 302
        other = Client()
        password_step(other, member, password)
        replay = other.post("/login/verify/", {"code": code})
    assert replay.status_code == 200
    assert "not valid" in replay.content.decode()


def test_repeated_wrong_codes_are_throttled(client, member, password, enrolled):
    secret, _ = enrolled(member)
    now = time.time() + 10 * STEP
    with time_machine.travel(now, tick=False):
        password_step(client, member, password)
        for _ in range(3):
            client.post("/login/verify/", {"code": "000000" if code_at(secret, now) != "000000" else "111111"})
        # Right code, but too soon after the failures: refused.
        throttled = client.post("/login/verify/", {"code": code_at(secret, now)})
    assert throttled.status_code == 200
    with time_machine.travel(now + STEP, tick=False):
        accepted = client.post("/login/verify/", {"code": code_at(secret, now + STEP)})
    assert accepted.status_code == 302


def test_recovery_code_signs_in_once(client, member, password, enrolled):
    _secret, codes = enrolled(member)
    password_step(client, member, password)
    assert client.post("/login/verify/", {"code": codes[0]}).status_code == 302
    assert client.get("/profile/").status_code == 200
    event = Event.objects.get(action="auth.recovery_code_used")
    assert event.changes["recovery_codes_left"] == 9
    assert codes[0] not in str(event.changes)

    client.post("/logout/")
    password_step(client, member, password)
    reused = client.post("/login/verify/", {"code": codes[0]})
    assert reused.status_code == 200
    assert client.get("/profile/").status_code == 302


def test_members_without_a_device_sign_in_with_the_password_only(client, member, password):
    response = password_step(client, member, password)
    assert response["Location"] == "/"
    assert client.get("/profile/").status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_racing_requests_with_the_same_code_let_only_one_in(member, password, enrolled):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    secret, _ = enrolled(member)
    now = time.time() + 10 * STEP
    clients = [Client(), Client()]
    results = []
    with time_machine.travel(now, tick=False):
        for client in clients:
            password_step(client, member, password)
        code = code_at(secret, now)
        barrier = threading.Barrier(2)

        def submit(client):
            barrier.wait()
            results.append(client.post("/login/verify/", {"code": code}).status_code)
            connection.close()

        threads = [threading.Thread(target=submit, args=(client,)) for client in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(results) == [200, 302]
