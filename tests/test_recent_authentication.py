"""Every state-changing URL asks for a recent authentication, unless it is on the short list below.

The test is behavioural: an owner whose last authentication is older than the
window sends POST, PUT, PATCH and DELETE to every URL pattern of the project.
Each answer must be 405 (the URL does not take that method) or a redirect to
the re-authentication page. A new URL that changes something without asking
fails here until it declares a permission that needs a recent authentication
(accounts.roles.PERMISSIONS) or is added to EXEMPT with the reason.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import session_state
from accounts.models import UserSession
from accounts.roles import PERMISSIONS, Role
from content.models import Entry
from tests.conftest import force_sign_in
from tests.factories import make_user
from tests.test_roles import url_names

pytestmark = pytest.mark.django_db

EXEMPT = {
    # Signing in and out, and the steps of signing in: they are how one authenticates.
    "accounts:login": "signing in",
    "accounts:login_verify": "the second step of signing in",
    "accounts:logout": "signing out only removes access",
    "accounts:reauthenticate": "the re-authentication form itself",
    # Links sent by email or printed once: the link's single-use token is the proof.
    "accounts:setup": "the one-time first-run link (no session exists yet)",
    "accounts:invitation_accept": "an invitation link",
    "accounts:password_reset": "asking for a reset link by email",
    "accounts:password_reset_confirm": "a password-reset link",
    # Ending one's own other sessions is a sign-out: it removes access, never grants it.
    "accounts:session_revoke": "signing one's own other session out",
    "accounts:sessions_revoke_others": "signing one's own other sessions out",
    # One's own display name: it grants, removes and proves nothing (renaming others needs team.manage).
    "accounts:profile_name": "one's own display name",
    # Writing content is not access or security; deleting it asks (content.delete).
    "content:list": "creating a content entry",
    "content:edit": "editing a content entry",
    # Verifying the activity log reads it and records that it was checked: it grants and changes nothing else.
    "activity:verify": "verifying the activity log's integrity",
    # Revoking one's own API token only removes access; another member's token asks first (tests/api/).
    "api:token_revoke": "revoking one's own API token",
    # The admin API refuses sessions (401): a token proved a recent authentication when it was created.
    **{name: "the token-authenticated admin API" for name in url_names() if name.startswith("api_v1:")},
}
METHODS = ("post", "put", "patch", "delete")


@pytest.fixture
def stale_owner_client(client):
    owner = make_user(email="owner@example.com", role=Role.OWNER)
    force_sign_in(client, owner)
    session = client.session
    session[session_state.AUTHENTICATED_AT] = 0  # proved who they were long ago
    session.save()
    return client, owner


def _url(name: str, owner) -> str:
    target = make_user(email=f"target-{name.replace(':', '-')}@example.com")
    kwargs = {
        "accounts:member": {"pk": target.pk},
        "accounts:setup": {"token": "x"},
        "accounts:invitation_accept": {"token": "x"},
        "accounts:password_reset_confirm": {"uidb64": "x", "token": "x"},
        "accounts:session_revoke": {"pk": UserSession.objects.create(user=owner, session_key=f"other-{target.pk}").pk},
        "activity:detail": {"sequence": 1},
    }
    if name == "accounts:member_session_revoke":
        session = UserSession.objects.create(user=target, session_key=f"target-{target.pk}")
        return reverse(name, kwargs={"pk": target.pk, "session_pk": session.pk})
    if name.startswith("accounts:member_"):
        return reverse(name, kwargs={"pk": target.pk})
    if name.startswith("content:") and name != "content:list":
        entry = Entry.objects.create(title="Entry", slug=f"entry-{target.pk}", visibility="public")
        return reverse(name, kwargs={"pk": entry.pk})
    if name.startswith("content_api:entry_detail"):
        return reverse(name, kwargs={"slug": "x"})
    return reverse(name, kwargs=kwargs.get(name))


CHANGING = sorted(name for name in url_names() if name not in EXEMPT)


@pytest.mark.parametrize("name", CHANGING)
def test_a_url_that_changes_something_asks_for_a_recent_authentication(stale_owner_client, name):
    client, owner = stale_owner_client
    url = _url(name, owner)
    for method in METHODS:
        response = getattr(client, method)(url)
        if response.status_code == 405:
            continue
        assert response.status_code == 302, (method, url, response.status_code)
        assert response["Location"].startswith("/reauthenticate/"), (method, url, response["Location"])


def test_every_exemption_names_a_url_that_exists():
    assert set(EXEMPT) <= url_names()


def test_the_permissions_that_change_access_security_or_factors_ask_for_a_recent_authentication():
    asking = {name for name, permission in PERMISSIONS.items() if permission.recent_authentication}
    assert asking == {
        "team.manage",
        "team.dormancy_exempt",
        "activity.sign_off",
        "security.edit",
        "security.reveal_secret",
        "content.delete",
        "profile.authentication",
        "api_tokens.create",
        "api_tokens.read_write",
        "api_tokens.manage_all",
    }
