"""Content-delivery tokens: issuing, independent verification, rotation, TTL and forged tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from datetime import UTC, datetime

import jwt
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from activity.models import Event
from security import delivery, services
from security.delivery import AUDIENCE, InvalidDeliveryToken, delivery_token_verify
from security.models import DeliveryKey
from tests.conftest import force_sign_in

pytestmark = pytest.mark.django_db

ISSUER = "http://127.0.0.1:8000"
START = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(header: dict, claims: dict, secret: str | None, *, digest=hashlib.sha256) -> str:
    """Build a JWT by hand, as an attacker would, signing with HMAC over ``secret`` (or not at all)."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    if secret is None:
        return signing_input + "."
    signature = hmac.new(secret.encode(), signing_input.encode(), digest).digest()
    return f"{signing_input}.{b64(signature)}"


def valid_claims(user, *, now: datetime = START, ttl: int = 3600) -> dict:
    issued = int(now.timestamp())
    return {
        "iss": ISSUER,
        "sub": str(user.pk),
        "aud": AUDIENCE,
        "access_type": "delivery",
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl,
        "jti": "abc123",
        "gen": user.token_generation,
    }


def displayed_secret(client) -> str:
    """Reveal the secret on the Security page, as an admin would, and read it from the page."""
    response = client.post("/settings/security/delivery/reveal/")
    assert response.status_code == 200
    match = re.search(r'id="delivery-secret" value="([^"]+)"', response.content.decode())
    assert match is not None
    return match.group(1)


def issue(client) -> dict:
    response = client.get("/api/delivery/token")
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def time_at_start():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


# The endpoint ---------------------------------------------------------------


def test_a_signed_in_user_gets_a_token_that_an_independent_check_verifies(
    client, owner, delivery_key, set_cors, time_at_start
):
    set_cors("https://www.mydomain.com")
    force_sign_in(client, owner)
    secret = displayed_secret(client)
    response = client.get("/api/delivery/token")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    token = body["token"]
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT", "kid": delivery_key.kid}
    claims = jwt.decode(
        token,
        secret,
        algorithms=["HS256"],
        audience="content-delivery",
        issuer=ISSUER,
        options={"require": ["exp", "iat", "nbf", "aud", "iss", "sub", "jti"]},
    )
    now = int(START.timestamp())
    assert claims["iss"] == ISSUER
    assert claims["sub"] == str(owner.pk)
    assert claims["aud"] == "content-delivery"
    assert claims["access_type"] == "delivery"
    assert claims["iat"] == now
    assert claims["nbf"] == now
    assert claims["exp"] == now + 3600
    assert re.fullmatch(r"[0-9a-f]{32}", claims["jti"])
    assert claims["gen"] == owner.token_generation
    assert set(claims) == {"iss", "sub", "aud", "access_type", "iat", "nbf", "exp", "jti", "gen"}


def test_every_token_has_its_own_jti(client, member, delivery_key):
    force_sign_in(client, member)
    first, second = issue(client)["token"], issue(client)["token"]
    assert (
        jwt.decode(first, options={"verify_signature": False})["jti"]
        != jwt.decode(second, options={"verify_signature": False})["jti"]
    )


def test_the_token_endpoint_needs_a_session(client, delivery_key):
    response = client.get("/api/delivery/token")
    assert response.status_code == 403
    assert "token" not in response.json()


def test_the_token_endpoint_needs_no_csrf_token_and_records_nothing(client, member, delivery_key):
    force_sign_in(client, member)
    browser = Client(enforce_csrf_checks=True)
    browser.cookies = client.cookies  # the same session, in a client that enforces CSRF
    events_before = Event.objects.count()
    response = browser.get("/api/delivery/token")
    assert response.status_code == 200
    assert Event.objects.count() == events_before


