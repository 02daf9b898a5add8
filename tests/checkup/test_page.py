"""The Security checkup page, the dashboard's score, and the daily history."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SignInPolicy, User
from accounts.roles import Role
from activity.models import Event
from checkup.models import DailyResult
from checkup.registry import CheckContext, Status
from checkup.selectors import checkup_run, score_history
from checkup.services import history_record
from tests.conftest import force_sign_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_page_lists_every_check_with_its_status_reason_measure_and_fix(client, auditor):
    force_sign_in(client, auditor)
    response = client.get("/checkup/")
    assert response.status_code == 200
    text = response.content.decode()
    report = response.context["report"]
    assert len(report.outcomes) >= 13
    assert f"{report.passed} of {report.applicable} checks pass" in text
    assert "Two-step is not required of the team" in text
    assert 'href="/settings/security/two-step/"' in text
    assert "With a second factor a stolen or guessed password alone opens no account" in text


def test_failing_checks_come_first(client, auditor):
    force_sign_in(client, auditor)
    statuses = [outcome.status for outcome in client.get("/checkup/").context["report"].by_severity]
    assert statuses == sorted(statuses, key=[Status.FAIL, Status.WARNING, Status.PASS, Status.NOT_APPLICABLE].index)


def test_names_are_shown_to_owners_and_admins_only(client, admin, auditor, member):
    SignInPolicy.objects.update_or_create(pk=1, defaults={"dormancy_days": 30})
    User.objects.filter(pk=member.pk).update(last_login=timezone.now() - timedelta(days=40))
    force_sign_in(client, auditor)
    response = client.get("/checkup/")
    assert "1 active member has not signed in for more than 30 days" in response.content.decode()
    assert "member@example.com" not in response.content.decode()
    force_sign_in(client, admin)
    assert '<p class="checkup-people">member@example.com</p>' in client.get("/checkup/").content.decode()


def test_the_page_costs_the_same_queries_with_thousands_of_members(client, owner, django_assert_max_num_queries):
    force_sign_in(client, owner)
    client.get("/checkup/")  # the day's history is written once
    now = timezone.now()
    User.objects.bulk_create(
        [User(email=f"m{n}@example.com", role=Role.MEMBER, joined_at=now, password="!") for n in range(3000)]
    )
    TOTPDevice.objects.bulk_create(
        [TOTPDevice(user=user, name="phone", confirmed=True) for user in User.objects.all()[:1500]]
    )
    Event.objects.bulk_create([Event(created_at=now, action="activity.seeded", hash="0" * 64) for _ in range(2000)])
    with django_assert_max_num_queries(25):
        response = client.get("/checkup/")
    assert response.status_code == 200


def test_the_first_visit_of_the_day_keeps_the_results_and_later_visits_keep_them(client, owner, auditor):
    force_sign_in(client, auditor)
    client.get("/checkup/")
    first = dict(DailyResult.objects.values_list("check_id", "status"))
    assert first["accounts.two_factor"] == Status.FAIL
    SignInPolicy.objects.update_or_create(pk=1, defaults={"two_factor_required": True})
    TOTPDevice.objects.create(user=owner, name="phone", confirmed=True)
    client.get("/checkup/")
    assert dict(DailyResult.objects.values_list("check_id", "status")) == first
    assert DailyResult.objects.count() == len(first)


def test_the_dashboard_shows_the_score_and_the_failing_checks(client, owner):
    force_sign_in(client, owner)
    response = client.get("/")
    text = response.content.decode()
    report = response.context["checkup"]()
    assert f"<strong>{report.passed} of {report.applicable}</strong> checks pass" in text
    assert report.failing
    for outcome in report.failing:
        assert outcome.check.title in text
    assert 'href="/checkup/"' in text


def test_the_history_gives_each_days_score_over_the_last_90_days():
    today = timezone.now()
    for days_ago, two_factor in [(100, Status.PASS), (2, Status.FAIL), (1, Status.PASS)]:
        with time_machine.travel(today - timedelta(days=days_ago), tick=False):
            report = checkup_run(context=CheckContext.build())
            history_record(report=report, now=timezone.now(), replace=True)
        DailyResult.objects.filter(
            day=(today - timedelta(days=days_ago)).date(), check_id="accounts.two_factor"
        ).update(status=two_factor)
    history = score_history(today=today.date())
    assert [score.day for score in history] == [(today - timedelta(days=n)).date() for n in (2, 1)]
    assert history[1].passed == history[0].passed + 1
    assert history[0].applicable == history[1].applicable


def test_the_page_draws_the_history(client, auditor):
    force_sign_in(client, auditor)
    yesterday = timezone.now() - timedelta(days=1)
    history_record(report=checkup_run(context=CheckContext.build(now=yesterday)), now=yesterday, replace=True)
    response = client.get("/checkup/")
    text = response.content.decode()
    assert len(response.context["bars"]) == 2
    assert text.count('<rect class="bar"') == 2
    assert f"{yesterday:%d %b %Y}: " in text
    assert '<svg class="checkup-chart" role="img"' in text


def test_members_may_not_open_the_checkup(client, member):
    force_sign_in(client, member)
    assert client.get("/checkup/").status_code == 403


def test_the_sidebar_links_the_checkup_for_staff(client, db):
    force_sign_in(client, make_user(role=Role.AUDITOR))
    labels = [item["label"] for item in client.get("/checkup/").context["navigation"] if item["active"]]
    assert labels == ["Security checkup"]
