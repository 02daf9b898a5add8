"""Several app processes share one PostgreSQL and one Redis (issue 14).

Two gunicorn servers, started with the repository's own config file
(deploy/gunicorn.conf.py) on two free ports, run against the test's database
and Redis database. A change made through one (a CORS origin, a delivery-key
rotation, a lockout, a deactivation) must be in force on the other within a
second. Each server is asked first, so that it holds the old state in its
caches before the change.

The servers read committed rows only, hence ``transaction=True``; they use the
test database pytest-django created (``connection.settings_dict["NAME"]``).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.db import connection

from accounts.roles import Role
from content import services as content_services
from security import services as security_services
from tests.factories import DEFAULT_PASSWORD, make_user

BASE_DIR = Path(__file__).resolve().parent.parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
ORIGIN = "https://site.example.com"
WITHIN = 1.0  # seconds

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.skipif(
        not settings.CACHES["default"]["BACKEND"].startswith("django_redis."), reason="needs Redis (REDIS_URL)"
    ),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def server_env(var_dir: Path) -> dict[str, str]:
    """Return a production environment on the test's database and Redis database."""
    cache = settings.CACHES["default"]
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # As behind nginx: the requests below say they came over HTTPS.
        "DJANGO_BEHIND_TLS_PROXY": "1",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": cache["LOCATION"],
        "CACHE_KEY_PREFIX": cache["KEY_PREFIX"],
        "MODYO_VAR_DIR": str(var_dir),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "EMAIL_UNDELIVERED_OK": "1",
        "LOG_LEVEL": "WARNING",
    }


