"""No dead ends: cancelling, required steps and used links always lead somewhere a person can go on from."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import override_settings

from accounts import services
from accounts.roles import Role
from tests.conftest import force_sign_in, sign_in
from tests.factories import make_user
from tests.two_factor.conftest import (
    code_at,
    enrolled,  # noqa: F401  (a fixture the first test uses)
)

pytestmark = pytest.mark.django_db


def test_cancelling_the_code_step_signs_out_and_leads_to_a_plain_sign_in(client, enrolled):  # noqa: F811
    member = make_user(email="mia@example.com")
    enrolled(member)
    client.post("/login/", {"username": member.email, "password": "Correct-Horse-9-Battery"})
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    again = client.post("/login/", {"username": member.email, "password": "Correct-Horse-9-Battery"})
    assert again["Location"].startswith("/login/verify/")


def test_a_post_only_url_is_never_put_in_next(client):
    response = client.post("/team/invite/", {"email": "x@example.com"})
    assert response.status_code == 302
    assert response["Location"] == "/login/"


def test_the_link_styled_buttons_are_readable_on_light_backgrounds():
    css = (settings.BASE_DIR / "static" / "css" / "panel.css").read_text()
    rule = re.search(r"button\.link\s*\{([^}]*)\}", css)
    assert rule is not None
    assert "color:" in rule.group(1).replace(" ", "")
    assert "#fff" not in rule.group(1)


def test_recovery_codes_are_shown_before_a_required_password_change(client):
    member = make_user(email="mia@example.com", must_enrol_two_factor=True, must_change_password=True)
    sign_in(client, member)
    page = client.get("/profile/two-step/enrol/")
    secret = page.context["secret_grouped"].replace(" ", "")
    response = client.post("/profile/two-step/enrol/", {"code": code_at(secret)})
    assert response["Location"] == "/profile/two-step/recovery-codes/"
    # Anything else the member opens first leads back to the codes, shown once.
    elsewhere = client.get("/profile/")
    assert elsewhere["Location"].startswith("/profile/two-step/recovery-codes/")
    codes = client.get("/profile/two-step/recovery-codes/").context["codes"]
    assert len(codes) == 10
    assert client.get("/profile/")["Location"].startswith("/password/change-required/")


def test_a_used_setup_link_shows_the_panels_own_page_also_in_debug(client):
    token = services.setup_token_issue()
    make_user(email="olivia@example.com", role=Role.OWNER)
    with override_settings(DEBUG=True):
        response = client.get(f"/setup/{token}/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "already used" in text
    assert 'href="/login/"' in text


def test_a_signed_in_member_can_still_sign_out(client):
    force_sign_in(client, make_user(email="mia@example.com"))
    assert client.post("/logout/")["Location"] == "/login/"
    assert client.get("/profile/")["Location"].startswith("/login/")


def test_make_run_on_another_port_prints_links_to_that_port(tmp_path):
    import subprocess

    env = {"PATH": "/usr/bin:/bin", "PORT": "8101", "MODYO_VAR_DIR": str(tmp_path)}
    plan = subprocess.run(
        ["make", "-n", "-s", "run", "PORT=8101"],  # noqa: S607  the project's own Makefile
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    setup_line = next(line for line in plan.splitlines() if "setup_link" in line)
    assert "http://127.0.0.1:8101" in setup_line
    assert "8000" not in setup_line
