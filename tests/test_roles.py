"""Who may open what: one table of page × role → expected response drives one test.

Every URL pattern of the project must be classified: in ``ROLE_TABLE`` (checked
here for every role and for anonymous visitors), in ``PUBLIC`` (open without
signing in), or in ``ELSEWHERE`` (pages whose role tests live with their app). A
new URL that is none of these fails ``test_every_url_is_classified``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import UserSession
from accounts.roles import Role
from activity.services import event_record
from tests.conftest import force_sign_in
from tests.factories import make_user

OW, A, AU, M = Role.OWNER, Role.ADMIN, Role.AUDITOR, Role.MEMBER


@dataclass(frozen=True)
class Status:
    code: int

    def check(self, response, world) -> None:
        assert response.status_code == self.code


@dataclass(frozen=True)
class Refused:
    def check(self, response, world) -> None:
        assert response.status_code == 403
        assert "You do not have permission" in response.content.decode()


@dataclass(frozen=True)
class Redirect:
    to: str  # may name {target}, the pk of the other team member

    def check(self, response, world) -> None:
        assert response.status_code == 302, (response.status_code, self.to)
        assert response.url.split("?")[0].split("#")[0] == self.to.format(target=world.target.pk), response.url


OK, BAD_REQUEST, FORBIDDEN = Status(200), Status(400), Refused()


def redirect(to: str) -> Redirect:
    return Redirect(to)


# What a URL's path argument refers to: another team member, or an activity event.
PATH_ARGS = {
    None: lambda world: None,
    "target": lambda world: {"pk": world.target.pk},
    "target_session": lambda world: {"pk": world.target.pk, "session_pk": world.target_session.pk},
    "event": lambda world: {"sequence": world.event.sequence},
}


@dataclass(frozen=True)
class Row:
    name: str
    expected: dict[str, Status | Refused | Redirect]
    method: str = "get"
    path_arg: str | None = None  # a key of PATH_ARGS
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
    Row("accounts:member", staff(OK, FORBIDDEN), path_arg="target"),
    Row("activity:list", staff(OK, FORBIDDEN)),
    Row("activity:detail", staff(OK, FORBIDDEN), path_arg="event"),
    Row("activity:chart", staff(OK, FORBIDDEN)),
    Row("activity:export_csv", staff(OK, FORBIDDEN)),
    Row("activity:export_jsonl", staff(OK, FORBIDDEN)),
    Row("activity:verify", staff(redirect("/activity/"), FORBIDDEN), method="post"),
    # Security checkup (issue 15): the page, the review sign-off, dormant accounts
    Row("checkup:checkup", staff(OK, FORBIDDEN)),
    # Nothing is sealed in this world, so the sign-off is refused with a message on the page it returns to.
    Row(
        "activity_review_sign_off",
        {OW: redirect("/activity/"), A: FORBIDDEN, AU: redirect("/activity/"), M: FORBIDDEN},
        "post",
    ),
    Row(
        "security:dormancy",
        managers(redirect("/settings/security/dormant-accounts/")),
        "post",
        data={"dormancy_days": ""},
    ),
    Row(
        "accounts:member_dormancy_exempt",
        {OW: redirect("/team/{target}/"), A: FORBIDDEN, AU: FORBIDDEN, M: FORBIDDEN},
        "post",
        "target",
        data={"exempt": "on"},
    ),
    Row("content:list", managers(OK)),
    Row("security:index", everyone(redirect("/settings/security/"))),
    Row("security:settings", staff(OK, FORBIDDEN)),
    Row("accounts:profile", everyone(OK)),
    Row("accounts:password_change", everyone(OK)),
    Row("accounts:password_change_required", everyone(redirect("/"))),
    Row("accounts:login", everyone(redirect("/"))),
    Row("accounts:logout", everyone(redirect("/login/")), method="post"),
    Row("accounts:team_invite", managers(BAD_REQUEST), method="post"),
    Row("accounts:team_require_password_change", managers(OK), method="post"),  # asks first
    Row("accounts:member_role", managers(redirect("/team/{target}/")), "post", "target", data={"role": M}),
    Row("accounts:member_deactivate", managers(OK), method="post", path_arg="target"),  # asks first
    Row("accounts:member_reactivate", managers(redirect("/team/{target}/")), method="post", path_arg="target"),
    Row("accounts:member_reinvite", managers(redirect("/team/{target}/")), method="post", path_arg="target"),
    Row("accounts:member_require_password_change", managers(OK), "post", "target"),  # asks first
    # Issue 12: names, revoking an invitation, a member's sessions
    Row("accounts:profile_name", everyone(redirect("/profile/")), method="post", data={"full_name": "New Name"}),
    Row("accounts:member_rename", managers(redirect("/team/{target}/")), "post", "target", data={"full_name": "T"}),
    Row("accounts:member_revoke_invitation", managers(OK), method="post", path_arg="target"),  # asks first
    Row("accounts:member_session_revoke", managers(redirect("/team/{target}/")), "post", "target_session"),
    Row("security:password_policy", managers(BAD_REQUEST), method="post"),
    # Two-step, lockout and sessions (issue 3)
    Row("accounts:two_factor", everyone(OK)),
    Row("accounts:two_factor_enrol", everyone(OK)),
    Row("accounts:sessions", everyone(OK)),
    Row("accounts:reauthenticate", everyone(OK)),
    Row("accounts:login_verify", everyone(redirect("/"))),
    Row("accounts:member_sign_out", managers(OK), method="post", path_arg="target"),  # asks first
    Row("accounts:member_two_factor_reset", managers(OK), method="post", path_arg="target"),  # asks first
    Row("accounts:member_unlock", managers(redirect("/team/{target}/")), method="post", path_arg="target"),
    Row("security:two_factor", managers(BAD_REQUEST), method="post"),
    Row("security:lockout", managers(redirect("/settings/security/lockout/")), method="post"),
    Row("security:sessions", managers(BAD_REQUEST), method="post"),
    # CORS and the delivery token (issue 4), retention (issue 5)
    Row("security:cors", managers(redirect("/settings/security/cors/")), method="post"),
    Row("security:delivery_ttl", managers(BAD_REQUEST), method="post"),
    Row("security:delivery_rotate", managers(redirect("/settings/security/delivery/rotate/")), method="post"),
    Row("security:delivery_reveal", managers(redirect("/settings/security/delivery/reveal/")), method="post"),
    Row("security:activity_retention", managers(BAD_REQUEST), method="post"),
    # API tokens and the API's docs (issue 13); the token-authenticated API has its own table (tests/api/)
    Row("api:tokens", staff(OK, FORBIDDEN)),
    Row("api:token_create", staff(BAD_REQUEST, FORBIDDEN), method="post"),
    Row("api_docs", everyone(OK)),
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
    # Load-balancer probes (tests/test_health.py)
    "healthz",
    "readyz",
    # Where to report a vulnerability (tests/production/test_security_txt.py)
    "security_txt",
}

# Pages whose role checks need a state of their own; their app's tests hold them.
ELSEWHERE = {
    # Two-step, sessions: tests/two_factor/
    "accounts:two_factor_qr",
    "accounts:two_factor_recovery_codes",
    "accounts:two_factor_disable",
    "accounts:session_revoke",
    "accounts:sessions_revoke_others",
    # JSON API, permission "content.delivery_token": tests/security/test_api.py
    "api_delivery_token",
    # Revoking a token needs a token: tests/api/test_tokens_page.py
    "api:token_revoke",
}
# The admin API authenticates by token only: tests/api/test_role_table.py (every endpoint × role × scope).
ELSEWHERE_PREFIXES = ("content:edit", "content:delete", "content_api:", "api_content", "api_v1:")


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


@pytest.fixture
def world(db):
    """What the table's URLs point at: another team member, one of their sessions and an activity event."""
    target = make_user(email="target@example.com", role=Role.MEMBER)
    target_session = UserSession.objects.create(user=target, session_key="target-session")
    event = event_record(action="member.created", target=target, changes={"role": [None, Role.MEMBER]})
    return SimpleNamespace(target=target, target_session=target_session, event=event)


