"""ADMIN_HOST and DELIVERY_HOST: each host answers only its own paths (issue 14, modyo_admin/hosts.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from modyo_admin import hosts
from security import cors
from security import services as security_services
from tests.conftest import force_sign_in

ADMIN = "admin.example.com"
DELIVERY = "api.example.com"
ORIGIN = "https://site.example.com"


def ids(messages) -> list[str]:
    return [message.id for message in messages]


@pytest.fixture
def separated(settings):
    settings.ALLOWED_HOSTS = [ADMIN, DELIVERY, "testserver"]
    settings.ADMIN_HOST = ADMIN
    settings.DELIVERY_HOST = DELIVERY
    cors.allowed_origins.forget()
    yield
    cors.allowed_origins.forget()


@pytest.fixture
def entry_and_token(owner):
    from content import services as content_services

    content_services.entry_create(
        acting_user=owner, title="Price list", slug="price-list", body="Members only.", visibility="private"
    )
    security_services.delivery_secret_rotate(acting_user=owner)
    security_services.cors_settings_update(acting_user=owner, enabled=True, allowed_origins=[ORIGIN])
    client = force_sign_in(Client(), owner)
    token = client.get("/api/delivery/token", secure=True, HTTP_HOST=ADMIN).json()["token"]
    return token


ADMIN_ONLY = ["/", "/login/", "/team/", "/settings/security/", "/activity/", "/api/delivery/token", "/api/schema/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", [*ADMIN_ONLY, "/static/css/panel.css", "/api/v1/", "/nothing-here/"])
def test_admin_paths_on_the_delivery_host_are_404(separated, owner, path):
    client = force_sign_in(Client(), owner)
    response = client.get(path, secure=True, HTTP_HOST=DELIVERY)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")
    assert "Set-Cookie" not in response.headers
    assert not response.cookies


@pytest.mark.django_db
def test_the_content_api_answers_on_the_delivery_host_only(separated, entry_and_token):
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {entry_and_token}"}
    on_delivery = Client().get("/api/content/entries/price-list/", secure=True, HTTP_HOST=DELIVERY, **bearer)
    assert on_delivery.status_code == 200
    assert on_delivery.json()["slug"] == "price-list"
    assert not on_delivery.cookies
    on_admin = Client().get("/api/content/entries/price-list/", secure=True, HTTP_HOST=ADMIN, **bearer)
    assert on_admin.status_code == 404


@pytest.mark.django_db
def test_the_content_api_keeps_its_cors_headers_on_the_delivery_host(separated, entry_and_token):
    response = Client().get("/api/content/entries/", secure=True, HTTP_HOST=DELIVERY, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ORIGIN


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/login/", "/team/", "/settings/security/cors/", "/activity/"])
def test_no_admin_page_carries_cors_headers(separated, entry_and_token, owner, path):
    client = force_sign_in(Client(), owner)
    response = client.get(path, secure=True, HTTP_HOST=ADMIN, HTTP_ORIGIN=ORIGIN)
    assert response.status_code in {200, 302}
    assert not [name for name in response.headers if name.lower().startswith("access-control-")]


@pytest.mark.django_db
def test_the_admin_host_serves_the_admin_with_host_only_cookies(separated, owner, password):
    client = Client()
    page = client.get("/login/", secure=True, HTTP_HOST=ADMIN)
    assert page.status_code == 200
    response = client.post("/login/", {"username": owner.email, "password": password}, secure=True, HTTP_HOST=ADMIN)
    assert response.status_code == 302
    for name in ("__Host-sessionid", "__Host-csrftoken"):
        cookie = client.cookies[name]
        assert cookie["domain"] == ""  # host-only: never sent to api.example.com
        assert cookie["secure"] is True
        assert cookie["path"] == "/"
    assert client.get("/", secure=True, HTTP_HOST=ADMIN).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("host", [ADMIN, DELIVERY])
def test_probes_and_security_txt_answer_on_both_hosts(separated, host):
    client = Client()
    assert client.get("/healthz", HTTP_HOST=host).status_code == 200
    # Answered by the probe on either host (ready or not, never the host separation's 404).
    assert "ready" in client.get("/readyz", HTTP_HOST=host).content.decode()
    assert client.get("/.well-known/security.txt", secure=True, HTTP_HOST=host).status_code == 200


@pytest.mark.django_db
def test_a_third_allowed_host_serves_nothing_while_separated(separated):
    assert Client().get("/login/", secure=True).status_code == 404  # testserver


@pytest.mark.django_db
def test_unset_one_host_serves_everything(settings, owner):
    assert settings.ADMIN_HOST == settings.DELIVERY_HOST == ""
    client = force_sign_in(Client(), owner)
    assert client.get("/", secure=True).status_code == 200
    assert client.get("/api/content/entries/", secure=True).status_code == 200


# modyo_admin.E003 and E004 ------------------------------------------------------------


def test_e003_passes_unset_and_when_both_hosts_are_right(settings):
    assert hosts.check_host_separation(None) == []
    settings.ALLOWED_HOSTS = [ADMIN, DELIVERY]
    settings.ADMIN_HOST, settings.DELIVERY_HOST = ADMIN, DELIVERY
    assert hosts.check_host_separation(None) == []


@pytest.mark.parametrize(
    ("admin", "delivery", "allowed", "extra"),
    [
        (ADMIN, "", [ADMIN], {}),
        ("", DELIVERY, [DELIVERY], {}),
        (ADMIN, ADMIN, [ADMIN], {}),
        (ADMIN, DELIVERY, [ADMIN], {}),
        (ADMIN, DELIVERY, [ADMIN, DELIVERY], {"SESSION_COOKIE_DOMAIN": ".example.com"}),
        (ADMIN, DELIVERY, [ADMIN, DELIVERY], {"CSRF_COOKIE_DOMAIN": ".example.com"}),
    ],
    ids=["admin-only", "delivery-only", "same-host", "not-allowed", "session-domain", "csrf-domain"],
)
def test_e003_host_separation_misconfigured(settings, admin, delivery, allowed, extra):
    settings.ADMIN_HOST, settings.DELIVERY_HOST, settings.ALLOWED_HOSTS = admin, delivery, allowed
    for name, value in extra.items():
        setattr(settings, name, value)
    assert set(ids(hosts.check_host_separation(None))) == {"modyo_admin.E003"}


def test_e003_middleware_missing(settings):
    settings.ALLOWED_HOSTS = [ADMIN, DELIVERY]
    settings.ADMIN_HOST, settings.DELIVERY_HOST = ADMIN, DELIVERY
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != hosts.MIDDLEWARE]
    assert ids(hosts.check_host_separation(None)) == ["modyo_admin.E003"]


def test_e004_passes_with_the_project_settings():
    assert hosts.check_host_prefixed_cookies(None) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"SESSION_COOKIE_SECURE": False},
        {"CSRF_COOKIE_SECURE": False},
        {"SESSION_COOKIE_DOMAIN": ".example.com"},
        {"SESSION_COOKIE_PATH": "/admin/"},
    ],
)
def test_e004_host_prefixed_cookie_that_browsers_would_refuse(settings, changes):
    for name, value in changes.items():
        setattr(settings, name, value)
    assert ids(hosts.check_host_prefixed_cookies(None)) == ["modyo_admin.E004"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/", "/api/schema/", "/api/docs/"])
def test_the_admin_api_and_its_docs_never_carry_cors_headers(separated, entry_and_token, owner, path):
    # A listed origin is a site's: it may read the content API and ask for a delivery token, never the admin's API.
    client = force_sign_in(Client(), owner)
    for response in (
        client.get(path, secure=True, HTTP_HOST=ADMIN, HTTP_ORIGIN=ORIGIN),
        client.options(
            path, secure=True, HTTP_HOST=ADMIN, HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
        ),
    ):
        assert not [name for name in response.headers if name.lower().startswith("access-control-")], path


@pytest.mark.django_db
def test_a_listed_origin_still_gets_cors_on_the_content_api_and_token(separated, entry_and_token, owner):
    client = force_sign_in(Client(), owner)
    for path, host in (("/api/content/entries/", DELIVERY), ("/api/delivery/token", ADMIN)):
        response = client.get(path, secure=True, HTTP_HOST=host, HTTP_ORIGIN=ORIGIN)
        assert response["Access-Control-Allow-Origin"] == ORIGIN
