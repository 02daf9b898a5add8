"""Every registered check passes when the recommendation is followed and fails (or warns) when it is not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import PasswordPolicy, SignInPolicy, User
from accounts.roles import Role
from activity.sealing import seal_pending
from activity.services import chain_verification_record, event_record, review_sign_off
from activity.verification import chain_verify
from checkup.registry import CheckContext, Status, check_get
from security.models import CorsSettings, DeliveryKey, DeliverySettings
from security.services import delivery_secret_rotate
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _enrol(user: User) -> None:
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def _sign_in_policy(**fields) -> None:
    SignInPolicy.objects.update_or_create(pk=1, defaults=fields)


# Two-step authentication ------------------------------------------------------------------


def test_two_step_fails_while_the_team_is_not_required_to_use_it(run_check, owner):
    _enrol(owner)
    result = run_check("accounts.two_factor")
    assert result.status == Status.FAIL
    assert result.measured == "Two-step is not required of the team; every owner and admin (1) has a second factor."
    assert result.fix.url == "/settings/security/two-step/"


def test_two_step_fails_naming_the_owners_and_admins_without_a_second_factor(run_check, owner, admin, member):
    _sign_in_policy(two_factor_required=True)
    _enrol(owner)
    result = run_check("accounts.two_factor")
    assert result.status == Status.FAIL
    assert "1 of 2 owners and admins has no second factor" in result.measured
    assert result.people == ("admin@example.com",)
    assert result.fix.url == "/team/?status=two_step_off&role=admin"


def test_two_step_passes_when_required_and_every_owner_and_admin_is_enrolled(run_check, owner, admin, member):
    _sign_in_policy(two_factor_required=True)
    _enrol(owner)
    _enrol(admin)
    result = run_check("accounts.two_factor")
    assert result.status == Status.PASS, result.measured


# Few administrators --------------------------------------------------------------------------


def test_three_administrators_pass(run_check, owner):
    make_user(role=Role.ADMIN)
    make_user(role=Role.ADMIN)
    assert run_check("accounts.administrators").status == Status.PASS


def test_more_administrators_than_the_limit_warn(run_check, owner, settings):
    settings.CHECKUP_MAX_ADMINISTRATORS = 2
    make_user(role=Role.ADMIN)
    make_user(role=Role.ADMIN)
    result = run_check("accounts.administrators")
    assert result.status == Status.WARNING
    assert "3 owners and admins among 3 active members; at most 2 recommended" in result.measured
    assert result.fix.url == "/team/?role=admin"


def test_ten_percent_of_a_large_team_may_be_administrators(run_check, owner):
    for _ in range(4):
        make_user(role=Role.ADMIN)
    User.objects.bulk_create(
        [User(email=f"m{n}@example.com", joined_at=timezone.now(), password="!") for n in range(45)]
    )
    result = run_check("accounts.administrators")
    assert result.status == Status.PASS, result.measured  # 5 of 50: 10 %


# Password policy -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({}, Status.FAIL),  # the defaults: no history
        ({"history_count": 5}, Status.PASS),  # 8 characters with both blocklists
        ({"history_count": 5, "reject_common": False}, Status.FAIL),
        ({"history_count": 5, "reject_common": False, "min_length": 12}, Status.PASS),
        ({"history_count": 0, "min_length": 16}, Status.FAIL),
    ],
)
def test_password_policy(run_check, fields, status):
    PasswordPolicy.objects.update_or_create(pk=1, defaults=fields)
    result = run_check("accounts.password_policy")
    assert result.status == status, result.measured
    if status == Status.FAIL:
        assert result.fix.url == "/settings/security/password-policy/"


# Lockout and sessions ----------------------------------------------------------------------------


def test_lockout_after_five_failures_passes(run_check):
    result = run_check("accounts.lockout")
    assert result.status == Status.PASS
    assert "after 5 failed sign-ins" in result.measured


def test_lockout_after_more_than_ten_failures_fails(run_check):
    _sign_in_policy(lockout_failure_limit=15)
    result = run_check("accounts.lockout")
    assert result.status == Status.FAIL
    assert result.fix.url == "/settings/security/lockout/"


def test_lockout_turned_off_fails(run_check, settings):
    settings.AXES_ENABLED = False
    assert run_check("accounts.lockout").status == Status.FAIL


def test_session_limits_within_nist_pass(run_check):
    assert run_check("accounts.sessions").status == Status.PASS


def test_session_limits_beyond_nist_warn(run_check):
    _sign_in_policy(session_idle_minutes=240, session_absolute_minutes=2880)
    result = run_check("accounts.sessions")
    assert result.status == Status.WARNING
    assert "longer than 1 hour" in result.measured
    assert result.fix.url == "/settings/security/sessions/"


# Dormant accounts ----------------------------------------------------------------------------------


def test_dormancy_off_warns(run_check):
    result = run_check("accounts.dormant")
    assert result.status == Status.WARNING
    assert result.fix.url == "/settings/security/dormant-accounts/"


def test_no_dormant_member_passes(run_check, owner, member):
    _sign_in_policy(dormancy_days=30)
    assert run_check("accounts.dormant").status == Status.PASS


def test_a_dormant_member_fails_and_is_named(run_check, owner, member):
    _sign_in_policy(dormancy_days=30)
    User.objects.filter(pk=member.pk).update(last_login=timezone.now() - timedelta(days=31))
    result = run_check("accounts.dormant")
    assert result.status == Status.FAIL
    assert result.people == ("member@example.com",)
    assert result.fix.url == "/team/?status=active&sort=last_sign_in"


def test_an_exempted_service_account_is_not_dormant(run_check, owner, member):
    _sign_in_policy(dormancy_days=30)
    User.objects.filter(pk=member.pk).update(last_login=timezone.now() - timedelta(days=31), dormancy_exempt=True)
    assert run_check("accounts.dormant").status == Status.PASS


# Email -----------------------------------------------------------------------------------------------


def test_email_through_smtp_passes(run_check, settings):
    settings.DEBUG, settings.EMAIL_BACKEND = False, "django.core.mail.backends.smtp.EmailBackend"
    assert run_check("accounts.email").status == Status.PASS


def test_email_that_delivers_nothing_in_production_fails(run_check, settings):
    settings.DEBUG, settings.EMAIL_BACKEND = False, "django.core.mail.backends.console.EmailBackend"
    result = run_check("accounts.email")
    assert result.status == Status.FAIL
    assert "EMAIL_BACKEND" in result.fix.hint


def test_email_declared_undelivered_warns(run_check, settings):
    settings.DEBUG, settings.EMAIL_BACKEND = False, "django.core.mail.backends.locmem.EmailBackend"
    settings.EMAIL_UNDELIVERED_OK = True
    assert run_check("accounts.email").status == Status.WARNING


def test_email_in_debug_does_not_apply(run_check, settings):
    settings.DEBUG = True
    assert run_check("accounts.email").status == Status.NOT_APPLICABLE


# CORS -------------------------------------------------------------------------------------------------


def _cors(*origins: str) -> None:
    CorsSettings.objects.update_or_create(pk=1, defaults={"enabled": bool(origins), "allowed_origins": list(origins)})


def test_cors_off_does_not_apply(run_check):
    assert run_check("security.cors").status == Status.NOT_APPLICABLE


def test_cors_with_https_origins_passes(run_check, settings):
    settings.DEBUG = False
    _cors("https://www.example.com", "https://shop.example.com:8443")
    assert run_check("security.cors", secure=True).status == Status.PASS


def test_a_plain_http_origin_fails_while_the_panel_is_served_over_https(run_check):
    _cors("http://www.example.com")
    result = run_check("security.cors", secure=True)
    assert result.status == Status.FAIL
    assert "http://www.example.com" in result.measured
    assert result.fix.url == "/settings/security/cors/"


def test_a_plain_http_origin_is_accepted_while_the_panel_itself_is_plain_http(run_check, settings):
    settings.DEBUG = False
    _cors("http://www.example.com")
    assert run_check("security.cors", secure=False).status == Status.PASS


def test_the_command_reads_the_scheme_of_the_panel_address(run_check, settings):
    settings.PANEL_BASE_URL = "https://admin.example.com"
    _cors("http://www.example.com")
    assert run_check("security.cors").status == Status.FAIL


@pytest.mark.parametrize("origin", ["https://127.0.0.1", "https://[::1]:8443", "https://localhost:3000"])
def test_an_ip_address_or_localhost_origin_fails_in_production(run_check, settings, origin):
    settings.DEBUG = False
    _cors(origin)
    assert run_check("security.cors", secure=True).status == Status.FAIL


def test_a_localhost_origin_is_accepted_in_development(run_check, settings):
    settings.DEBUG = True
    _cors("https://localhost:3000")
    assert run_check("security.cors", secure=True).status == Status.PASS


# Delivery key -----------------------------------------------------------------------------------------


def test_no_delivery_key_without_cors_does_not_apply(run_check):
    assert run_check("security.delivery_key").status == Status.NOT_APPLICABLE


def test_no_delivery_key_while_cors_is_on_fails(run_check):
    _cors("https://www.example.com")
    result = run_check("security.delivery_key")
    assert result.status == Status.FAIL
    assert result.fix.url == "/settings/security/delivery/rotate/"


def test_a_young_key_with_a_sensible_ttl_passes(run_check, owner):
    _cors("https://www.example.com")
    delivery_secret_rotate(acting_user=owner)
    assert run_check("security.delivery_key").status == Status.PASS


def test_an_old_key_warns(run_check, owner):
    key = delivery_secret_rotate(acting_user=owner)
    DeliveryKey.objects.filter(pk=key.pk).update(created_at=timezone.now() - timedelta(days=400))
    result = run_check("security.delivery_key")
    assert result.status == Status.WARNING
    assert "400 days old" in result.measured


def test_a_short_token_lifetime_warns(run_check, owner):
    delivery_secret_rotate(acting_user=owner)
    DeliverySettings.objects.update_or_create(pk=1, defaults={"token_ttl": 120})
    result = run_check("security.delivery_key")
    assert result.status == Status.WARNING
    assert result.fix.url == "/settings/security/delivery/ttl/"


# Transport and hosts -------------------------------------------------------------------------------------


def test_https_with_hsts_and_secure_cookies_passes(run_check, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    assert run_check("modyo_admin.transport", secure=True).status == Status.PASS


def test_a_request_over_plain_http_fails(run_check, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    result = run_check("modyo_admin.transport", secure=False)
    assert result.status == Status.FAIL
    assert result.measured == "This request reached the panel over plain HTTP."


def test_no_hsts_and_plain_cookies_fail(run_check, settings):
    settings.SECURE_HSTS_SECONDS = 0
    settings.SESSION_COOKIE_SECURE = False
    result = run_check("modyo_admin.transport", secure=True)
    assert result.status == Status.FAIL
    assert "DJANGO_SECURE_HSTS_SECONDS" in result.fix.hint
    assert "DJANGO_SECURE_COOKIES=1" in result.fix.hint


def test_separate_admin_and_delivery_hosts_pass(run_check, settings):
    settings.ADMIN_HOST, settings.DELIVERY_HOST = "admin.example.com", "cdn.example.com"
    assert run_check("modyo_admin.hosts").status == Status.PASS


def test_one_host_for_both_warns(run_check, settings):
    settings.ADMIN_HOST, settings.DELIVERY_HOST = "", ""
    result = run_check("modyo_admin.hosts")
    assert result.status == Status.WARNING
    assert "ADMIN_HOST" in result.fix.hint


# Activity log ----------------------------------------------------------------------------------------------


def _sealed() -> None:
    event_record(action="activity.seeded", target_label="some events")
    seal_pending()


def test_a_log_never_verified_warns(run_check):
    result = run_check("activity.chain_verified")
    assert result.status == Status.WARNING
    assert "activity_verify" in result.fix.hint


def test_a_recent_intact_verification_passes(run_check):
    _sealed()
    chain_verification_record(result=chain_verify())
    assert run_check("activity.chain_verified").status == Status.PASS


def test_a_broken_verification_fails(run_check):
    _sealed()
    broken = chain_verify().__class__(ok=False, checked=1, broken_at=1, problem="changed")
    chain_verification_record(result=broken)
    result = run_check("activity.chain_verified")
    assert result.status == Status.FAIL
    assert "broken at 1" in result.measured


def test_an_old_verification_warns(run_check):
    _sealed()
    chain_verification_record(result=chain_verify())
    result = run_check("activity.chain_verified", now=timezone.now() + timedelta(days=8))
    assert result.status == Status.WARNING


def test_no_review_signed_off_fails(run_check):
    result = run_check("activity.review_signed_off")
    assert result.status == Status.FAIL
    assert result.fix.url == "/activity/"


def test_a_review_signed_off_this_month_passes(run_check, auditor):
    _sealed()
    event = review_sign_off(acting_user=auditor)
    result = run_check("activity.review_signed_off")
    assert result.status == Status.PASS
    assert f"auditor@example.com signed off the events up to #{event.changes['last_sequence']} today" in result.measured


def test_a_review_older_than_the_limit_fails(run_check, auditor, settings):
    settings.CHECKUP_REVIEW_MAX_AGE_DAYS = 30
    _sealed()
    review_sign_off(acting_user=auditor)
    result = run_check("activity.review_signed_off", now=timezone.now() + timedelta(days=31))
    assert result.status == Status.FAIL
    assert "31 days ago" in result.measured


def test_https_through_the_trusted_proxy_counts(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    transport = check_get("modyo_admin.transport").function
    proxied = RequestFactory().get("/checkup/", HTTP_X_FORWARDED_PROTO="https")
    assert transport(CheckContext.build(request=proxied)).status == Status.PASS
    settings.SECURE_PROXY_SSL_HEADER = None  # a header from an untrusted client counts for nothing
    assert transport(CheckContext.build(request=proxied)).status == Status.FAIL
