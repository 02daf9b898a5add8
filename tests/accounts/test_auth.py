"""Sign-in at /login/ and sign-out (POST) at /logout/."""

from __future__ import annotations

import pytest
from django.conf import settings

from accounts.models import UserSession
from tests.conftest import force_sign_in, sign_in
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def session_cookie(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_session_key_is_rotated_at_sign_in(client, member):
    session = client.session  # an anonymous session, as an attacker could plant
    session["planted"] = "value"
    session.save()
    before = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = before

    sign_in(client, member)

    after = session_cookie(client)
    assert after != before
    assert client.get("/profile/").status_code == 200
    client.cookies[settings.SESSION_COOKIE_NAME] = before
    assert client.get("/profile/").status_code == 302


def test_sign_in_registers_the_session(client, member):
    sign_in(client, member)
    [registered] = UserSession.objects.filter(user=member)
    assert registered.session_key == session_cookie(client)
    assert registered.ip_address == "203.0.113.10"


def test_sign_in_with_a_wrong_password_shows_one_generic_error(client, member):
    response = client.post("/login/", {"username": member.email, "password": "Wrong-Password-1"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["That email and password do not match an active account."]
    assert client.get("/profile/").status_code == 302


def test_sign_in_follows_a_safe_next_and_ignores_an_external_one(client, owner):
    response = client.post("/login/?next=/team/", {"username": owner.email, "password": DEFAULT_PASSWORD})
    assert response.url == "/team/"
    client.logout()
    response = client.post(
        "/login/?next=https://evil.example/", {"username": owner.email, "password": DEFAULT_PASSWORD}
    )
    assert response.url == "/"


def test_sign_out_needs_post(client, member):
    force_sign_in(client, member)
    assert client.get("/logout/").status_code == 405
    assert client.get("/profile/").status_code == 200


def test_sign_out_ends_the_session(client, member):
    force_sign_in(client, member)
    key = session_cookie(client)
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response.url == "/login/"
    assert not UserSession.objects.filter(session_key=key).exists()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    assert client.get("/profile/").status_code == 302


def test_anonymous_visitor_is_sent_to_login_with_next(client):
    response = client.get("/team/")
    assert response.status_code == 302
    assert response.url == "/login/?next=/team/"


@pytest.mark.parametrize("length", [255, 1_000_000])
def test_an_overlong_email_at_sign_in_gets_the_forms_error_not_a_500(client, length):
    email = "a" * (length - len("@example.com")) + "@example.com"
    response = client.post("/login/", {"username": email, "password": "whatever-it-is"})
    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()


# "0" and "team" are no URL: redirect() would look them up as view names (a 500). A newline cannot
# go into a Location header (a 500 as well).
NOT_A_PAGE = ["0", "team", "dashboard", "/team/\r\nSet-Cookie: a=b"]


@pytest.mark.parametrize("next_url", NOT_A_PAGE)
def test_sign_in_ignores_a_next_that_is_no_page_of_the_panel(client, owner, next_url):
    response = client.post("/login/", {"username": owner.email, "password": DEFAULT_PASSWORD, "next": next_url})
    assert response.status_code == 302
    assert response.url == "/"


def test_a_signed_in_member_sent_to_the_sign_in_page_goes_on_to_the_dashboard(client, owner):
    force_sign_in(client, owner)
    response = client.get("/login/", {"next": "/login/"})
    assert response.status_code == 302
    assert response.url == "/"
