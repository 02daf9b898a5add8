from __future__ import annotations

import time
from urllib.parse import parse_qs, unquote, urlparse

import pytest
import time_machine
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import otp, selectors, services
from activity.models import Event
from tests.conftest import force_sign_in
from tests.two_factor.conftest import code_at, enrol

pytestmark = pytest.mark.django_db


def test_enrolment_page_shows_qr_code_and_grouped_secret(client, member):
    force_sign_in(client, member)
    page = client.get("/profile/two-step/enrol/")
    grouped = page.context["secret_grouped"]
    assert all(len(group) == 4 for group in grouped.split(" ")[:-1])
    qr = client.get("/profile/two-step/qr.svg")
    assert qr.status_code == 200
    assert qr["Content-Type"] == "image/svg+xml"
    assert "no-store" in qr["Cache-Control"]
    assert qr.content.startswith(b"<?xml") or b"<svg" in qr.content[:200]


def test_provisioning_uri_names_issuer_account_and_standard_parameters(member, settings):
    settings.ORGANISATION_NAME = "Acme Bank"
    secret = "3132333435363738393031323334353637383930"
    uri = otp.provisioning_uri(email=member.email, secret_hex=secret)
    parsed = urlparse(uri)
    assert parsed.scheme == "otpauth"
    assert parsed.netloc == "totp"
    assert unquote(parsed.path) == "/Acme Bank:member@example.com"
    query = {key: values[0] for key, values in parse_qs(parsed.query).items()}
    assert query == {
        "secret": otp.secret_base32(secret),
        "issuer": "Acme Bank",
        "algorithm": "SHA1",
        "digits": "6",
        "period": "30",
    }


