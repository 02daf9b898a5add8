"""The content API: public entries for anyone, private ones only with a valid delivery token."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
import time_machine
from django.utils import timezone

from accounts import services as account_services
from security import delivery
from security import services as security_services
from tests.conftest import force_sign_in

pytestmark = pytest.mark.django_db

LIST = "/api/content/entries/"
INVALID = 'Bearer error="invalid_token"'


def detail(slug: str) -> str:
    return f"/api/content/entries/{slug}/"


@pytest.fixture
def token(client, member, delivery_key) -> str:
    force_sign_in(client, member)
    token = client.get("/api/delivery/token").json()["token"]
    client.logout()
    return token


def slugs(response) -> list[str]:
    return [entry["slug"] for entry in response.json()]


def test_anyone_reads_public_entries(client, public_entry, private_entry):
    response = client.get(LIST)
    assert response.status_code == 200
    assert slugs(response) == ["welcome"]
    response = client.get(detail("welcome"))
    assert response.status_code == 200
    assert response.json() == {
        "title": "Welcome",
        "slug": "welcome",
        "body": "Hello, world.",
        "visibility": "public",
        "updated_at": response.json()["updated_at"],
    }


def test_a_private_entry_is_404_without_a_token(client, private_entry):
    response = client.get(detail("price-list"))
    assert response.status_code == 404
    assert "Members only" not in response.content.decode()


def test_a_signed_in_session_alone_does_not_reveal_private_entries(client, owner, private_entry):
    force_sign_in(client, owner)
    assert client.get(detail("price-list")).status_code == 404
    assert slugs(client.get(LIST)) == []


def test_a_bearer_token_reveals_private_entries(client, token, public_entry, private_entry):
    response = client.get(LIST, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert slugs(response) == ["price-list", "welcome"]
    response = client.get(detail("price-list"), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json()["body"] == "Members only."


def test_the_delivery_token_header_reveals_private_entries(client, token, private_entry):
    response = client.get(detail("price-list"), HTTP_DELIVERY_TOKEN=token)
    assert response.status_code == 200


def test_a_token_in_the_url_is_ignored(client, token, private_entry):
    assert client.get(detail("price-list") + f"?token={token}").status_code == 404
    assert client.get(detail("price-list") + f"?access_token={token}").status_code == 404


def test_an_expired_token_gets_401_with_invalid_token(client, token, public_entry, private_entry):
    with time_machine.travel(timezone.now() + timedelta(seconds=3601), tick=False):
        for path in (LIST, detail("welcome"), detail("price-list")):
            response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")
            assert response.status_code == 401
            assert response["WWW-Authenticate"] == INVALID
            assert "expired" in response.json()["detail"]


def test_a_forged_token_gets_401(client, member, delivery_key, private_entry):
    forged = jwt.encode(
        {"sub": str(member.pk), "aud": "content-delivery", "iss": "http://127.0.0.1:8000", "exp": 4102444800},
        "not-the-secret-but-long-enough-for-hs256-xx",
        algorithm="HS256",
        headers={"kid": delivery_key.kid},
    )
    response = client.get(detail("price-list"), HTTP_AUTHORIZATION=f"Bearer {forged}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == INVALID


def test_a_wrong_audience_gets_401(client, member, delivery_key, private_entry):
    claims = jwt.decode(
        delivery.token_encode(
            subject=str(member.pk), generation=member.token_generation, key=delivery_key, ttl=600, now=timezone.now()
        ),
        options={"verify_signature": False},
    )
    claims["aud"] = "admin"
    other = jwt.encode(claims, delivery_key.secret, algorithm="HS256", headers={"kid": delivery_key.kid})
    response = client.get(detail("price-list"), HTTP_DELIVERY_TOKEN=other)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == INVALID


def test_a_token_of_the_rotated_key_gets_401(client, owner, token, private_entry):
    security_services.delivery_secret_rotate(acting_user=owner)
    response = client.get(detail("price-list"), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == INVALID


def test_a_deactivated_members_token_gets_401(client, owner, member, token, private_entry):
    account_services.member_deactivate(user=member, acting_user=owner)
    response = client.get(detail("price-list"), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_AUTHORIZATION": "Bearer"},
        {"HTTP_AUTHORIZATION": "Bearer "},
        {"HTTP_DELIVERY_TOKEN": ""},
        {"HTTP_AUTHORIZATION": "Bearer garbage"},
    ],
)
def test_an_empty_or_malformed_token_gets_401(client, delivery_key, public_entry, headers):
    response = client.get(LIST, **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == INVALID


def test_two_different_tokens_get_401(client, token, member, delivery_key, private_entry):
    other = delivery.token_encode(
        subject=str(member.pk), generation=member.token_generation, key=delivery_key, ttl=600, now=timezone.now()
    )
    response = client.get(detail("price-list"), HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_DELIVERY_TOKEN=other)
    assert response.status_code == 401


def test_another_authorization_scheme_is_left_alone(client, public_entry, private_entry):
    response = client.get(detail("price-list"), HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")
    assert response.status_code == 404
    assert client.get(detail("welcome"), HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz").status_code == 200


def test_the_content_api_accepts_only_reads(client, token, public_entry):
    response = client.post(LIST, {"title": "x"}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 405
    response = client.delete(detail("welcome"), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 405


def test_the_openapi_schema_is_refused_to_anonymous_visitors(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code in {401, 403}
    assert "/api/delivery/token" not in response.content.decode()


def test_the_openapi_schema_lists_the_endpoints_to_a_signed_in_member(client, member):
    force_sign_in(client, member)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json() if response["Content-Type"].startswith("application/json") else None
    text = response.content.decode()
    assert "/api/content/entries/{slug}/" in text
    assert "/api/delivery/token" in text
    assert "deliveryToken" in text
    assert schema is None or "paths" in schema


# Caching ------------------------------------------------------------------------------


def vary(response) -> set[str]:
    return {name.strip().lower() for name in response.get("Vary", "").split(",")}


def cache_control(response) -> set[str]:
    return {directive.strip() for directive in response.get("Cache-Control", "").split(",") if directive.strip()}


@pytest.mark.parametrize("path", [LIST, detail("welcome"), detail("price-list")])
def test_every_content_answer_varies_on_both_token_headers(client, public_entry, private_entry, path):
    response = client.get(path)
    assert {"authorization", "delivery-token", "origin"} <= vary(response)


@pytest.mark.parametrize("path", [LIST, detail("price-list")])
@pytest.mark.parametrize("header", ["HTTP_AUTHORIZATION", "HTTP_DELIVERY_TOKEN"])
def test_an_answer_to_a_token_holder_is_never_stored_by_a_shared_cache(client, token, private_entry, path, header):
    value = f"Bearer {token}" if header == "HTTP_AUTHORIZATION" else token
    response = client.get(path, **{header: value})
    assert response.status_code == 200
    assert "Members only." in response.content.decode()
    assert {"private", "no-store"} <= cache_control(response)
    assert "public" not in cache_control(response)
    assert {"authorization", "delivery-token"} <= vary(response)


@pytest.mark.parametrize("path", [LIST, detail("welcome")])
def test_a_refused_token_is_not_stored_either(client, delivery_key, public_entry, path):
    response = client.get(path, HTTP_DELIVERY_TOKEN="garbage")
    assert response.status_code == 401
    assert {"private", "no-store"} <= cache_control(response)
    assert {"authorization", "delivery-token"} <= vary(response)


def test_a_public_answer_without_a_token_stays_cacheable(client, public_entry, private_entry):
    response = client.get(LIST)
    assert slugs(response) == ["welcome"]
    assert "no-store" not in cache_control(response)
    assert "private" not in cache_control(response)


def test_a_missing_and_a_hidden_entry_get_the_same_json_answer(client, private_entry):
    hidden = client.get(detail("price-list"))
    missing = client.get(detail("no-such-entry"))
    assert hidden.status_code == missing.status_code == 404
    assert hidden["Content-Type"] == missing["Content-Type"] == "application/json"
    assert hidden.json() == {"detail": "No entry with the slug “price-list” is available to this caller."}
    assert missing.json()["detail"] == hidden.json()["detail"].replace("price-list", "no-such-entry")
