"""Actions that cannot be undone ask first, on a page that names their consequences (no JavaScript needed)."""

from __future__ import annotations

import pytest

from accounts.models import User
from accounts.roles import Role
from activity.models import Event
from tests.conftest import force_sign_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client):
    owner = make_user(email="olivia@example.com", role=Role.OWNER)
    force_sign_in(client, owner)
    return client, owner


@pytest.mark.parametrize(
    ("path", "consequence"),
    [
        ("deactivate/", "signed out everywhere at once"),
        ("sign-out/", "signed out of every session"),
        ("two-step/reset/", "set up two-step authentication again"),
        ("require-password-change/", "choose a new password at their next sign-in"),
    ],
)
def test_a_member_action_that_cannot_be_undone_asks_first(owner_client, path, consequence):
    client, _owner = owner_client
    member = make_user(email="mia@example.com")
    events_before = Event.objects.count()
    asked = client.post(f"/team/{member.pk}/{path}")
    assert asked.status_code == 200
    text = asked.content.decode()
    assert consequence in text
    assert "mia@example.com" in text
    assert 'name="confirmed" value="yes"' in text
    assert Event.objects.count() == events_before
    done = client.post(f"/team/{member.pk}/{path}", {"confirmed": "yes"})
    assert done["Location"] == f"/team/{member.pk}/"
    assert Event.objects.count() == events_before + 1


def test_deactivation_happens_only_after_confirming(owner_client):
    client, _owner = owner_client
    member = make_user(email="mia@example.com")
    client.post(f"/team/{member.pk}/deactivate/")
    member.refresh_from_db()
    assert member.is_active
    client.post(f"/team/{member.pk}/deactivate/", {"confirmed": "yes"})
    member.refresh_from_db()
    assert not member.is_active


def test_requiring_every_member_to_change_password_asks_first_and_leaves_out_the_requester(owner_client):
    client, owner = owner_client
    make_user(email="mia@example.com")
    make_user(email="max@example.com")
    asked = client.post("/team/require-password-change/")
    assert asked.status_code == 200
    assert "2 members" in asked.content.decode()
    assert "not you" in asked.content.decode()
    client.post("/team/require-password-change/", {"confirmed": "yes"})
    assert set(User.objects.filter(must_change_password=True).values_list("email", flat=True)) == {
        "mia@example.com",
        "max@example.com",
    }