def test_an_allowed_origin_may_fetch_a_token_with_credentials(client, member, delivery_key, owner, set_cors):
    set_cors("https://www.mydomain.com")
    force_sign_in(client, member)
    response = client.get("/api/delivery/token", HTTP_ORIGIN="https://www.mydomain.com")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "https://www.mydomain.com"
    assert response["Access-Control-Allow-Credentials"] == "true"


def test_without_a_key_the_endpoint_says_so(client, member):
    force_sign_in(client, member)
    response = client.get("/api/delivery/token")
    assert response.status_code == 503
    assert "generated" in response.json()["detail"]


def test_the_secret_has_at_least_256_bits(delivery_key):
    raw = base64.urlsafe_b64decode(delivery_key.secret + "=" * (-len(delivery_key.secret) % 4))
    assert len(raw) * 8 >= 256
    assert str(delivery_key) == f"delivery key {delivery_key.kid}"
    assert delivery_key.secret not in repr(delivery_key)


# TTL --------------------------------------------------------------------------------


def test_the_ttl_is_honoured(client, member, owner, delivery_key, time_at_start):
    services.delivery_token_ttl_update(acting_user=owner, ttl=600)
    force_sign_in(client, member)
    body = issue(client)
    assert body["expires_in"] == 600
    claims = delivery_token_verify(body["token"])
    assert claims["exp"] - claims["iat"] == 600
    time_at_start.shift(599)
    assert delivery_token_verify(body["token"])["sub"] == str(member.pk)
    time_at_start.shift(1)
    with pytest.raises(InvalidDeliveryToken, match="expired"):
        delivery_token_verify(body["token"])


@pytest.mark.parametrize("ttl", [59, 604_801, 0, -1])
def test_a_ttl_out_of_range_is_refused(owner, ttl):
    with pytest.raises(ValidationError) as info:
        services.delivery_token_ttl_update(acting_user=owner, ttl=ttl)
    assert "60 to 604800" in info.value.message_dict["token_ttl"][0]


@pytest.mark.parametrize("ttl", [60, 604_800])
def test_the_ttl_range_bounds_are_accepted(owner, ttl):
    assert services.delivery_token_ttl_update(acting_user=owner, ttl=ttl).token_ttl == ttl


def test_a_ttl_change_records_before_and_after(owner):
    services.delivery_token_ttl_update(acting_user=owner, ttl=7200)
    event = Event.objects.get(action="settings.delivery_token.ttl_updated")
    assert event.actor == owner
    assert event.changes == {"token_ttl": [3600, 7200]}


# Rotation ---------------------------------------------------------------------------


def test_rotation_refuses_old_tokens_at_once(client, member, owner, delivery_key):
    force_sign_in(client, member)
    old_token = issue(client)["token"]
    new_key = services.delivery_secret_rotate(acting_user=owner)
    with pytest.raises(InvalidDeliveryToken, match="key"):
        delivery_token_verify(old_token)
    new_token = issue(client)["token"]
    assert jwt.get_unverified_header(new_token)["kid"] == new_key.kid
    assert delivery_token_verify(new_token)["sub"] == str(member.pk)


def test_the_grace_period_honours_the_previous_key_until_it_ends(client, member, owner, delivery_key, time_at_start):
    force_sign_in(client, member)
    old_token = issue(client)["token"]
    services.delivery_secret_rotate(acting_user=owner, grace_period=300)
    new_token = issue(client)["token"]
    assert jwt.get_unverified_header(new_token)["kid"] != delivery_key.kid  # the old key never signs again
    time_at_start.shift(299)
    assert delivery_token_verify(old_token)["sub"] == str(member.pk)
    time_at_start.shift(1)
    with pytest.raises(InvalidDeliveryToken, match="key"):
        delivery_token_verify(old_token)
    assert delivery_token_verify(new_token)["sub"] == str(member.pk)


def test_rotating_again_ends_the_grace_of_older_keys(client, member, owner, delivery_key):
    force_sign_in(client, member)
    first_token = issue(client)["token"]
    services.delivery_secret_rotate(acting_user=owner, grace_period=3600)
    second_token = issue(client)["token"]
    services.delivery_secret_rotate(acting_user=owner, grace_period=3600)
    with pytest.raises(InvalidDeliveryToken):
        delivery_token_verify(first_token)
    assert delivery_token_verify(second_token)["sub"] == str(member.pk)


