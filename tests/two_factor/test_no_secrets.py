"""No secret, code or recovery code ends up in events, lockout records or logs."""

from __future__ import annotations

import logging
import time

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client

from accounts import services
from activity.models import Event
from tests.conftest import sign_in
from tests.two_factor.conftest import code_at, enrol

pytestmark = pytest.mark.django_db


def event_text() -> str:
    return "\n".join(
        " ".join(str(value) for value in row)
        for row in Event.objects.values_list("actor_label", "action", "target_label", "changes", "user_agent")
    )


def test_two_step_flows_leave_no_secret_behind(client, member, owner, password, caplog):
    caplog.set_level(logging.DEBUG)
    sign_in(client, member)
    secret, codes = enrol(client, member)
    client.post("/profile/two-step/recovery-codes/")
    new_codes = client.get("/profile/two-step/recovery-codes/").context["codes"]
    client.post("/logout/")

    now = time.time() + 600
    with time_machine.travel(now, tick=False):
        right = code_at(secret, now)
        wrong = f"{(int(right) + 7) % 1_000_000:06d}"
        attacker = Client()
        attacker.post("/login/", {"username": member.email, "password": "guess-1"})
        attacker.post("/login/", {"username": member.email, "password": password})
        attacker.post("/login/verify/", {"code": wrong})
        client.post("/login/", {"username": member.email, "password": password})
        client.post("/login/verify/", {"code": new_codes[0]})
    services.two_factor_policy_update(acting_user=owner, two_factor_required=True)

    secrets = [secret, right, wrong, password, "guess-1", *codes, *new_codes]
    stored = event_text()
    attempts = " ".join(str(row) for row in AccessAttempt.objects.values_list("post_data", "get_data"))
    for value in secrets:
        assert value not in stored
        assert value not in attempts
        assert value not in caplog.text


def test_a_password_typed_into_the_email_field_is_not_kept(client, member, password):
    client.post("/login/", {"username": password, "password": password})
    client.post("/password-reset/", {"email": password})
    failed = Event.objects.get(action="auth.sign_in_failed")
    assert failed.target_label == "(not an email address)"
    assert password not in event_text()


def test_a_mistyped_email_is_kept_in_its_canonical_form(client, member):
    client.post("/login/", {"username": " Memberr@Example.com", "password": "wrong"})
    assert Event.objects.get(action="auth.sign_in_failed").target_label == "memberr@example.com"
