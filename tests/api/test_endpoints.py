"""What the /api/v1/ endpoints answer: problem documents, the rate limit, and each endpoint's behaviour."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from accounts.models import PasswordPolicy
from accounts.roles import Role
from activity.models import Event
from activity.sealing import seal_pending
from activity.services import event_record
from api.models import ApiToken
from security.models import CorsSettings
from tests.api.conftest import make_token, token_client
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    return body


# Problem documents ---------------------------------------------------------------------------


def test_a_refused_field_is_a_400_problem_naming_the_field(api):
    body = _problem(
        api.patch("/api/v1/settings/security/", {"lockout": {"lockout_failure_limit": 2}}, format="json"), 400
    )
    assert body["errors"] == {"lockout.lockout_failure_limit": ["Ensure this value is greater than or equal to 3."]}


def test_a_request_without_a_token_is_a_401_problem(db):
    from rest_framework.test import APIClient

    body = _problem(APIClient().get("/api/v1/activity/"), 401)
    assert body["code"] == "not_authenticated"


def test_a_role_refusal_is_a_403_problem(member_token_client):
    body = _problem(member_token_client.get("/api/v1/activity/"), 403)
    assert "activity.view" in body["detail"]


@pytest.fixture
def member_token_client(owner, member):
    # A member cannot create tokens; one made while they were an admin acts with their current role.
    member.role = Role.ADMIN
    member.save()
    secret = make_token(member)
    member.role = Role.MEMBER
    member.save()
    return token_client(secret)


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/team/members/999999/"),
        ("patch", "/api/v1/team/members/999999/"),
        ("post", "/api/v1/team/members/999999/unlock"),
        ("post", "/api/v1/team/members/99999999999999999999999/reset-two-factor"),
        ("delete", "/api/v1/tokens/999999/"),
        ("delete", "/api/v1/tokens/99999999999999999999999/"),
    ],
)
def test_an_unknown_id_is_a_404_problem(api, method, url):
    _problem(getattr(api, method)(url, {}, format="json"), 404)


def test_a_body_that_is_not_json_is_a_400_problem(api):
    _problem(api.generic("PATCH", "/api/v1/settings/security/", "{not json", content_type="application/json"), 400)


@pytest.mark.usefixtures("clock_held")
def test_past_the_rate_limit_a_token_gets_429_with_retry_after_and_other_tokens_go_on(owner, settings):
    settings.API_TOKEN_RATE_LIMIT = "3/minute"
    busy, calm = token_client(make_token(owner)), token_client(make_token(owner))
    assert [busy.get("/api/v1/tokens/").status_code for _ in range(3)] == [200, 200, 200]
    body = _problem(response := busy.get("/api/v1/tokens/"), 429)
    assert 1 <= int(response["Retry-After"]) <= 60
    assert body["code"] == "throttled"
    assert calm.get("/api/v1/tokens/").status_code == 200


@pytest.mark.usefixtures("clock_held")
def test_refused_requests_count_against_the_rate_limit_too(member_token_client, settings):
    settings.API_TOKEN_RATE_LIMIT = "2/minute"
    statuses = [member_token_client.get("/api/v1/activity/").status_code for _ in range(3)]
    assert statuses == [403, 403, 429]


# Activity ------------------------------------------------------------------------------------


def _events(count: int, **fields) -> list[Event]:
    events = [event_record(action="activity.seeded", target_label=f"event {n}", **fields) for n in range(count)]
    seal_pending()  # as the commits would (the test's transaction never commits)
    return events


def test_activity_pages_newest_first_with_the_uis_filters(api, owner):
    _events(3)
    event_record(action="member.invited", actor=owner, target=owner)
    response = api.get("/api/v1/activity/", {"action": "activity.seeded", "limit": 2})
    assert response.status_code == 200
    first = response.json()
    assert [row["target_label"] for row in first["results"]] == ["event 2", "event 1"]
    second = api.get(first["next"]).json()
    assert [row["target_label"] for row in second["results"]] == ["event 0"]
    assert second["next"] is None


def test_activity_filters_are_checked_like_the_pages(api):
    body = _problem(api.get("/api/v1/activity/", {"date_from": "2025-02-30", "actor": "not an email"}), 400)
    assert set(body["errors"]) == {"date_from", "actor"}


def test_a_collector_asking_after_a_sequence_gets_every_event_once_in_order(api):
    events = _events(5)
    seen, url = [], "/api/v1/activity/?after=0&limit=2&action=activity.seeded"
    for _ in range(4):
        page = api.get(url).json()
        seen += [row["sequence"] for row in page["results"]]
        url = page["next"]
    assert seen == [event.sequence for event in events]
    event = _events(1)[0]
    assert [row["sequence"] for row in api.get(url).json()["results"]] == [event.sequence]


def test_a_collector_never_gets_an_event_before_a_lower_id_is_settled(api):
    before = _events(1)[0]
    # An id drawn by a transaction still open: the seal lists it as pending.
    pending = Event.objects.order_by("-sequence").first().sequence + 1
    Event.objects.create(
        sequence=pending + 1, created_at=before.created_at, action="activity.seeded", target_label="later"
    )
    seal_pending()
    page = api.get("/api/v1/activity/", {"after": before.sequence}).json()
    assert page["results"] == []
    assert page["next"].endswith(f"after={before.sequence}")


def test_activity_exports_stream_csv_and_json_lines_with_the_pages_columns(api, owner):
    event_record(action="member.invited", actor=owner, target=owner)
    response = api.get("/api/v1/activity/export", {"format": "csv", "action": "member.invited"})
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["action"] for row in rows] == ["member.invited"]
    lines = b"".join(api.get("/api/v1/activity/export", {"format": "jsonl"}).streaming_content).decode()
    assert "member.invited" in {json.loads(line)["action"] for line in lines.splitlines()}
    assert _problem(api.get("/api/v1/activity/export", {"format": "xml"}), 400)["errors"]["format"]


def test_verify_reports_the_chain_status(api):
    _events(2)
    body = api.get("/api/v1/activity/verify").json()
    assert body["ok"] is True
    assert body["newest_seal"] >= 1
    assert not Event.objects.filter(action="activity.verified").exists()


# Settings ------------------------------------------------------------------------------------


def test_settings_show_every_section_and_no_secret(api):
    body = api.get("/api/v1/settings/security/").json()
    assert set(body) == {
        "password_policy",
        "two_factor",
        "lockout",
        "sessions",
        "cors",
        "delivery_token",
        "activity_retention",
    }
    assert set(body["password_policy"]) == set(PasswordPolicy.EDITABLE_FIELDS)
    assert "secret" not in json.dumps(body)


def test_settings_follow_the_pages_rules_and_save_nothing_when_any_section_is_refused(api):
    change = {
        "cors": {"enabled": True, "allowed_origins": ["https://ok.example"]},
        "sessions": {"session_absolute_minutes": 10, "session_idle_minutes": 60},
    }
    body = _problem(api.patch("/api/v1/settings/security/", change, format="json"), 400)
    assert "shorter than the inactivity timeout" in body["errors"]["sessions.session_absolute_minutes"][0]
    assert CorsSettings.objects.filter(enabled=True).count() == 0


def test_cors_origins_are_checked_by_the_same_service(api):
    change = {"cors": {"allowed_origins": ["https://ok.example", "*"]}}
    body = _problem(api.patch("/api/v1/settings/security/", change, format="json"), 400)
    assert list(body["errors"]) == ["cors.allowed_origins"]


def test_settings_changes_apply_and_are_shown(api):
    change = {"password_policy": {"min_length": 12}, "activity_retention": {"keep_days": 365}}
    body = api.patch("/api/v1/settings/security/", change, format="json").json()
    assert body["password_policy"]["min_length"] == 12
    assert body["activity_retention"] == {"keep_days": 365}
    assert {e.action for e in Event.objects.all()} >= {
        "settings.password_policy.updated",
        "settings.activity_retention.updated",
    }


def test_an_unknown_section_is_refused(api):
    body = _problem(api.patch("/api/v1/settings/security/", {"firewall": {"on": True}}, format="json"), 400)
    assert body["errors"] == {"firewall": ["No such section."]}


def test_rotating_the_delivery_key_returns_its_id_not_its_secret(api):
    body = api.post("/api/v1/settings/security/delivery-token/rotate", {}, format="json").json()
    assert set(body) == {"key_id", "grace_period"}
    assert api.get("/api/v1/settings/security/").json()["delivery_token"]["key_id"] == body["key_id"]


# Team ----------------------------------------------------------------------------------------


def test_members_are_listed_with_the_team_pages_filters(api, users_by_role):
    body = api.get("/api/v1/team/members/", {"role": "auditor"}).json()
    assert [member["email"] for member in body] == ["auditor@example.com"]
    assert _problem(api.get("/api/v1/team/members/", {"sort": "password"}), 400)["errors"]["sort"]


def test_an_admin_token_cannot_do_what_an_admin_cannot(admin, owner):
    client = token_client(make_token(admin))
    response = client.patch(f"/api/v1/team/members/{owner.pk}/", {"role": Role.MEMBER}, format="json")
    _problem(response, 403)
    response = client.post("/api/v1/team/members/", {"email": "boss@example.com", "role": "owner"}, format="json")
    _problem(response, 403)


def test_the_last_owner_cannot_be_demoted_through_the_api_either(api, owner):
    body = _problem(api.patch(f"/api/v1/team/members/{owner.pk}/", {"role": Role.ADMIN}, format="json"), 400)
    assert "last active owner" in body["detail"]


def test_deactivating_through_the_api_ends_the_members_tokens(api, owner, admin):
    theirs = token_client(make_token(admin))
    assert (
        api.patch(f"/api/v1/team/members/{admin.pk}/", {"is_active": False}, format="json").json()["is_active"] is False
    )
    assert theirs.get("/api/v1/tokens/").status_code == 401


# Tokens --------------------------------------------------------------------------------------


def test_a_member_lists_their_own_tokens_and_an_owner_every_token(owner, admin):
    make_token(owner, name="owner's")
    admin_client = token_client(make_token(admin, name="admin's"))
    assert [t["name"] for t in admin_client.get("/api/v1/tokens/").json()] == ["admin's"]
    owner_client = token_client(make_token(owner, name="owner's second"))
    assert {t["name"] for t in owner_client.get("/api/v1/tokens/").json()} == {"owner's", "admin's", "owner's second"}


def test_an_owner_revokes_anyones_token_and_others_cannot_see_it(owner, admin):
    make_token(owner, name="owner's")
    theirs = make_token(admin, name="admin's")
    owner_client, admin_client = token_client(make_token(owner)), token_client(theirs)
    owners_token = ApiToken.objects.get(name="owner's")
    _problem(admin_client.delete(reverse("api_v1:token", args=[owners_token.pk])), 404)
    admins_token = ApiToken.objects.get(name="admin's")
    assert owner_client.delete(reverse("api_v1:token", args=[admins_token.pk])).status_code == 204
    assert admin_client.get("/api/v1/tokens/").status_code == 401


def test_a_token_may_revoke_itself(owner):
    client = token_client(make_token(owner))
    token = ApiToken.objects.get()
    assert client.delete(f"/api/v1/tokens/{token.pk}/").status_code == 204
    assert client.get("/api/v1/tokens/").status_code == 401


def test_members_of_every_role_appear_with_their_state(api):
    invited = make_user(email="invited@example.com", joined_at=None)
    rows = {row["email"]: row for row in api.get("/api/v1/team/members/").json()}
    assert rows[invited.email]["status"] == "invited"


@pytest.mark.parametrize("email", ["0", "\u0084", "no-at-sign.example", "a@b@example.com"])
def test_an_invitation_to_something_that_is_no_email_address_is_refused_by_the_service(api, email):
    # The web form checked it, the service did not: schemathesis invited "0" through the API.
    body = _problem(api.post("/api/v1/team/members/", {"email": email, "role": "member"}, format="json"), 400)
    assert body["errors"] == {"email": ["Enter a valid email address."]}


def test_an_invitation_takes_the_address_as_typed_and_stores_its_canonical_form(api):
    # The schema documents an email; the service, not a stricter serializer, decides what is one (fullwidth
    # letters are, once NFKC-normalised, as on the Team page).
    response = api.post(
        "/api/v1/team/members/", {"email": " \uff2e\uff25\uff37@Example.com ", "role": "member"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["email"] == "new@example.com"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tokens/abc/",
        "/api/v1/team/members/null,null/",
        "/api/v1/nothing",
        "/api/v1/",
    ],
)
def test_a_path_that_names_no_endpoint_is_a_404_problem(api, path):
    assert _problem(api.delete(path), 404)["code"] == "not_found"


def test_a_path_with_a_line_break_is_the_apis_404_problem_in_debug_too(api, settings):
    # Schemathesis sent %0A in a path; in debug Django's own HTML 404 answered where no pattern matched.
    settings.DEBUG = True
    response = api.delete("/api/v1/tokens/%C2%A7AO%5B%F2%9D%8F%9B%0AA%C2%B5%3C%C2%9D/")
    assert _problem(response, 404)["code"] == "not_found"


def test_a_path_that_names_no_endpoint_asks_for_a_token_first(db):
    from rest_framework.test import APIClient

    _problem(APIClient().get("/api/v1/nothing"), 401)
