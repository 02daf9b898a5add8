"""The policy is enforced, and its rules shown, wherever a password is set."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from accounts import selectors, services
from accounts.models import User
from accounts.roles import Role
from activity.models import Event
from tests.accounts.conftest import field_errors, invitation_token
from tests.conftest import force_sign_in, sign_in
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

WEAK = "kqzvmwtxab"  # long enough, but no uppercase letter and no special character
STRONG = "Kqzvmwtx-Ab7"
RULE_TEXTS = [
    "At least 8 characters.",
    "At least one lowercase letter (a-z).",
    "At least one uppercase letter (A-Z).",
    "At least one of ! @ # $ % ^ &amp; * ( ) _ + - = [ ] { } |.",
    "Not a commonly used password.",
    "Not too similar to your name or email.",
]
WEAK_ERRORS = [
    "Uppercase letter: the password must contain at least one uppercase letter (A-Z).",
    "Special character: the password must contain at least one of ! @ # $ % ^ & * ( ) _ + - = [ ] { } |.",
]


def assert_rules_shown(response):
    html = response.content.decode()
    assert 'aria-label="Password rules"' in html
    for text in RULE_TEXTS:
        assert text in html


def reset_link_path() -> str:
    [message] = mail.outbox
    match = re.search(r"https?://[^/\s]+(/reset/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


# First-run setup ------------------------------------------------------------------


def test_setup_shows_rules_and_refuses_a_weak_password(client, strict_composition):
    token = services.setup_token_issue()
    url = f"/setup/{token}/"
    assert_rules_shown(client.get(url))
    data = {"email": "first@example.com", "full_name": "", "new_password1": WEAK, "new_password2": WEAK}
    response = client.post(url, data)
    assert response.status_code == 200
    assert field_errors(response, "new_password1") == WEAK_ERRORS
    assert_rules_shown(response)
    assert not User.objects.exists()
    assert selectors.setup_token_valid(token)


# Invitation ------------------------------------------------------------------------


def test_invitation_shows_rules_and_refuses_a_weak_password(client, owner, strict_composition):
    user, link = services.member_invite(email="new@example.com", role=Role.MEMBER, acting_user=owner)
    path = "/invite/" + invitation_token(link) + "/"
    assert_rules_shown(client.get(path))
    response = client.post(path, {"full_name": "Nina New", "new_password1": WEAK, "new_password2": WEAK})
    assert response.status_code == 200
    assert field_errors(response, "new_password1") == WEAK_ERRORS
    assert_rules_shown(response)
    user.refresh_from_db()
    assert user.status == User.Status.INVITED
    assert not user.has_usable_password()
    assert selectors.invitation_for_token(invitation_token(link)) is not None


def test_invitation_accepts_a_compliant_password(client, owner, strict_composition):
    user, link = services.member_invite(email="new@example.com", role=Role.AUDITOR, acting_user=owner)
    path = "/invite/" + invitation_token(link) + "/"
    response = client.post(path, {"full_name": "Nina New", "new_password1": STRONG, "new_password2": STRONG})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.status == User.Status.ACTIVE
    assert user.full_name == "Nina New"
    assert user.check_password(STRONG)


def test_invitation_password_is_checked_for_similarity_with_the_name_typed_on_the_form(client, owner):
    _user, link = services.member_invite(email="nn@example.com", role=Role.MEMBER, acting_user=owner)
    path = "/invite/" + invitation_token(link) + "/"
    data = {
        "full_name": "Bartholomew Quincy",
        "new_password1": "bartholomewquincy",
        "new_password2": "bartholomewquincy",
    }
    response = client.post(path, data)
    assert response.status_code == 200
    assert field_errors(response, "new_password1") == [
        "Similar to personal information: the password is too similar to your full name.",
        "Easy to guess: the password contains your name, your email or the organisation's name.",
    ]


# Password change ----------------------------------------------------------------------


def test_profile_and_change_page_show_rules(client, member, strict_composition):
    force_sign_in(client, member)
    assert_rules_shown(client.get("/profile/"))
    assert_rules_shown(client.get("/profile/password/"))


def test_password_change_refuses_a_weak_password_and_keeps_the_old_one(client, member, strict_composition):
    force_sign_in(client, member)
    data = {"old_password": DEFAULT_PASSWORD, "new_password1": WEAK, "new_password2": WEAK}
    response = client.post("/profile/password/", data)
    assert response.status_code == 200
    assert field_errors(response, "new_password1") == WEAK_ERRORS
    assert_rules_shown(response)
    member.refresh_from_db()
    assert member.check_password(DEFAULT_PASSWORD)


def test_password_change_needs_the_current_password(client, member):
    force_sign_in(client, member)
    response = client.post(
        "/profile/password/", {"old_password": "Wrong-Password-1", "new_password1": STRONG, "new_password2": STRONG}
    )
    assert field_errors(response, "old_password") == ["Your current password was entered incorrectly."]
    member.refresh_from_db()
    assert member.check_password(DEFAULT_PASSWORD)


def test_password_change_refuses_mismatched_confirmation(client, member):
    force_sign_in(client, member)
    response = client.post(
        "/profile/password/", {"old_password": DEFAULT_PASSWORD, "new_password1": STRONG, "new_password2": STRONG + "x"}
    )
    assert field_errors(response, "new_password2") == ["The two passwords do not match."]
    member.refresh_from_db()
    assert member.check_password(DEFAULT_PASSWORD)


def test_password_change_sets_the_new_password_and_keeps_this_session(client, member):
    force_sign_in(client, member)
    data = {"old_password": DEFAULT_PASSWORD, "new_password1": STRONG, "new_password2": STRONG}
    response = client.post("/profile/password/", data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(STRONG)
    assert client.get("/profile/").status_code == 200


def test_password_change_signs_out_other_sessions(client, client_factory, member):
    other = client_factory()
    force_sign_in(other, member)
    force_sign_in(client, member)
    client.post(
        "/profile/password/", {"old_password": DEFAULT_PASSWORD, "new_password1": STRONG, "new_password2": STRONG}
    )
    assert other.get("/profile/").url.startswith("/login/")


# Password reset by email ----------------------------------------------------------------


def test_password_reset_refuses_a_weak_password_then_accepts_a_compliant_one(client, member, strict_composition):
    client.post("/password-reset/", {"email": "MEMBER@example.com"})
    path = reset_link_path()
    form_url = client.get(path).url
    assert_rules_shown(client.get(form_url))

    response = client.post(form_url, {"new_password1": WEAK, "new_password2": WEAK})
    assert response.status_code == 200
    assert field_errors(response, "new_password1") == WEAK_ERRORS
    assert_rules_shown(response)
    member.refresh_from_db()
    assert member.check_password(DEFAULT_PASSWORD)

    response = client.post(form_url, {"new_password1": STRONG, "new_password2": STRONG})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(STRONG)


def test_password_reset_link_is_built_from_the_panel_address_not_the_host_header(client, member, settings):
    settings.PANEL_BASE_URL = "https://admin.example.com"
    settings.ALLOWED_HOSTS = ["testserver"]
    client.post("/password-reset/", {"email": member.email}, HTTP_HOST="testserver:6666")
    [message] = mail.outbox
    links = re.findall(r"\S+/reset/\S+", message.body)
    assert len(links) == 1
    assert links[0].startswith("https://admin.example.com/reset/")


def test_password_reset_link_works_once(client, member):
    client.post("/password-reset/", {"email": member.email})
    path = reset_link_path()
    form_url = client.get(path).url
    client.post(form_url, {"new_password1": STRONG, "new_password2": STRONG})
    response = client.get(path, follow=True)
    assert response.context["validlink"] is False


def test_password_reset_ends_every_session(client, client_factory, member):
    other = client_factory()
    force_sign_in(other, member)
    client.post("/password-reset/", {"email": member.email})
    form_url = client.get(reset_link_path()).url
    client.post(form_url, {"new_password1": STRONG, "new_password2": STRONG})
    assert other.get("/profile/").url.startswith("/login/")


def test_password_reset_sends_nothing_for_an_unknown_or_deactivated_email(client, owner, member):
    services.member_deactivate(user=member, acting_user=owner)
    response = client.post("/password-reset/", {"email": member.email})
    assert response.status_code == 302
    client.post("/password-reset/", {"email": "nobody@example.com"})
    assert mail.outbox == []


# Forced change after sign-in --------------------------------------------------------------


def test_forced_change_page_shows_rules_and_refuses_a_weak_password(client, owner, member, strict_composition):
    services.password_change_require(acting_user=owner, user=member)
    sign_in(client, member)
    response = client.get("/password/change-required/")
    assert_rules_shown(response)
    data = {"old_password": DEFAULT_PASSWORD, "new_password1": WEAK, "new_password2": WEAK}
    response = client.post("/password/change-required/", data)
    assert field_errors(response, "new_password1") == WEAK_ERRORS
    member.refresh_from_db()
    assert member.must_change_password is True
    assert member.check_password(DEFAULT_PASSWORD)


# createsuperuser --------------------------------------------------------------------------


def test_createsuperuser_noinput_creates_an_owner(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Robot@Example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", STRONG)
    call_command("createsuperuser", interactive=False, verbosity=0)
    user = User.objects.get()
    assert user.email == "robot@example.com"
    assert user.role == Role.OWNER
    assert user.status == User.Status.ACTIVE
    assert user.check_password(STRONG)
    [event] = Event.objects.filter(action="member.created")
    assert (event.actor_id, event.target_id) == (None, str(user.pk))
    assert event.changes["role"] == [None, Role.OWNER]


def test_createsuperuser_noinput_refuses_a_weak_password_with_a_clear_error(monkeypatch, strict_composition):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "robot@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", WEAK)
    with pytest.raises(CommandError) as caught:
        call_command("createsuperuser", interactive=False, verbosity=0)
    assert str(caught.value) == "; ".join(WEAK_ERRORS)
    assert WEAK not in str(caught.value)
    assert not User.objects.exists()


def test_createsuperuser_refuses_an_email_already_on_the_team(monkeypatch, owner):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", owner.email.upper())
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", STRONG)
    with pytest.raises(CommandError):
        call_command("createsuperuser", interactive=False, verbosity=0)
    assert User.objects.count() == 1


def test_session_stays_registered_under_its_rotated_key_after_a_password_change(client, owner, member):
    from django.conf import settings
    from django.contrib.sessions.models import Session

    from accounts.models import UserSession

    sign_in(client, member)
    client.post(
        "/profile/password/", {"old_password": DEFAULT_PASSWORD, "new_password1": STRONG, "new_password2": STRONG}
    )
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert list(UserSession.objects.filter(user=member).values_list("session_key", flat=True)) == [key]
    # So that deactivation still finds and deletes it.
    services.member_deactivate(user=member, acting_user=owner)
    assert not Session.objects.filter(session_key=key).exists()
