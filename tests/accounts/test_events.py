"""Each listed activity event is recorded with the right actor, target and changes; never a secret."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.core import mail

from accounts import services
from accounts.models import User
from accounts.roles import Role
from activity.models import Event
from tests.accounts.conftest import invitation_token
from tests.conftest import force_sign_in, sign_in
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Brand-New-Pass-77"
RESET_PASSWORD = "Reset-Chosen-Pass-88"
WRONG_PASSWORD = "Wrong-Typed-Pass-99"


def only_event(action: str) -> Event:
    events = list(Event.objects.filter(action=action))
    assert len(events) == 1, [e.action for e in Event.objects.all()]
    return events[0]


def assert_target(event: Event, user: User) -> None:
    assert (event.target_type, event.target_id, event.target_label) == ("user", str(user.pk), user.email)


def assert_actor(event: Event, user: User | None) -> None:
    expected = (None, "") if user is None else (user.pk, user.email)
    assert (event.actor_id, event.actor_label) == expected


def test_sign_in_is_recorded(client, member):
    sign_in(client, member)
    event = only_event("auth.signed_in")
    assert_actor(event, member)
    assert_target(event, member)
    assert event.changes == {"password_compliant": True, "second_step": "none"}
    assert event.ip_address == "203.0.113.10"


def test_failed_sign_in_is_recorded_without_the_password(client, member):
    client.post("/login/", {"username": member.email, "password": WRONG_PASSWORD}, HTTP_USER_AGENT="pytest-agent")
    event = only_event("auth.sign_in_failed")
    assert_actor(event, None)
    assert_target(event, member)
    assert event.user_agent == "pytest-agent"
    assert WRONG_PASSWORD not in json.dumps(event.changes)


def test_failed_sign_in_for_an_unknown_email_is_recorded(client, db):
    client.post("/login/", {"username": "nobody@example.com", "password": WRONG_PASSWORD})
    event = only_event("auth.sign_in_failed")
    assert (event.target_type, event.target_id, event.target_label) == ("user", "", "nobody@example.com")


def test_sign_out_is_recorded(client, member):
    force_sign_in(client, member)
    client.post("/logout/")
    event = only_event("auth.signed_out")
    assert_actor(event, member)
    assert_target(event, member)


def test_password_change_is_recorded(client, member):
    force_sign_in(client, member)
    client.post(
        "/profile/password/",
        {"old_password": DEFAULT_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    event = only_event("password.changed")
    assert_actor(event, member)
    assert_target(event, member)


def test_password_reset_is_recorded(client, member):
    client.post("/password-reset/", {"email": member.email})
    path = re.search(r"(/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(path).url
    client.post(form_url, {"new_password1": RESET_PASSWORD, "new_password2": RESET_PASSWORD})
    event = only_event("password.reset")
    assert_actor(event, None)
    assert_target(event, member)


def test_member_invited_and_joined_are_recorded(client, admin):
    user, link = services.member_invite(email="nina@example.com", role=Role.AUDITOR, acting_user=admin)
    invited = only_event("member.invited")
    assert_actor(invited, admin)
    assert_target(invited, user)
    assert invited.changes["role"] == [None, Role.AUDITOR]

    client.post(
        "/invite/" + invitation_token(link) + "/",
        {"full_name": "Nina", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    joined = only_event("member.joined")
    assert_actor(joined, user)
    assert_target(joined, user)


def test_role_change_is_recorded_with_before_and_after(client, owner, member):
    force_sign_in(client, owner)
    client.post(f"/team/{member.pk}/role/", {"role": Role.AUDITOR})
    event = only_event("member.role_changed")
    assert_actor(event, owner)
    assert_target(event, member)
    assert event.changes == {"role": [Role.MEMBER, Role.AUDITOR]}


def test_refused_role_change_records_nothing(owner):
    with pytest.raises(Exception):  # noqa: B017 - the last-owner ValidationError
        services.member_role_change(user=owner, role=Role.ADMIN, acting_user=owner)
    assert not Event.objects.filter(action="member.role_changed").exists()


def test_deactivation_and_reactivation_are_recorded(client, owner, member):
    force_sign_in(client, owner)
    client.post(f"/team/{member.pk}/deactivate/", {"confirmed": "yes"})
    client.post(f"/team/{member.pk}/reactivate/")
    deactivated = only_event("member.deactivated")
    assert_actor(deactivated, owner)
    assert_target(deactivated, member)
    assert deactivated.changes["is_active"] == [True, False]
    reactivated = only_event("member.reactivated")
    assert_actor(reactivated, owner)
    assert_target(reactivated, member)
    assert reactivated.changes == {"is_active": [False, True]}


def test_password_policy_update_is_recorded_with_before_and_after(client, admin, django_capture_on_commit_callbacks):
    force_sign_in(client, admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/settings/security/password-policy/",
            {
                "min_length": "12",
                "require_special": "on",
                "reject_common": "on",
                "reject_guessable": "on",
                "history_count": "3",
            },
        )
    event = only_event("settings.password_policy.updated")
    assert_actor(event, admin)
    assert event.target_type == "passwordpolicy"
    assert event.changes == {
        "min_length": [8, 12],
        "require_special": [False, True],
        "reject_similar": [True, False],
        "history_count": [0, 3],
        "version": [1, 2],
    }


def test_required_password_change_is_recorded_for_one_member_and_for_all(client, admin, member):
    force_sign_in(client, admin)
    client.post(f"/team/{member.pk}/require-password-change/", {"confirmed": "yes"})
    client.post("/team/require-password-change/", {"confirmed": "yes"})
    one, everyone = Event.objects.filter(action="password.change_required").order_by("sequence")
    assert_actor(one, admin)
    assert_target(one, member)
    assert one.changes == {"must_change_password": [False, True]}
    assert_actor(everyone, admin)
    assert (everyone.target_type, everyone.target_label) == ("team", "All members")


def test_no_password_or_token_is_in_any_event(client, client_factory, django_capture_on_commit_callbacks):
    """Run every recorded action with known secrets, then search every stored event field for them."""
    secrets: list[str] = []

    setup_token = services.setup_token_issue()
    secrets += [setup_token, DEFAULT_PASSWORD]
    client.post(
        f"/setup/{setup_token}/",
        {"email": "owner@example.com", "new_password1": DEFAULT_PASSWORD, "new_password2": DEFAULT_PASSWORD},
    )
    owner = User.objects.get(email="owner@example.com")
    client.post("/login/", {"username": owner.email, "password": WRONG_PASSWORD})
    secrets.append(WRONG_PASSWORD)
    sign_in(client, owner)
    secrets.append(client.cookies[settings.SESSION_COOKIE_NAME].value)

    client.post(
        "/profile/password/",
        {"old_password": DEFAULT_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    secrets.append(NEW_PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/settings/security/password-policy/",
            {"min_length": "10", "reject_common": "on", "reject_similar": "on", "history_count": "5"},
        )
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/team/invite/", {"email": "nina@example.com", "role": Role.ADMIN, "full_name": "Nina"})
    nina = User.objects.get(email="nina@example.com")
    token = invitation_token(re.search(r"(http\S+/invite/\S+/)", mail.outbox[-1].body).group(1))
    secrets.append(token)
    joiner_password = "Nina-Joins-Pass-55"
    secrets.append(joiner_password)
    joiner = client_factory()
    joiner.post(
        f"/invite/{token}/", {"full_name": "Nina", "new_password1": joiner_password, "new_password2": joiner_password}
    )
    sign_in(joiner, nina, joiner_password)
    client.post(f"/team/{nina.pk}/role/", {"role": Role.AUDITOR})
    client.post(f"/team/{nina.pk}/require-password-change/", {"confirmed": "yes"})
    client.post(f"/team/{nina.pk}/deactivate/", {"confirmed": "yes"})
    client.post(f"/team/{nina.pk}/reactivate/")

    with django_capture_on_commit_callbacks(execute=True):
        joiner.post("/password-reset/", {"email": nina.email})
    reset_path = re.search(r"(/reset/\S+/)", mail.outbox[-1].body).group(1)
    secrets.append(reset_path.strip("/").split("/")[-1])
    form_url = joiner.get(reset_path).url
    joiner.post(form_url, {"new_password1": RESET_PASSWORD, "new_password2": RESET_PASSWORD})
    secrets.append(RESET_PASSWORD)
    client.post("/team/require-password-change/", {"confirmed": "yes"})
    client.post("/logout/")

    actions = set(Event.objects.values_list("action", flat=True))
    assert {
        "member.created",
        "auth.sign_in_failed",
        "auth.signed_in",
        "password.changed",
        "settings.password_policy.updated",
        "member.invited",
        "member.joined",
        "member.role_changed",
        "password.change_required",
        "member.deactivated",
        "member.reactivated",
        "password.reset",
        "auth.signed_out",
    } <= actions
    for event in Event.objects.all():
        stored = json.dumps(
            {field.attname: getattr(event, field.attname) for field in Event._meta.concrete_fields}, default=str
        )
        for secret in secrets:
            assert secret not in stored, f"a secret is stored in the {event.action} event"


def test_re_invitation_records_the_role_before_and_after(owner):
    services.member_invite(email="nina@example.com", role=Role.MEMBER, acting_user=owner)
    services.member_invite(email="nina@example.com", role=Role.AUDITOR, acting_user=owner)
    first, second = Event.objects.filter(action="member.invited").order_by("sequence")
    assert first.changes["role"] == [None, Role.MEMBER]
    assert second.changes["role"] == [Role.MEMBER, Role.AUDITOR]


def test_dashboard_shows_members_by_role_and_status_the_policy_and_latest_events(client, owner, admin, member):
    services.member_invite(email="pending@example.com", role=Role.MEMBER, acting_user=owner)
    services.member_deactivate(user=admin, acting_user=owner)
    sign_in(client, owner)
    response = client.get("/")
    rows = {row["role"]: row for row in response.context["by_role"]()}  # computed when the content is rendered
    assert (rows["Owner"]["active"], rows["Admin"]["deactivated"]) == (1, 1)
    assert (rows["Member"]["active"], rows["Member"]["invited"]) == (1, 1)
    html = response.content.decode()
    assert "At least 8 characters." in html
    assert response.context["events"]()[0].action == "auth.signed_in"