def url_for(row: Row, world) -> str:
    return reverse(row.name, kwargs=PATH_ARGS[row.path_arg](world))


CASES = [pytest.param(row, role, id=f"{row.name}-{role}") for row in ROLE_TABLE for role in Role.values]


@pytest.mark.parametrize(("row", "role"), CASES)
def test_role_table(client, world, row, role):
    force_sign_in(client, make_user(email=f"{role}@example.com", role=role))
    response = getattr(client, row.method)(url_for(row, world), row.data)
    row.expected[role].check(response, world)


@pytest.mark.parametrize("row", [r for r in ROLE_TABLE if r.name not in PUBLIC], ids=lambda r: r.name)
def test_anonymous_visitors_are_sent_to_login(client, world, row):
    response = getattr(client, row.method)(url_for(row, world), row.data)
    # Only a page that can be opened again goes into next: never a POST-only URL.
    expected = "/login/?next=" if row.method == "get" else "/login/"
    assert response.status_code == 302
    assert response.url.startswith(expected)


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


@pytest.mark.parametrize(
    ("role", "entries"),
    [
        (OW, ["Dashboard", "Team", "Activity", "Security checkup", "Content", "Settings", "Profile"]),
        (A, ["Dashboard", "Team", "Activity", "Security checkup", "Content", "Settings", "Profile"]),
        (AU, ["Dashboard", "Team", "Activity", "Security checkup", "Settings", "Profile"]),
        (M, ["Profile"]),
    ],
)
def test_sidebar_shows_only_entries_the_role_may_open(client, db, role, entries):
    force_sign_in(client, make_user(role=role))
    response = client.get("/profile/")
    assert [item["label"] for item in response.context["navigation"]] == entries


def test_auditor_sees_security_settings_read_only(client, auditor):
    force_sign_in(client, auditor)
    response = client.get("/settings/security/")
    assert response.context["policy_form"] is None
    assert "Save password policy" not in response.content.decode()
    assert "Require every member to change password" not in response.content.decode()


def test_auditor_sees_the_team_but_cannot_invite(client, auditor):
    force_sign_in(client, auditor)
    response = client.get("/team/")
    assert response.context["invite_form"] is None
