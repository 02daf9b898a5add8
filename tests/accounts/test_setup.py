"""First run: the one-time setup link that creates the first Owner."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from accounts import services
from accounts.models import SetupToken, User
from accounts.roles import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "Orchid-Lantern-Pass-1"


def setup_link_output() -> str:
    out = io.StringIO()
    call_command("setup_link", stdout=out)
    return out.getvalue()


def link_path(output: str) -> str:
    match = re.search(r"https?://[^/\s]+(/setup/[A-Za-z0-9_-]{20,}/)", output)
    assert match, output
    return match.group(1)


def post_setup(client, path: str, password: str = PASSWORD, email: str = "First@Example.com"):
    return client.post(
        path, {"full_name": "Fiona First", "email": email, "new_password1": password, "new_password2": password}
    )


def test_setup_link_command_prints_a_link_while_no_user_exists():
    output = setup_link_output()
    assert "No user exists yet" in output
    assert link_path(output)


def test_setup_link_creates_the_first_owner(client):
    path = link_path(setup_link_output())
    response = client.get(path)
    assert response.status_code == 200
    assert response.context["title"] == "Set up the panel"

    response = post_setup(client, path)
    assert response.status_code == 302
    assert response.url == "/login/"
    user = User.objects.get()
    assert (user.email, user.full_name, user.role, user.status) == (
        "first@example.com",
        "Fiona First",
        Role.OWNER,
        User.Status.ACTIVE,
    )
    assert client.post("/login/", {"username": "first@example.com", "password": PASSWORD}).status_code == 302


def test_setup_page_is_404_without_the_token(client):
    setup_link_output()
    assert client.get("/setup/not-the-token/").status_code == 404
    assert post_setup(client, "/setup/not-the-token/").status_code == 404
    assert not User.objects.exists()


def test_setup_page_is_404_before_any_link_was_issued(client):
    assert client.get("/setup/anything-at-all-here/").status_code == 404


def test_setup_link_works_once(client):
    path = link_path(setup_link_output())
    assert post_setup(client, path).status_code == 302
    assert client.get(path).status_code == 404
    assert post_setup(client, path, email="second@example.com").status_code == 404
    assert User.objects.count() == 1
    assert not SetupToken.objects.exists()


def test_setup_page_is_404_once_a_user_exists(client):
    path = link_path(setup_link_output())
    make_user(email="automation@example.com", role=Role.OWNER)
    assert client.get(path).status_code == 404
    assert post_setup(client, path, email="other@example.com").status_code == 404
    assert User.objects.count() == 1


def test_setup_link_command_prints_no_link_once_a_user_exists(owner):
    output = setup_link_output()
    assert "/setup/" not in output
    assert "already has users" in output
    assert not SetupToken.objects.exists()


def test_a_newly_printed_link_replaces_the_earlier_one(client):
    first = link_path(setup_link_output())
    second = link_path(setup_link_output())
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_setup_token_is_stored_only_as_a_hash():
    token = services.setup_token_issue()
    stored = SetupToken.objects.get()
    assert token not in stored.token_hash


def test_setup_applies_the_password_policy(client):
    path = link_path(setup_link_output())
    response = post_setup(client, path, password="short")
    assert response.status_code == 200
    assert (
        "Minimum length: the password must contain at least 8 characters."
        in (response.context["form"].errors["new_password1"])
    )
    assert not User.objects.exists()
    assert client.get(path).status_code == 200
