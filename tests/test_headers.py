"""Response headers that the penetration test asked for (issue 9, point 6).

A Content-Security-Policy and a Permissions-Policy on every response, and
``Cache-Control: no-store`` on every response to a signed-in or token-holding
caller, while static files and anonymous public content stay cacheable.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from security import services
from tests.conftest import force_sign_in

TEMPLATES_DIR = Path(django_settings.BASE_DIR) / "templates"
SIGNED_IN_PAGES = ["/", "/team/", "/settings/security/", "/activity/"]


@pytest.fixture
def static_files(settings):
    """Serve static files from the finders, as no collectstatic runs in the tests."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True


def csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def assert_strict_csp(response) -> None:
    policy = csp(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def assert_permissions_policy(response) -> None:
    features = dict(part.strip().split("=", 1) for part in response["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"


# Anonymous callers ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/login/", "/api/content/entries/", "/no-such-page/", "/api/schema/"])
def test_anonymous_responses_carry_a_strict_csp_and_permissions_policy(client, path):
    response = client.get(path)
    assert_strict_csp(response)
    assert_permissions_policy(response)


def test_a_404_page_carries_the_csp(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_strict_csp(response)


def test_static_files_carry_the_csp_and_stay_cacheable(client, static_files):
    response = client.get("/static/css/panel.css")
    assert response.status_code == 200
    assert_strict_csp(response)
    assert_permissions_policy(response)
    assert "no-store" not in cache_control(response)
    assert "public" in cache_control(response)


def test_the_anonymous_public_content_api_stays_cacheable(client, db):
    response = client.get("/api/content/entries/")
    assert response.status_code == 200
    assert "no-store" not in cache_control(response)
    assert "private" not in cache_control(response)


# Signed-in callers ------------------------------------------------------------------


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_signed_in_pages_are_never_stored_and_carry_the_headers(client, owner, path):
    force_sign_in(client, owner)
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" in cache_control(response)
    assert "public" not in cache_control(response)
    assert_strict_csp(response)
    assert_permissions_policy(response)


def test_the_activity_chart_of_a_signed_in_user_is_not_stored(client, owner):
    force_sign_in(client, owner)
    response = client.get("/activity/chart.svg")
    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response)


def test_an_api_answer_to_a_signed_in_user_is_never_stored(client, owner):
    services.delivery_secret_rotate(acting_user=owner)
    force_sign_in(client, owner)
    response = client.get("/api/delivery/token")
    assert response.status_code == 200
    assert "token" in response.json()
    assert "no-store" in cache_control(response)
    assert_strict_csp(response)
    assert_permissions_policy(response)


def test_the_public_content_api_answers_a_signed_in_user_as_anyone_and_stays_cacheable(client, owner):
    # The content API ignores the session (only a delivery token counts), so its answer holds no user data.
    force_sign_in(client, owner)
    response = client.get("/api/content/entries/")
    assert response.status_code == 200
    assert "no-store" not in cache_control(response)


def test_a_request_with_a_token_header_is_not_stored_even_when_refused(client, db):
    response = client.get("/api/content/entries/", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401
    assert "no-store" in cache_control(response)


def test_the_sign_in_answer_that_opens_a_session_is_not_stored(client, owner, password):
    response = client.post("/login/", {"username": owner.email, "password": password}, REMOTE_ADDR="203.0.113.10")
    assert response.status_code == 302
    assert "no-store" in cache_control(response)


def test_static_files_stay_cacheable_for_a_signed_in_user(client, owner, static_files):
    force_sign_in(client, owner)
    response = client.get("/static/css/panel.css")
    assert response.status_code == 200
    assert "no-store" not in cache_control(response)


# Templates stay workable under the CSP ---------------------------------------------------

INLINE_CODE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


@pytest.mark.parametrize("template", sorted(TEMPLATES_DIR.rglob("*.html")), ids=lambda path: str(path.name))
def test_no_template_holds_code_that_the_csp_blocks(template):
    text = template.read_text()
    found = {kind: pattern.findall(text) for kind, pattern in INLINE_CODE.items()}
    assert {kind: hits for kind, hits in found.items() if hits} == {}


def test_the_template_guard_spots_inline_code():
    samples = {
        "inline script": "<script>alert(1)</script>",
        "style element": "<style>p{}</style>",
        "style attribute": '<p style="color:red">',
        "event handler attribute": '<button onclick="go()">',
        "javascript: URL": '<a href="javascript:go()">',
    }
    for kind, sample in samples.items():
        assert INLINE_CODE[kind].search(sample), kind
    assert not INLINE_CODE["inline script"].search('<script src="/static/a.js" defer></script>')
    assert not INLINE_CODE["event handler attribute"].search('<p class="one" data-on="x">')
