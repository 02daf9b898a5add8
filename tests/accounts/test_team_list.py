"""The team list: search, filters by role and status, sorting, badges, and a page that stays fast."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import selectors, services
from accounts.roles import Role
from tests.conftest import force_sign_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def lock(user, *, minutes_ago: int = 0) -> AccessAttempt:
    """Record as many failed sign-ins for ``user`` as the lockout allows, ``minutes_ago``."""
    attempt = AccessAttempt.objects.create(
        username=user.email,
        ip_address="198.51.100.7",
        user_agent="test",
        failures_since_start=selectors.lockout_failure_limit(),
        get_data="",
        post_data="",
        http_accept="",
        path_info="/login/",
    )
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=timezone.now() - timedelta(minutes=minutes_ago))
    attempt.refresh_from_db()
    return attempt


def enrol(user) -> None:
    TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)


def listed(client, **query) -> list[str]:
    response = client.get("/team/", query)
    assert response.status_code == 200, response.content.decode()[:2000]
    return [member.email for member in response.context["members"]]


@pytest.fixture
def team(owner, admin, auditor, member):
    """A signed-in owner's view of a team with one member in each state."""
    invited, _link = services.member_invite(email="ivy@example.com", role=Role.MEMBER, acting_user=owner)
    gone = make_user(email="gone@example.com", full_name="Gus Gone", is_active=False)
    return {"invited": invited, "gone": gone}


@pytest.fixture
def owner_client(client, owner):
    return force_sign_in(client, owner)


# Search, filters, sorting ---------------------------------------------------------------


def test_search_finds_members_by_part_of_their_name_or_email(owner_client, team):
    assert listed(owner_client, q="mel") == ["member@example.com"]
    assert listed(owner_client, q="AUDITOR@") == ["auditor@example.com"]
    assert listed(owner_client, q="nobody-by-that-name") == []


def test_the_list_is_filtered_by_role(owner_client, team):
    assert listed(owner_client, role=Role.ADMIN) == ["admin@example.com"]
    assert listed(owner_client, role=Role.MEMBER) == ["gone@example.com", "ivy@example.com", "member@example.com"]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("active", ["admin@example.com", "auditor@example.com", "member@example.com", "owner@example.com"]),
        ("invited", ["ivy@example.com"]),
        ("deactivated", ["gone@example.com"]),
    ],
)
def test_the_list_is_filtered_by_status(owner_client, team, status, expected):
    assert listed(owner_client, status=status) == expected


def test_the_locked_filter_shows_members_locked_out_now(owner_client, team, member, auditor):
    lock(member)
    lock(auditor, minutes_ago=24 * 60)  # long past the cool-off
    assert listed(owner_client, status="locked") == ["member@example.com"]


def test_the_must_change_password_filter(owner_client, team, owner, member):
    services.password_change_require(user=member, acting_user=owner)
    assert listed(owner_client, status="must_change_password") == ["member@example.com"]


def test_the_two_step_off_filter_lists_active_members_without_an_authenticator(owner_client, team, admin, auditor):
    enrol(admin)
    enrol(auditor)
    assert listed(owner_client, status="two_step_off") == ["member@example.com", "owner@example.com"]


def test_filters_combine_with_the_search(owner_client, team):
    assert listed(owner_client, q="example.com", role=Role.MEMBER, status="active") == ["member@example.com"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("email", ["admin", "auditor", "gone", "ivy", "member", "owner"]),
        ("-email", ["owner", "member", "ivy", "gone", "auditor", "admin"]),
        # By name, case-insensitively; members without a name come last.
        ("name", ["admin", "auditor", "gone", "member", "owner", "ivy"]),
        ("-name", ["owner", "member", "gone", "auditor", "admin", "ivy"]),
        ("role", ["owner", "admin", "auditor", "gone", "ivy", "member"]),
        ("-role", ["gone", "ivy", "member", "auditor", "admin", "owner"]),
    ],
)
def test_the_list_is_sorted_by_email_name_or_role(owner_client, team, sort, expected):
    assert listed(owner_client, sort=sort) == [f"{name}@example.com" for name in expected]


def test_the_list_is_sorted_by_last_sign_in_with_never_as_the_oldest(owner_client, team, admin, member):
    now = timezone.now()
    type(admin).objects.filter(pk=admin.pk).update(last_login=now - timedelta(days=3))
    type(member).objects.filter(pk=member.pk).update(last_login=now - timedelta(hours=1))
    assert listed(owner_client, sort="-last_sign_in")[:2] == ["member@example.com", "admin@example.com"]
    oldest_first = listed(owner_client, sort="last_sign_in")
    assert oldest_first[-2:] == ["admin@example.com", "member@example.com"]


