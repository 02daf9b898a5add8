"""Who may open what: one table of page × role → expected response drives one test.

Every URL pattern of the project must be classified: in ``ROLE_TABLE`` (checked
here for every role and for anonymous visitors), in ``PUBLIC`` (open without
signing in), or in ``ELSEWHERE`` (pages of later issues whose role tests live
with them). A new URL that is none of these fails ``test_every_url_is_classified``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.roles import PERMISSIONS, Role
from tests.conftest import sign_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, BAD_REQUEST = 200, 403, 400
OW, A, AU, M = Role.OWNER, Role.ADMIN, Role.AUDITOR, Role.MEMBER


def redirect(to: str) -> str:
    return f"redirect:{to}"


@dataclass(frozen=True)
class Row:
    name: str
    expected: dict[str, int | str]
    method: str = "get"
    target: bool = False  # the URL takes the pk of another team member
    data: dict = field(default_factory=dict)


def staff(ok, member):
    """Owner, admin and auditor get ``ok``; a member gets ``member``."""
    return {OW: ok, A: ok, AU: ok, M: member}


def managers(ok):
    """Owner and admin get ``ok``; auditor and member are refused."""
    return {OW: ok, A: ok, AU: FORBIDDEN, M: FORBIDDEN}


def everyone(result):
    return {OW: result, A: result, AU: result, M: result}


ROLE_TABLE = [
    Row("dashboard", staff(OK, redirect("/profile/"))),
    Row("accounts:team", staff(OK, FORBIDDEN)),
    Row("accounts:member", staff(OK, FORBIDDEN), target=True),
    Row("activity:list", staff(OK, FORBIDDEN)),
    Row("security:index", everyone(redirect("/settings/security/"))),
    Row("security:settings", staff(OK, FORBIDDEN)),
    Row("accounts:profile", everyone(OK)),
    Row("accounts:password_change", everyone(OK)),
    Row("accounts:password_change_required", everyone(redirect("/"))),
    Row("accounts:login", everyone(redirect("/"))),
    Row("accounts:logout", everyone(redirect("/login/")), method="post"),
    Row("accounts:team_invite", managers(BAD_REQUEST), method="post"),
    Row("accounts:team_require_password_change", managers(redirect("/settings/security/")), method="post"),
    Row("accounts:member_role", managers(redirect("/team/{target}/")), method="post", target=True, data={"role": M}),
    Row("accounts:member_deactivate", managers(redirect("/team/{target}/")), method="post", target=True),
    Row("accounts:member_reactivate", managers(redirect("/team/{target}/")), method="post", target=True),
    Row("accounts:member_reinvite", managers(redirect("/team/{target}/")), method="post", target=True),
    Row("accounts:member_require_password_change", managers(redirect("/team/{target}/")), method="post", target=True),
    Row("security:password_policy", managers(BAD_REQUEST), method="post"),
    # Two-step, lockout and sessions (issue 3)
    Row("accounts:two_factor", everyone(OK)),
    Row("accounts:two_factor_enrol", everyone(OK)),
    Row("accounts:sessions", everyone(OK)),
    Row("accounts:reauthenticate", everyone(OK)),
    Row("accounts:login_verify", everyone(redirect("/"))),
    Row("accounts:member_sign_out", managers(redirect("/team/{target}/")), method="post", target=True),
    Row("accounts:member_two_factor_reset", managers(redirect("/team/{target}/")), method="post", target=True),
    Row("accounts:member_unlock", managers(redirect("/team/{target}/")), method="post", target=True),
    Row("security:two_factor", managers(BAD_REQUEST), method="post"),
    Row("security:lockout", managers(redirect("/settings/security/")), method="post"),
    Row("security:sessions", managers(BAD_REQUEST), method="post"),
    # CORS and the delivery token (issue 4), retention (issue 5)
    Row("security:cors", managers(redirect("/settings/security/")), method="post"),
    Row("security:delivery_ttl", managers(BAD_REQUEST), method="post"),
    Row("security:delivery_rotate", managers(redirect("/settings/security/")), method="post"),
    Row("security:delivery_reveal", managers(redirect("/settings/security/")), method="post"),
    Row("security:activity_retention", managers(BAD_REQUEST), method="post"),
]

PUBLIC = {
    "accounts:login",
    "accounts:setup",
    "accounts:invitation_accept",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "api_schema",
}

# Pages delivered by later issues; each issue's tests hold their role checks.
ELSEWHERE = {
    # Issue 3 (two-step, lockout, sessions): tests/two_factor/
    "accounts:two_factor_qr",
    "accounts:two_factor_recovery_codes",
    "accounts:two_factor_disable",
    "accounts:session_revoke",
    "accounts:sessions_revoke_others",
    # Issue 4 (CORS, delivery token, content): tests/security/, tests/content/
    "api_delivery_token",  # JSON API, permission "content.delivery_token": tests/security/test_api.py
    # Issue 5 (activity log): tests/activity/
    "activity:detail",
    "activity:chart",
    "activity:export_csv",
    "activity:export_jsonl",
}
ELSEWHERE_PREFIXES = ("content:", "content_api:", "api_content")


def url_names(resolver=None, namespace: str = "") -> set[str]:
    names = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= url_names(entry, inner)
        elif isinstance(entry, URLPattern):
            names.add(f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed {entry.pattern}>")
    return names


def test_every_url_is_classified():
    classified = {row.name for row in ROLE_TABLE} | PUBLIC | ELSEWHERE
    missing = sorted(name for name in url_names() if name not in classified and not name.startswith(ELSEWHERE_PREFIXES))
    assert missing == [], f"Add these URLs to ROLE_TABLE in tests/test_roles.py (or to PUBLIC/ELSEWHERE): {missing}"


def test_every_row_covers_every_role():
    for row in ROLE_TABLE:
        assert set(row.expected) == set(Role.values), row.name


def url_for(row: Row, target) -> str:
    return reverse(row.name, kwargs={"pk": target.pk} if row.target else None)


def check(response, expected, target) -> None:
    if isinstance(expected, str):
        assert response.status_code == 302, (response.status_code, expected)
        location = expected.removeprefix("redirect:").format(target=target.pk)
        assert response.url.split("?")[0].split("#")[0] == location, response.url
    else:
        assert response.status_code == expected


CASES = [pytest.param(row, role, id=f"{row.name}-{role}") for row in ROLE_TABLE for role in Role.values]


@pytest.mark.parametrize(("row", "role"), CASES)
def test_role_table(client, users_by_role, row, role):
    target = make_user(email="target@example.com", role=Role.MEMBER)
    sign_in(client, users_by_role[role])
    url = url_for(row, target)
    response = getattr(client, row.method)(url, row.data)
    expected = row.expected[role]
    check(response, expected, target)
    if expected == FORBIDDEN:
        assert "You do not have permission" in response.content.decode()


@pytest.mark.parametrize("row", [r for r in ROLE_TABLE if r.name not in PUBLIC], ids=lambda r: r.name)
def test_anonymous_visitors_are_sent_to_login(client, row):
    target = make_user(email="target@example.com", role=Role.MEMBER)
    response = getattr(client, row.method)(url_for(row, target), row.data)
    assert response.status_code == 302
    assert response.url.startswith("/login/?next=")


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/login/", 200),
        ("/password-reset/", 200),
        ("/password-reset/sent/", 200),
        ("/reset/done/", 200),
        ("/reset/MQ/not-a-token/", 200),  # shows "invalid link"
        ("/setup/not-a-token/", 404),
        ("/invite/not-a-token/", 404),
    ],
)
def test_public_pages_open_without_signing_in(client, db, url, status):
    assert client.get(url).status_code == status


FOUNDATION_ENTRIES = {"Dashboard", "Team", "Activity", "Settings", "Profile"}


def test_sidebar_shows_only_entries_the_role_may_open(client, users_by_role):
    expected = {
        OW: ["Dashboard", "Team", "Activity", "Settings", "Profile"],
        A: ["Dashboard", "Team", "Activity", "Settings", "Profile"],
        AU: ["Dashboard", "Team", "Activity", "Settings", "Profile"],
        M: ["Profile"],
    }
    for role, user in users_by_role.items():
        client.logout()
        sign_in(client, user)
        response = client.get("/profile/")
        labels = [item["label"] for item in response.context["navigation"]]
        # Entries of later issues (Content…) are theirs to test.
        assert [label for label in labels if label in FOUNDATION_ENTRIES] == expected[role]


def test_auditor_sees_security_settings_read_only(client, auditor):
    sign_in(client, auditor)
    response = client.get("/settings/security/")
    assert response.context["policy_form"] is None
    assert "Save password policy" not in response.content.decode()
    assert "Require every member to change password" not in response.content.decode()


def test_auditor_sees_the_team_but_cannot_invite(client, auditor):
    sign_in(client, auditor)
    response = client.get("/team/")
    assert response.context["invite_form"] is None


def test_permission_table_matches_the_issue():
    holders = {perm: set(roles) for perm, roles in PERMISSIONS.items()}
    assert holders["team.manage"] == {OW, A}
    assert holders["security.edit"] == {OW, A}
    assert holders["security.view"] == {OW, A, AU}
    assert holders["activity.view"] == {OW, A, AU}
    assert holders["team.view"] == {OW, A, AU}
    assert holders["profile.view"] == {OW, A, AU, M}
    assert holders["content.delivery_token"] == {OW, A, AU, M}
