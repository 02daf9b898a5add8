"""Rate limits beyond the per-account lockout: reset requests per address and per IP, failed sign-ins per IP."""

from __future__ import annotations

import time
from unittest import mock

import pytest
import time_machine
from django.core import mail

from accounts import services
from activity.models import Event
from tests.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock_held")]

ATTACKER = "198.51.100.7"


def reset_request(client, email, ip=ATTACKER):
    return client.post("/password-reset/", {"email": email}, REMOTE_ADDR=ip)


def failed_sign_in(client, email, ip=ATTACKER):
    return client.post("/login/", {"username": email, "password": "not-the-password"}, REMOTE_ADDR=ip)


def assert_refused(response):
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "Too many" in response.content.decode()


def test_a_fourth_reset_request_for_one_address_within_an_hour_is_refused_and_sends_nothing(client, member):
    for _ in range(3):
        assert reset_request(client, member.email).status_code == 302
    assert len(mail.outbox) == 3
    for _ in range(17):
        assert_refused(reset_request(client, member.email))
    assert len(mail.outbox) == 3
    [event] = Event.objects.filter(action="auth.rate_limited")
    assert event.changes["limit"] == "password-reset requests per address"
    assert event.target_label == member.email


def test_reset_requests_from_one_ip_are_limited_across_addresses(client):
    for number in range(20):
        assert reset_request(client, f"someone{number}@example.com").status_code == 302
    assert_refused(reset_request(client, "someone-else@example.com"))
    assert reset_request(client, "someone-else@example.com", ip="203.0.113.99").status_code == 302


def test_failed_sign_ins_across_many_accounts_from_one_ip_are_slowed_after_thirty(client):
    for number in range(30):
        assert failed_sign_in(client, f"victim{number}@example.com").status_code == 200
    with mock.patch("django.contrib.auth.hashers.MD5PasswordHasher.verify") as verify:
        refused = failed_sign_in(client, "victim30@example.com")
    assert_refused(refused)
    verify.assert_not_called()
    assert Event.objects.filter(action="auth.rate_limited").count() == 1
    assert failed_sign_in(client, "victim31@example.com", ip="203.0.113.99").status_code == 200


def test_the_limit_ends_with_its_window(client):
    for number in range(30):
        failed_sign_in(client, f"victim{number}@example.com")
    assert_refused(failed_sign_in(client, "victim@example.com"))
    with time_machine.travel(time.time() + 16 * 60):
        assert failed_sign_in(client, "victim@example.com").status_code == 200


def test_the_limits_are_set_on_the_security_page_next_to_the_lockout(client, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.lockout_policy_update(acting_user=owner, failed_sign_ins_per_ip=5, reset_requests_per_address=1)
    for number in range(5):
        failed_sign_in(client, f"victim{number}@example.com")
    assert_refused(failed_sign_in(client, "victim5@example.com"))
    member = make_user(email="mia@example.com")
    reset_request(client, member.email, ip="203.0.113.5")
    assert_refused(reset_request(client, member.email, ip="203.0.113.5"))
    event = Event.objects.get(action="settings.lockout.updated")
    assert event.changes["failed_sign_ins_per_ip"] == [30, 5]