@pytest.mark.parametrize("grace", [-1, 604_801])
def test_a_grace_period_out_of_range_is_refused(owner, delivery_key, grace):
    with pytest.raises(ValidationError):
        services.delivery_secret_rotate(acting_user=owner, grace_period=grace)
    assert DeliveryKey.objects.get(retired_at__isnull=True) == delivery_key


def test_rotation_records_old_and_new_key_ids_but_never_a_secret(owner, delivery_key):
    new_key = services.delivery_secret_rotate(acting_user=owner, grace_period=60)
    event = Event.objects.filter(action="settings.delivery_token.rotated").order_by("-sequence").first()
    assert event.actor == owner
    assert event.changes == {"key_id": [delivery_key.kid, new_key.kid], "grace_period_seconds": 60}
    stored = json.dumps([list(Event.objects.values_list("changes", "target_label"))])
    leaked = delivery_key.secret in stored or new_key.secret in stored
    assert not leaked


def test_the_first_key_records_no_previous_key(delivery_key):
    event = Event.objects.get(action="settings.delivery_token.rotated")
    assert event.changes == {"key_id": [None, delivery_key.kid], "grace_period_seconds": 0}


# Forged and broken tokens --------------------------------------------------------------


def test_alg_none_is_refused(member, delivery_key, time_at_start):
    token = forge({"alg": "none", "typ": "JWT", "kid": delivery_key.kid}, valid_claims(member), None)
    with pytest.raises(InvalidDeliveryToken, match="HS256"):
        delivery_token_verify(token)


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_hs512_is_refused_even_with_the_right_secret(member, delivery_key, time_at_start):
    token = jwt.encode(valid_claims(member), delivery_key.secret, algorithm="HS512", headers={"kid": delivery_key.kid})
    with pytest.raises(InvalidDeliveryToken, match="HS256"):
        delivery_token_verify(token)


def test_rs256_signed_with_the_secret_as_key_is_refused(member, delivery_key, time_at_start):
    token = forge({"alg": "RS256", "typ": "JWT", "kid": delivery_key.kid}, valid_claims(member), delivery_key.secret)
    with pytest.raises(InvalidDeliveryToken, match="HS256"):
        delivery_token_verify(token)


def test_a_tampered_payload_is_refused(member, owner, delivery_key, time_at_start):
    token = delivery.token_encode(
        subject=str(member.pk), generation=member.token_generation, key=delivery_key, ttl=3600, now=START
    )
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = str(owner.pk)
    tampered = f"{header}.{b64(json.dumps(claims).encode())}.{signature}"
    with pytest.raises(InvalidDeliveryToken, match="signature"):
        delivery_token_verify(tampered)


def test_a_token_signed_with_another_secret_is_refused(member, delivery_key, time_at_start):
    token = jwt.encode(valid_claims(member), "x" * 43, algorithm="HS256", headers={"kid": delivery_key.kid})
    with pytest.raises(InvalidDeliveryToken, match="signature"):
        delivery_token_verify(token)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"aud": "something-else"}, "not meant for content delivery"),
        ({"iss": "https://evil.example"}, "not issued by this panel"),
        ({"access_type": "admin"}, "not a delivery token"),
        ({"exp": int(START.timestamp()) - 1}, "expired"),
        ({"nbf": int(START.timestamp()) + 60}, "not valid yet"),
        ({"iat": int(START.timestamp()) + 60}, "not valid yet"),
    ],
)
def test_a_token_with_a_wrong_claim_is_refused(member, delivery_key, time_at_start, change, reason):
    claims = {**valid_claims(member), **change}
    token = jwt.encode(claims, delivery_key.secret, algorithm="HS256", headers={"kid": delivery_key.kid})
    with pytest.raises(InvalidDeliveryToken, match=reason):
        delivery_token_verify(token)