class Server:
    """One gunicorn process serving the panel on its own port."""

    def __init__(self, var_dir: Path, name: str):
        self.port = _free_port()
        self.log = (var_dir / f"{name}.log").open("w")
        self.process = subprocess.Popen(  # noqa: S603 - a fixed command line
            [str(GUNICORN), "-c", "deploy/gunicorn.conf.py", "modyo_admin.wsgi:application"],
            cwd=BASE_DIR,
            env={**server_env(var_dir), "GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_WORKERS": "1"},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, Path(self.log.name).read_text()
            try:
                if Browser(self).request("GET", "/healthz").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError("gunicorn did not answer /healthz within 30 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()


class Response:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: str):
        self.status, self.headers, self.body = status, headers, body


class Browser:
    """A client with its own cookies, speaking to one server or another, as over HTTPS behind nginx."""

    def __init__(self, server: Server):
        self.server = server
        self.cookies: dict[str, str] = {}

    def on(self, server: Server) -> Browser:
        other = Browser(server)
        other.cookies = self.cookies  # the same browser: its cookies go to either server
        return other

    def request(self, method: str, path: str, data: dict | None = None, headers: dict | None = None) -> Response:
        sent = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Referer"] = "https://127.0.0.1/"
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=sent)
            answer = conn.getresponse()
            text = answer.read().decode("utf-8", "replace")
        finally:
            conn.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Response(answer.status, answer.headers, text)

    def post_form(self, path: str, data: dict) -> Response:
        """Post ``data`` as the page's form would, with the CSRF token of the page."""
        page = self.request("GET", path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        # A POST-only URL has no page: the CSRF cookie's value is a valid token too.
        assert match or settings.CSRF_COOKIE_NAME in self.cookies, (
            path,
            page.status,
            dict(page.headers),
            page.body[:300],
        )
        token = match[1] if match else self.cookies[settings.CSRF_COOKIE_NAME]
        return self.request("POST", path, {"csrfmiddlewaretoken": token, **data})

    def sign_in(self, email: str, password: str = DEFAULT_PASSWORD) -> Response:
        return self.post_form("/login/", {"username": email, "password": password})


def within_a_second(check) -> float:
    """Return how long ``check()`` took to become true; fail if that was more than WITHIN seconds."""
    start = time.monotonic()
    while True:
        if check():
            return time.monotonic() - start
        if time.monotonic() - start > WITHIN:
            raise AssertionError(f"not in force on the other process within {WITHIN} s")
        time.sleep(0.02)


@pytest.fixture(autouse=True)
def _servers_hashers(settings):
    # Passwords are hashed here and checked by the servers, which know only production's hashers.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]


@pytest.fixture
def servers(tmp_path):
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed")
    # As an operator deploys: static files collected once, for every process (README, "Deploying").
    collected = subprocess.run(  # noqa: S603 - a fixed command line
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=server_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert collected.returncode == 0, collected.stderr
    started = []
    try:
        for name in ("one", "two"):
            started.append(Server(tmp_path, name))
        for server in started:
            server.wait_ready()
        yield started
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def owner_db():
    return make_user(email="owner@example.com", role=Role.OWNER, full_name="Olivia Owner")


def test_a_cors_change_through_one_process_is_in_force_on_the_other(servers, owner_db):
    one, two = servers
    admin = Browser(one)
    assert admin.sign_in(owner_db.email).status == 302
    site = Browser(two)
    asked = site.request("GET", "/api/content/entries/", headers={"Origin": ORIGIN})
    assert asked.status == 200
    assert asked.headers.get("Access-Control-Allow-Origin") is None  # process two caches "not allowed"

    saved = admin.post_form("/settings/security/cors/", {"enabled": "on", "allowed_origins": ORIGIN})
    assert saved.status == 302, saved.body[:500]

    within_a_second(
        lambda: (
            site.request("GET", "/api/content/entries/", headers={"Origin": ORIGIN}).headers.get(
                "Access-Control-Allow-Origin"
            )
            == ORIGIN
        )
    )


def test_a_delivery_key_rotation_through_one_process_is_in_force_on_the_other(servers, owner_db):
    one, two = servers
    content_services.entry_create(
        acting_user=owner_db, title="Price list", slug="price-list", body="Members only.", visibility="private"
    )
    security_services.delivery_secret_rotate(acting_user=owner_db)
    admin = Browser(one)
    assert admin.sign_in(owner_db.email).status == 302
    token = json.loads(admin.request("GET", "/api/delivery/token").body)["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    site = Browser(two)
    assert site.request("GET", "/api/content/entries/price-list/", headers=bearer).status == 200

    rotated = admin.post_form("/settings/security/delivery/rotate/", {"grace_period": "0", "confirm": "on"})
    assert rotated.status == 302, rotated.body[:500]

    within_a_second(lambda: site.request("GET", "/api/content/entries/price-list/", headers=bearer).status == 401)


def test_a_lockout_through_one_process_is_in_force_on_the_other(servers, owner_db):
    one, two = servers
    member = make_user(email="mel@example.com", role=Role.MEMBER)
    attacker = Browser(one)
    for _ in range(5):
        attacker.sign_in(member.email, "not-the-password")

    def locked_on_two() -> bool:
        answer = Browser(two).sign_in(member.email)
        return answer.status == 429 and "temporarily locked" in answer.body

    within_a_second(locked_on_two)


def test_a_deactivation_through_one_process_is_in_force_on_the_other(servers, owner_db):
    one, two = servers
    member = make_user(email="mel@example.com", role=Role.MEMBER)
    mel = Browser(two)
    assert mel.sign_in(member.email).status == 302
    assert mel.request("GET", "/profile/").status == 200

    admin = Browser(one)
    assert admin.sign_in(owner_db.email).status == 302
    done = admin.post_form(f"/team/{member.pk}/deactivate/", {"confirmed": "yes"})
    assert done.status in (200, 302), done.body[:500]

    within_a_second(lambda: mel.request("GET", "/profile/").status == 302)
    assert mel.request("GET", "/profile/").headers["Location"].startswith("/login/")


def test_a_policy_change_through_one_process_is_in_force_on_the_other(servers, owner_db):
    one, two = servers
    member = make_user(email="mel@example.com", role=Role.MEMBER)
    mel = Browser(two)
    assert mel.sign_in(member.email).status == 302
    assert mel.request("GET", "/profile/").status == 200  # process two holds the policy: no two-step required

    admin = Browser(one)
    assert admin.sign_in(owner_db.email).status == 302
    saved = admin.post_form("/settings/security/two-step/", {"two_factor_required": "on", "two_factor_grace_days": 0})
    assert saved.status == 302, saved.body[:500]

    def sent_to_enrolment() -> bool:
        answer = mel.request("GET", "/profile/")
        return answer.status == 302 and answer.headers["Location"].startswith("/profile/two-step/enrol/")

    within_a_second(sent_to_enrolment)


def test_a_deactivation_through_one_process_ends_the_members_delivery_tokens_on_the_other(servers, owner_db):
    one, two = servers
    content_services.entry_create(
        acting_user=owner_db, title="Price list", slug="price-list", body="Members only.", visibility="private"
    )
    security_services.delivery_secret_rotate(acting_user=owner_db)
    member = make_user(email="mel@example.com", role=Role.MEMBER)
    mel = Browser(two)
    assert mel.sign_in(member.email).status == 302
    bearer = {"Authorization": f"Bearer {json.loads(mel.request('GET', '/api/delivery/token').body)['token']}"}
    site = Browser(two)
    assert site.request("GET", "/api/content/entries/price-list/", headers=bearer).status == 200  # two holds mel

    admin = Browser(one)
    assert admin.sign_in(owner_db.email).status == 302
    done = admin.post_form(f"/team/{member.pk}/deactivate/", {"confirmed": "yes"})
    assert done.status in (200, 302), done.body[:500]

    within_a_second(lambda: site.request("GET", "/api/content/entries/price-list/", headers=bearer).status == 401)