def test_the_list_is_sorted_by_joining_date_with_invitations_last(owner_client, team, admin, auditor):
    now = timezone.now()
    type(admin).objects.filter(pk=admin.pk).update(joined_at=now - timedelta(days=30))
    type(auditor).objects.filter(pk=auditor.pk).update(joined_at=now - timedelta(days=60))
    assert listed(owner_client, sort="joined")[:2] == ["auditor@example.com", "admin@example.com"]
    assert listed(owner_client, sort="-joined")[-3:] == ["admin@example.com", "auditor@example.com", "ivy@example.com"]


def test_the_form_keeps_the_chosen_filters(owner_client, team):
    html = owner_client.get("/team/", {"q": "mel", "status": "active", "sort": "-name"}).content.decode()
    assert 'value="mel"' in html
    assert '<option value="active" selected>' in html
    assert '<option value="-name" selected>' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"status": "asleep"}, "“asleep” is not one of the choices"),
        ({"role": "king"}, "“king” is not one of the choices"),
        ({"sort": "shoe_size"}, "“shoe_size” is not one of the choices"),
        ({"page": "first"}, "Enter a whole number"),
        ({"q": "x" * 201}, "at most 200 characters"),
    ],
)
def test_a_bad_filter_is_a_clear_400_not_an_error(owner_client, team, query, message):
    response = owner_client.get("/team/", query)
    assert response.status_code == 400
    assert message in response.content.decode()


# Badges -----------------------------------------------------------------------------------


def row_of(html: str, email: str) -> str:
    start = html.index(f"<td>{email}</td>")
    return html[html.rindex("<tr", 0, start) : html.index("</tr>", start)]


def test_each_row_shows_badges_for_lockout_password_change_and_two_step(owner_client, team, admin, member):
    attempt = lock(member, minutes_ago=5)
    type(member).objects.filter(pk=member.pk).update(must_change_password=True)
    enrol(admin)
    response = owner_client.get("/team/")
    html = response.content.decode()
    until = timezone.localtime(attempt.attempt_time + selectors.lockout_cooloff())
    assert f"Locked until {until:%-d %b, %H:%M}" in row_of(html, "member@example.com")
    assert "Must change password" in row_of(html, "member@example.com")
    assert "Two-step off" in row_of(html, "member@example.com")
    assert "Two-step on" in row_of(html, "admin@example.com")
    for quiet in ("Locked", "Must change password", "Two-step off"):
        assert quiet not in row_of(html, "admin@example.com")


def test_a_lock_past_its_cool_off_shows_no_badge(owner_client, team, member):
    lock(member, minutes_ago=24 * 60)
    assert "Locked" not in row_of(owner_client.get("/team/").content.decode(), "member@example.com")


# A page that stays fast --------------------------------------------------------------------


def grow_team(numbers: range) -> None:
    """Add members of every kind: locked, enrolled, invited, deactivated, asked to change password."""
    for number in numbers:
        person = make_user(email=f"extra{number}@example.com", full_name=f"Extra {number}")
        kind = number % 5
        if kind == 0:
            lock(person)
        elif kind == 1:
            enrol(person)
        elif kind == 2:
            type(person).objects.filter(pk=person.pk).update(joined_at=None)
        elif kind == 3:
            type(person).objects.filter(pk=person.pk).update(is_active=False)
        else:
            type(person).objects.filter(pk=person.pk).update(must_change_password=True)


def queries_for(client, query: dict) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/team/", query)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "query",
    [{}, {"status": "locked"}, {"status": "two_step_off", "sort": "-last_sign_in"}, {"q": "extra", "sort": "name"}],
)
def test_the_number_of_queries_does_not_grow_with_the_team(owner_client, query):
    grow_team(range(5))
    few = queries_for(owner_client, query)
    grow_team(range(5, 50))
    many = queries_for(owner_client, query)
    assert many == few


def test_a_large_team_is_shown_a_page_at_a_time_with_the_filters_kept(owner_client, owner):
    for number in range(selectors.TEAM_PAGE_SIZE + 5):
        make_user(email=f"p{number:04d}@example.com")
    first = owner_client.get("/team/", {"q": "p0", "sort": "-email"})
    assert len(first.context["members"]) == selectors.TEAM_PAGE_SIZE
    assert "?q=p0&amp;sort=-email&amp;page=2" in first.content.decode()
    second = owner_client.get("/team/", {"q": "p0", "sort": "-email", "page": 2})
    assert [member.email for member in second.context["members"]] == [f"p{n:04d}@example.com" for n in range(4, -1, -1)]


# The Security page's count of members still without two-step ---------------------------


def test_members_without_two_step_are_counted_like_the_filter_lists_them(team, owner, admin):
    enrol(owner)
    assert selectors.two_factor_off_count() == 3  # admin, auditor, member; not the invited or the deactivated
    enrol(admin)
    assert selectors.two_factor_off_count() == len(selectors.team_list(selectors.TeamFilters(status="two_step_off")))