@pytest.mark.parametrize("claim", ["exp", "iat", "aud", "iss", "nbf", "sub", "jti"])
def test_a_token_missing_a_required_claim_is_refused(member, delivery_key, time_at_start, claim):
    claims = valid_claims(member)
    del claims[claim]
    token = jwt.encode(claims, delivery_key.secret, algorithm="HS256", headers={"kid": delivery_key.kid})
    with pytest.raises(InvalidDeliveryToken, match=f"“{claim}”"):
        delivery_token_verify(token)


@pytest.mark.parametrize("header", [{}, {"kid": "unknown-kid"}, {"kid": 7}, {"kid": ""}])
def test_a_token_naming_no_or_an_unknown_kid_is_refused(member, delivery_key, time_at_start, header):
    token = forge({"alg": "HS256", "typ": "JWT", **header}, valid_claims(member), delivery_key.secret)
    with pytest.raises(InvalidDeliveryToken, match="key|malformed"):
        delivery_token_verify(token)


# A key id no key can have is refused before the look-up: PostgreSQL cannot compare text holding NUL (a 500).
@pytest.mark.parametrize("kid", ["a\x00b", "k" * 33, "clé"])
def test_a_token_naming_a_kid_no_key_can_have_gets_a_401(member, delivery_key, time_at_start, kid):
    token = forge({"alg": "HS256", "typ": "JWT", "kid": kid}, valid_claims(member), delivery_key.secret)
    response = Client().get("/api/content/entries/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401
    assert response.json()["detail"] == "The delivery token's key is unknown or no longer valid."


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "a.b", "!!.e30.e30", "WzFd.e30.e30", "bnVsbA.e30.e30"])
def test_a_malformed_token_is_refused(delivery_key, token):
    with pytest.raises(InvalidDeliveryToken, match="malformed"):
        delivery_token_verify(token)


def test_verification_errors_never_contain_the_secret(member, delivery_key, time_at_start):
    token = jwt.encode({"sub": "x"}, delivery_key.secret, algorithm="HS256", headers={"kid": delivery_key.kid})
    with pytest.raises(InvalidDeliveryToken) as info:
        delivery_token_verify(token)
    leaked = delivery_key.secret in str(info.value)
    assert not leaked


# Tokens follow the account ---------------------------------------------------------------


def _ends_tokens(name, member, owner):
    """Run one of the actions after which every token issued before must stop working."""
    from accounts import services as account_services

    actions = {
        "sign out everywhere": lambda: account_services.user_sessions_revoke_all(user=member, acting_user=owner),
        "password change": lambda: account_services.password_reset_complete(
            user=member, new_password="Quiet-Harbour-Lantern-7"
        ),
        "two-step reset": lambda: account_services.two_factor_reset(user=member, acting_user=owner),
        "deactivation and reactivation": lambda: (
            account_services.member_deactivate(user=member, acting_user=owner),
            account_services.member_reactivate(user=member, acting_user=owner),
        ),
    }
    actions[name]()


@pytest.mark.parametrize(
    "name", ["sign out everywhere", "password change", "two-step reset", "deactivation and reactivation"]
)
def test_a_token_issued_before_the_account_is_signed_out_stops_working(client, member, owner, delivery_key, name):
    force_sign_in(client, member)
    token = issue(client)["token"]
    assert delivery_token_verify(token)["sub"] == str(member.pk)
    _ends_tokens(name, member, owner)
    with pytest.raises(InvalidDeliveryToken, match="signed out"):
        delivery_token_verify(token)
    response = Client().get("/api/content/entries/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401


def test_a_token_issued_after_signing_out_everywhere_works(client, member, owner, delivery_key):
    from accounts import services as account_services

    account_services.user_sessions_revoke_all(user=member, acting_user=owner)
    force_sign_in(client, member)
    token = issue(client)["token"]
    assert delivery_token_verify(token)["sub"] == str(member.pk)
