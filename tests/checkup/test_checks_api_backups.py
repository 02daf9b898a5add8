"""The checks of API tokens and backups, each in the app whose data it reads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import SignInPolicy, User
from accounts.services import dormant_members_deactivate
from api.models import ApiToken
from backups.models import BackupRun
from checkup.registry import Status

pytestmark = pytest.mark.django_db


def _token(user, *, expires_in=timedelta(days=30), created_ago=timedelta(days=1), used_ago=timedelta(hours=1), **extra):
    now = timezone.now()
    return ApiToken.objects.create(
        user=user,
        name="script",
        prefix="mdy_abcdefgh",
        token_hash=f"{ApiToken.objects.count():064d}",
        scope=ApiToken.Scope.READ,
        created_at=now - created_ago,
        expires_at=now + expires_in,
        last_used_at=now - used_ago if used_ago is not None else None,
        **extra,
    )


def test_no_live_token_does_not_apply(run_check, owner):
    _token(owner, revoked_at=timezone.now())
    _token(owner, expires_in=-timedelta(days=1))
    assert run_check("api.tokens").status == Status.NOT_APPLICABLE


def test_tokens_used_recently_expiring_and_held_by_active_members_pass(run_check, owner, admin):
    _token(owner)
    _token(admin, used_ago=None)  # created yesterday, not used yet
    result = run_check("api.tokens")
    assert result.status == Status.PASS, result.measured


def test_a_token_unused_for_90_days_warns(run_check, owner):
    _token(owner, created_ago=timedelta(days=200), used_ago=timedelta(days=91))
    _token(owner, created_ago=timedelta(days=95), used_ago=None)
    result = run_check("api.tokens")
    assert result.status == Status.WARNING
    assert "2 unused for 90 days" in result.measured
    assert result.fix.url == "/profile/api-tokens/"


def test_a_token_held_by_a_deactivated_member_fails(run_check, owner, member):
    _token(member)
    User.objects.filter(pk=member.pk).update(is_active=False)
    result = run_check("api.tokens")
    assert result.status == Status.FAIL
    assert "1 held by a deactivated member" in result.measured


def test_a_token_without_an_expiry_in_practice_fails(run_check, owner):
    _token(owner, expires_in=timedelta(days=3650))
    result = run_check("api.tokens")
    assert result.status == Status.FAIL
    assert "without an expiry within 365 days" in result.measured


def test_deactivation_for_dormancy_revokes_the_members_tokens(owner, member):
    token = _token(member)
    SignInPolicy.objects.update_or_create(pk=1, defaults={"dormancy_days": 30})
    User.objects.filter(pk=member.pk).update(last_login=timezone.now() - timedelta(days=40))
    dormant_members_deactivate()
    token.refresh_from_db()
    assert token.revoked_at is not None


def _backup(finished_ago: timedelta) -> None:
    finished = timezone.now() - finished_ago
    BackupRun.objects.create(
        started_at=finished - timedelta(minutes=1),
        finished_at=finished,
        path="/backups/b.tar.gz",
        size_bytes=1,
        sha256="0" * 64,
        objects_count=1,
        files_count=0,
    )


def test_no_backup_fails(run_check):
    result = run_check("backups.recent")
    assert result.status == Status.FAIL
    assert "manage.py backup" in result.fix.hint


def test_a_backup_from_last_night_passes(run_check):
    _backup(timedelta(hours=5))
    result = run_check("backups.recent")
    assert result.status == Status.PASS
    assert "5 hours ago" in result.measured


def test_an_old_backup_fails(run_check):
    _backup(timedelta(days=3))
    _backup(timedelta(days=10))
    result = run_check("backups.recent")
    assert result.status == Status.FAIL
    assert "72 hours ago, longer than 26 hours" in result.measured
