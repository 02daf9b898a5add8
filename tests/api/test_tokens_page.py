"""Profile > API tokens: create (shown once), list, revoke with confirmation."""

from __future__ import annotations

import pytest

from accounts import session_state
from api.models import ApiToken
from tests.api.conftest import make_token, token_client
from tests.conftest import force_sign_in

pytestmark = pytest.mark.django_db


def _stale(client):
    session = client.session
    session[session_state.AUTHENTICATED_AT] = 0
    session.save()


def test_the_profile_links_to_the_tokens_page_which_links_to_the_docs(client, auditor):
    force_sign_in(client, auditor)
    assert 'href="/profile/api-tokens/"' in client.get("/profile/").content.decode()
    assert 'href="/api/docs/"' in client.get("/profile/api-tokens/").content.decode()


def test_a_member_sees_no_link_to_tokens(client, member):
    force_sign_in(client, member)
    assert "/profile/api-tokens/" not in client.get("/profile/").content.decode()


def test_a_new_token_is_shown_once_and_never_again(client, admin):
    force_sign_in(client, admin)
    response = client.post("/profile/api-tokens/new/", {"name": "SIEM", "scope": "read", "expires_in_days": "30"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert token_client(secret).get("/api/v1/activity/").status_code == 200
    listing = client.get("/profile/api-tokens/").content.decode()
    assert secret not in listing
    assert secret[:12] in listing


def test_the_list_shows_name_prefix_scope_dates_and_last_use(client, admin):
    secret = make_token(admin, name="Nightly backup", scope="read")
    token_client(secret).get("/api/v1/tokens/", REMOTE_ADDR="198.51.100.7")
    force_sign_in(client, admin)
    page = client.get("/profile/api-tokens/").content.decode()
    for text in ("Nightly backup", secret[:12], "Read", "198.51.100.7", "Expires", "Last used"):
        assert text in page


def test_an_auditor_is_offered_read_tokens_only(client, auditor):
    force_sign_in(client, auditor)
    form = client.get("/profile/api-tokens/").context["form"]
    assert [value for value, _label in form.fields["scope"].choices] == ["read"]
    response = client.post("/profile/api-tokens/new/", {"name": "x", "scope": "read-write", "expires_in_days": "30"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_creating_a_token_asks_a_stale_session_to_authenticate_again(client, admin):
    force_sign_in(client, admin)
    _stale(client)
    response = client.post("/profile/api-tokens/new/", {"name": "x", "scope": "read", "expires_in_days": "30"})
    assert response.status_code == 302
    assert response["Location"].startswith("/reauthenticate/")
    assert not ApiToken.objects.exists()


def test_revoking_asks_first_then_revokes(client, admin):
    secret = make_token(admin)
    token = ApiToken.objects.get()
    force_sign_in(client, admin)
    response = client.post(f"/profile/api-tokens/{token.pk}/revoke/")
    assert response.status_code == 200
    assert "stops working at once" in response.content.decode()
    assert token_client(secret).get("/api/v1/tokens/").status_code == 200
    response = client.post(f"/profile/api-tokens/{token.pk}/revoke/", {"confirmed": "yes"})
    assert response.status_code == 302
    assert token_client(secret).get("/api/v1/tokens/").status_code == 401


def test_revoking_ones_own_token_never_asks_again_but_anothers_does(client, owner, admin):
    make_token(owner, name="mine")
    make_token(admin, name="theirs")
    force_sign_in(client, owner)
    _stale(client)
    mine, theirs = ApiToken.objects.get(name="mine"), ApiToken.objects.get(name="theirs")
    assert client.post(f"/profile/api-tokens/{mine.pk}/revoke/", {"confirmed": "yes"}).status_code == 302
    response = client.post(f"/profile/api-tokens/{theirs.pk}/revoke/", {"confirmed": "yes"})
    assert response["Location"].startswith("/reauthenticate/")
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_an_owner_sees_every_token_and_an_admin_only_their_own(client, owner, admin):
    make_token(owner, name="owner's")
    make_token(admin, name="admin's")
    force_sign_in(client, admin)
    assert [t.name for t in client.get("/profile/api-tokens/").context["tokens"]] == ["admin's"]
    owners = ApiToken.objects.get(name="owner's")
    assert client.post(f"/profile/api-tokens/{owners.pk}/revoke/", {"confirmed": "yes"}).status_code == 404
    client.logout()
    force_sign_in(client, owner)
    assert {t.name for t in client.get("/profile/api-tokens/").context["tokens"]} == {"owner's", "admin's"}


def test_a_member_cannot_open_the_tokens_page(client, member):
    force_sign_in(client, member)
    assert client.get("/profile/api-tokens/").status_code == 403


def test_a_form_sent_again_by_a_refresh_creates_no_second_token(client, admin):
    force_sign_in(client, admin)
    form = client.get("/profile/api-tokens/").context["form"]
    sent = {"name": "SIEM", "scope": "read", "expires_in_days": "30", "submission": form["submission"].value()}
    assert client.post("/profile/api-tokens/new/", sent).status_code == 200

    again = client.post("/profile/api-tokens/new/", sent, follow=True)

    assert ApiToken.objects.count() == 1
    assert again.redirect_chain == [("/profile/api-tokens/", 302)]
    assert "already sent: its token was created and shown once" in again.content.decode()
    assert again.context["secret"] == ""


def test_each_rendering_of_the_form_creates_its_own_token(client, admin):
    force_sign_in(client, admin)
    for name in ("SIEM", "Backups"):
        submission = client.get("/profile/api-tokens/").context["form"]["submission"].value()
        data = {"name": name, "scope": "read", "expires_in_days": "30", "submission": submission}
        assert client.post("/profile/api-tokens/new/", data).status_code == 200
    assert sorted(ApiToken.objects.values_list("name", flat=True)) == ["Backups", "SIEM"]
    page = client.get("/profile/api-tokens/").content.decode()
    assert 'type="hidden" name="submission"' in page
    assert ">Submission<" not in page  # a hidden field has no visible label