def test_device_becomes_active_only_after_a_valid_code(client, member):
    force_sign_in(client, member)
    page = client.get("/profile/two-step/enrol/")
    secret = page.context["secret_grouped"].replace(" ", "")
    assert not TOTPDevice.objects.filter(user=member, confirmed=True).exists()

    wrong = client.post("/profile/two-step/enrol/", {"code": "000000" if code_at(secret) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "not valid" in wrong.content.decode()
    assert not selectors.two_factor_enabled(member)

    # django-otp throttles the device after a wrong code: the next try waits a second.
    with time_machine.travel(time.time() + 2):
        right = client.post("/profile/two-step/enrol/", {"code": code_at(secret)})
    assert right.status_code == 302
    assert selectors.two_factor_enabled(member)
    assert Event.objects.filter(action="two_factor.enabled", actor=member).count() == 1


def test_ten_recovery_codes_are_shown_once(client, member):
    force_sign_in(client, member)
    _secret, codes = enrol(client, member)
    assert len(codes) == 10
    assert len(set(codes)) == 10
    again = client.get("/profile/two-step/recovery-codes/")
    assert again.context["codes"] is None
    assert not any(code in again.content.decode() for code in codes)
    assert not any(code in str(dict(client.session)) for code in codes)


def test_recovery_codes_page_offers_them_as_a_text_file(client, member):
    from urllib.parse import unquote

    force_sign_in(client, member)
    page = client.get("/profile/two-step/enrol/")
    secret = page.context["secret_grouped"].replace(" ", "")
    client.post("/profile/two-step/enrol/", {"code": code_at(secret)})
    html = client.get("/profile/two-step/recovery-codes/").content.decode()
    link = html.split('href="data:text/plain;charset=utf-8,', 1)[1].split('"', 1)[0]
    assert 'download="recovery-codes.txt"' in html
    stored = set(StaticToken.objects.filter(device__user=member).values_list("token", flat=True))
    assert stored and all(code in unquote(link) for code in stored)


def test_regenerating_recovery_codes_voids_the_old_set(client, member):
    force_sign_in(client, member)
    _secret, old_codes = enrol(client, member)
    response = client.post("/profile/two-step/recovery-codes/")
    assert response.status_code == 302
    new_codes = client.get("/profile/two-step/recovery-codes/").context["codes"]
    assert len(new_codes) == 10
    stored = set(StaticToken.objects.filter(device__user=member).values_list("token", flat=True))
    assert stored == set(new_codes)
    assert not stored & set(old_codes)
    assert Event.objects.filter(action="two_factor.recovery_codes_regenerated", actor=member).count() == 1


def test_turning_off_needs_password_and_valid_code(client, member, password):
    force_sign_in(client, member)
    secret, _codes = enrol(client, member)
    with time_machine.travel(time.time() + 60, tick=False):
        bad_password = client.post("/profile/two-step/disable/", {"password": "wrong", "code": code_at(secret)})
        assert bad_password.status_code == 400
        assert selectors.two_factor_enabled(member)
    with time_machine.travel(time.time() + 120, tick=False):
        bad_code = client.post("/profile/two-step/disable/", {"password": password, "code": "12345"})
        assert bad_code.status_code == 400
        assert selectors.two_factor_enabled(member)
    with time_machine.travel(time.time() + 400, tick=False):
        ok = client.post("/profile/two-step/disable/", {"password": password, "code": code_at(secret)})
        assert ok.status_code == 302
    assert not selectors.two_factor_enabled(member)
    assert not StaticToken.objects.filter(device__user=member).exists()
    assert Event.objects.filter(action="two_factor.disabled", actor=member).count() == 1


def test_turning_off_is_refused_while_enforced(client, member, owner, password):
    force_sign_in(client, member)
    secret, _codes = enrol(client, member)
    from accounts import services

    services.two_factor_policy_update(acting_user=owner, two_factor_required=True)
    with time_machine.travel(time.time() + 60, tick=False):
        response = client.post("/profile/two-step/disable/", {"password": password, "code": code_at(secret)})
    assert response.status_code == 400
    assert "required for every team member" in response.content.decode()
    assert selectors.two_factor_enabled(member)


# Why the member is on the enrolment page, and which app to use ---------------------------------

GOOGLE_PLAY = "https://play.google.com/store/apps/details?id=com.google.android.apps.authenticator2"
APP_STORE = "https://apps.apple.com/app/google-authenticator/id388497605"


def test_enrolment_page_links_to_google_authenticator_and_says_any_totp_app_works(client, member):
    force_sign_in(client, member)
    html = client.get("/profile/two-step/enrol/").content.decode()
    assert f'href="{GOOGLE_PLAY}"' in html
    assert f'href="{APP_STORE}"' in html
    assert "Any app that follows RFC 6238 (TOTP) works" in html


def test_enrolment_page_chosen_freely_gives_no_reason(client, member):
    force_sign_in(client, member)
    html = client.get("/profile/two-step/enrol/").content.decode()
    assert "requires two-step authentication" not in html
    assert "reset your two-step authentication" not in html


def test_enrolment_page_says_the_team_requires_it(client, member, owner):
    services.two_factor_policy_update(acting_user=owner, two_factor_required=True, two_factor_grace_days=0)
    force_sign_in(client, member)
    html = client.get("/profile/two-step/enrol/").content.decode()
    assert "Your team requires two-step authentication: set it up to continue." in html


def test_enrolment_page_gives_the_grace_days_left(client, member, owner):
    services.two_factor_policy_update(acting_user=owner, two_factor_required=True, two_factor_grace_days=3)
    force_sign_in(client, member)
    html = client.get("/profile/two-step/enrol/").content.decode()
    assert "Your team requires two-step authentication: 3 days left to set it up." in html


def test_enrolment_page_says_an_administrator_reset_it(client, member, owner):
    force_sign_in(client, member)
    enrol(client, member)
    services.two_factor_reset(user=member, acting_user=owner)
    force_sign_in(client, member)
    html = client.get("/profile/two-step/enrol/").content.decode()
    assert "An administrator reset your two-step authentication: set it up again to continue." in html
