"""The panel's main journeys, as people make them in Debian's Chromium, with the content-security policy on.

Each person has a browser of their own. Every page visited is checked with axe-core and for sideways
scrolling at 1280 px and 390 px (tests/e2e/support.py), and each journey saves a full-page screenshot of its
last step under var/test-output/e2e/. ``make e2e`` runs them; ``make test`` leaves them out.
"""

from __future__ import annotations

import csv
import io
import re
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyotp
import pytest
from django.core import mail
from django.core.management import call_command

from accounts.models import User
from accounts.roles import Role
from content.models import Entry
from tests.factories import DEFAULT_PASSWORD, make_user

from .support import AccessibilityReport, Person, chromium, needs_axe, needs_chromium

pytestmark = [pytest.mark.browser, needs_chromium, needs_axe, pytest.mark.django_db(transaction=True)]

STRONG = "Correct-horse-battery-9"


@pytest.fixture(scope="session")
def accessibility_report():
    report = AccessibilityReport()
    yield report
    report.write()


@pytest.fixture
def people(live_server, settings, tmp_path, accessibility_report):
    """Return a function that opens a browser for a person; every browser is closed after the test."""
    # The live server speaks plain HTTP on localhost, which Chromium treats as secure: the production cookies
    # (Secure, __Host- names) work as they are.
    drivers = []
    checked: set[str] = set()

    def open_browser(name: str) -> Person:
        driver = chromium(tmp_path / name)
        drivers.append(driver)
        return Person(name, driver, live_server.url, accessibility_report, checked)

    yield open_browser
    for driver in drivers:
        driver.quit()


def sign_in(person: Person, email: str, password: str = DEFAULT_PASSWORD, *, then: str = "Dashboard") -> None:
    person.open("/login/", heading="Sign in")
    person.fill("Email", email)
    person.fill("Password", password)
    person.press("Sign in", then=then)


def sign_out(person: Person) -> None:
    person.press("Sign out", then="Sign in")


def link_in_last_mail(to: str) -> str:
    message = next(m for m in reversed(mail.outbox) if to in m.to)
    return re.search(r"https?://\S+", message.body).group(0)


def enrol(person: Person) -> tuple[str, list[str]]:
    """Enrol an authenticator the way a person with an app does: read the key, type the app's code."""
    from selenium.webdriver.common.by import By

    secret = person.driver.find_element(By.CSS_SELECTOR, "code.secret").text.replace(" ", "")
    person.fill("6-digit code from the app", pyotp.TOTP(secret).now())
    person.press("Turn on two-step authentication", then="Recovery codes")
    codes = [element.text for element in person.driver.find_elements(By.CSS_SELECTOR, ".codes code")]
    assert len(codes) == 10
    return secret, codes


def next_code(secret: str) -> str:
    """The code after the current one: a code is accepted once, and enrolment used the current one."""
    return pyotp.TOTP(secret).at(time.time() + 30)


# 1 -----------------------------------------------------------------------------------------------------


def test_first_run_creates_the_owner_from_the_one_time_link(people, live_server, settings):
    settings.PANEL_BASE_URL = live_server.url
    out = io.StringIO()
    call_command("setup_link", stdout=out)
    link = re.search(r"https?://\S+", out.getvalue()).group(0)

    olivia = people("olivia")
    olivia.open(link, heading="Set up the panel")
    olivia.fill("Full name", "Olivia Owner")
    olivia.fill("Email", "olivia@example.com")
    olivia.fill("New password", STRONG)
    olivia.fill("Confirm new password", STRONG)
    olivia.press("Create owner account", then="Sign in")
    olivia.sees("Your owner account is ready")
    sign_in(olivia, "olivia@example.com", STRONG)
    olivia.sees("Olivia Owner")
    assert User.objects.get(email="olivia@example.com").role == Role.OWNER

    olivia.open(link, heading="Setup link not valid")  # one time only
    olivia.screenshot("01-first-run")


# 2 -----------------------------------------------------------------------------------------------------


def test_a_raised_password_policy_is_shown_and_enforced_rule_by_rule(people):
    owner = make_user(email="olivia@example.com", role=Role.OWNER, full_name="Olivia Owner")
    make_user(email="mia@example.com", role=Role.MEMBER, full_name="Mia Member")

    olivia = people("olivia")
    sign_in(olivia, owner.email)
    olivia.open("/settings/security/password-policy/", heading="Security settings")
    olivia.fill("Minimum password length", "12")
    for rule in ("lowercase", "uppercase", "non-alphanumeric"):
        olivia.tick(next(label for label in _labels(olivia) if rule in label))
    olivia.press("Save password policy", then="Security settings")
    olivia.sees("saved")

    mia = people("mia")
    sign_in(mia, "mia@example.com", then="Profile")
    mia.open("/profile/password/", heading="Change password")
    mia.sees("At least 12 characters")  # the rules beside the field follow the policy
    mia.fill("Current password", DEFAULT_PASSWORD)
    mia.fill("New password", "short")
    mia.fill("Confirm new password", "short")
    mia.press("Change password", then="Change password")
    refused = mia.text()
    for rule in ("12 characters", "uppercase", "Special character"):
        assert rule in refused, f"the refusal does not name the {rule} rule"

    mia.fill("Current password", DEFAULT_PASSWORD)
    mia.fill("New password", "Tangerine-Orbit-47")
    mia.fill("Confirm new password", "Tangerine-Orbit-47")
    mia.press("Change password", then="Profile")
    mia.sees("changed")
    mia.screenshot("02-password-policy")


def _labels(person: Person) -> list[str]:
    from selenium.webdriver.common.by import By

    return [element.text.strip() for element in person.driver.find_elements(By.TAG_NAME, "label")]


# 3 -----------------------------------------------------------------------------------------------------


def test_an_invited_member_joins_from_the_link_in_another_browser(people, live_server, settings):
    settings.PANEL_BASE_URL = live_server.url
    owner = make_user(email="olivia@example.com", role=Role.OWNER, full_name="Olivia Owner")

    olivia = people("olivia")
    sign_in(olivia, owner.email)
    olivia.open("/team/", heading="Team")
    olivia.fill("Email", "nina@example.com")
    olivia.fill("Full name", "Nina New")
    olivia.choose("Role", "Member")
    olivia.press("Send invitation", then="Team")
    olivia.sees("nina@example.com")

    nina = people("nina")
    nina.open(link_in_last_mail("nina@example.com"), heading="Join the team")
    nina.fill("New password", STRONG)
    nina.fill("Confirm new password", STRONG)
    nina.press("Set password and join", then="Sign in")
    sign_in(nina, "nina@example.com", STRONG, then="Profile")
    nina.sees("Nina New")
    nina.screenshot("03-invitation")


# 4 -----------------------------------------------------------------------------------------------------


def test_a_member_enrols_signs_in_with_a_code_and_once_with_a_recovery_code(people):
    make_user(email="mia@example.com", role=Role.MEMBER, full_name="Mia Member")

    mia = people("mia")
    sign_in(mia, "mia@example.com", then="Profile")
    mia.open("/profile/two-step/", heading="Two-step authentication")
    mia.follow("Set up two-step authentication", then="Set up two-step authentication")
    secret, codes = enrol(mia)
    mia.press("I have saved my recovery codes", then="Two-step authentication")

    sign_out(mia)
    sign_in(mia, "mia@example.com", then="Two-step verification")
    mia.fill("Authentication code or recovery code", next_code(secret))
    mia.press("Verify", then="Profile")

    sign_out(mia)
    sign_in(mia, "mia@example.com", then="Two-step verification")
    mia.fill("Authentication code or recovery code", codes[0])
    mia.press("Verify", then="Profile")
    mia.open("/profile/two-step/", heading="Two-step authentication")
    mia.sees("9")  # recovery codes left

    sign_out(mia)
    sign_in(mia, "mia@example.com", then="Two-step verification")
    mia.fill("Authentication code or recovery code", codes[0])  # used once already
    mia.press("Verify", then="Two-step verification")
    assert "code" in mia.alert().lower() or "not" in mia.text().lower()
    mia.screenshot("04-two-step")


# 5 -----------------------------------------------------------------------------------------------------


def test_once_two_step_is_required_a_member_without_a_device_can_only_enrol(people):
    owner = make_user(email="olivia@example.com", role=Role.OWNER, full_name="Olivia Owner")
    make_user(email="mia@example.com", role=Role.MEMBER, full_name="Mia Member")

    olivia = people("olivia")
    sign_in(olivia, owner.email)
    olivia.open("/profile/two-step/enrol/", heading="Set up two-step authentication")
    enrol(olivia)  # the rule will hold for the owner too
    olivia.press("I have saved my recovery codes", then="Two-step authentication")
    olivia.open("/settings/security/two-step/", heading="Security settings")
    olivia.tick("Require two-step authentication for all team members")
    olivia.fill("Grace period (days)", "0")
    olivia.press("Save two-step settings", then="Security settings")

    mia = people("mia")
    sign_in(mia, "mia@example.com", then="Set up two-step authentication")
    for path in ("/profile/", "/profile/password/", "/activity/"):
        mia.open(path, heading="Set up two-step authentication")
    enrol(mia)
    mia.press("I have saved my recovery codes")
    mia.open("/profile/", heading="Profile")  # every page opens again
    mia.screenshot("05-two-step-required")


# 6 -----------------------------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_a_member_out_until_the_owner_unlocks_them(people):
    owner = make_user(email="olivia@example.com", role=Role.OWNER, full_name="Olivia Owner")
    make_user(email="mia@example.com", role=Role.MEMBER, full_name="Mia Member")

    mia = people("mia")
    for _ in range(5):
        mia.open("/login/", heading="Sign in")
        mia.fill("Email", "mia@example.com")
        mia.fill("Password", "not-my-password")
        mia.press("Sign in")
    mia.sees_heading("Sign-in temporarily locked")
    sign_in(mia, "mia@example.com", then="Sign-in temporarily locked")  # the right password does not help

    olivia = people("olivia")
    sign_in(olivia, owner.email)
    olivia.open("/team/?status=locked", heading="Team")
    olivia.follow("Mia Member", then="Mia Member")
    olivia.press("Unlock sign-in", then="Mia Member")
    olivia.sees("unlocked")

    sign_in(mia, "mia@example.com", then="Profile")
    mia.screenshot("06-lockout")


# 7 -----------------------------------------------------------------------------------------------------


class _Site(ThreadingHTTPServer):
    daemon_threads = True


def serve_page(directory: Path) -> tuple[str, _Site]:
    """Serve ``directory`` on another port of the same host: another origin, the same site."""
    server = _Site(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://localhost:{server.server_address[1]}", server


READER_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Reader</title></head>
<body><main><h1>Reader</h1><p id="result">waiting</p></main><script>
const panel = new URLSearchParams(location.search).get("panel");
const show = text => { document.getElementById("result").textContent = text; };
fetch(panel + "/api/delivery/token", {credentials: "include"})
  .then(response => response.json())
  .then(({token}) => fetch(panel + "/api/content/entries/members-only/", {headers: {Authorization: "Bearer " + token}})
    .then(response => response.json()).then(entry => show("read: " + entry.title + " token: " + token)))
  .catch(error => show("blocked: " + error));
</script></body></html>"""


def test_an_allowed_origin_reads_private_content_and_a_new_key_ends_old_tokens(people, live_server, tmp_path):
    import requests

    owner = make_user(email="olivia@example.com", role=Role.OWNER, full_name="Olivia Owner")
    Entry.objects.create(title="Members only", slug="members-only", visibility="private", body="Hello")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "reader.html").write_text(READER_PAGE)
    allowed, allowed_server = serve_page(tmp_path / "site")
    other, other_server = serve_page(tmp_path / "site")
    try:
        olivia = people("olivia")
        sign_in(olivia, owner.email)
        olivia.open("/settings/security/cors/", heading="Security settings")
        olivia.tick("Enable CORS")
        olivia.fill("Allowed origins", allowed)
        olivia.press("Save CORS settings", then="Security settings")
        olivia.open("/settings/security/delivery/rotate/", heading="Security settings")
        olivia.press("Generate key", then="Security settings")

        olivia.driver.get(f"{allowed}/reader.html?panel={live_server.url}")
        result = _wait_for_result(olivia)
        assert result.startswith("read: Members only"), result
        token = result.rsplit(" ", 1)[1]
        entry_url = live_server.url + "/api/content/entries/members-only/"
        assert requests.get(entry_url, headers={"Authorization": f"Bearer {token}"}, timeout=10).status_code == 200

        olivia.driver.get(f"{other}/reader.html?panel={live_server.url}")
        assert _wait_for_result(olivia).startswith("blocked:")  # the browser refuses a response without CORS

        olivia.open("/settings/security/delivery/rotate/", heading="Security settings")
        olivia.tick("I understand that tokens signed with the current key stop working (after the grace period).")
        olivia.fill("Keep the previous key valid for (seconds)", "0")
        olivia.press("Generate new key", then="Security settings")
        assert requests.get(entry_url, headers={"Authorization": f"Bearer {token}"}, timeout=10).status_code == 401
        olivia.screenshot("07-cors-and-delivery")
    finally:
        allowed_server.shutdown()
        other_server.shutdown()


def _wait_for_result(person: Person) -> str:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    element = person.driver.find_element(By.ID, "result")
    WebDriverWait(person.driver, 10).until(lambda driver: element.text != "waiting")
    return element.text


# 8 -----------------------------------------------------------------------------------------------------


def test_an_auditor_filters_the_log_opens_a_change_and_exports_it(people, tmp_path):
    from accounts import services as account_services

    owner = make_user(email="olivia@example.com", role=Role.OWNER, full_name="Olivia Owner")
    mia = make_user(email="mia@example.com", role=Role.MEMBER, full_name="Mia Member")
    auditor = make_user(email="ada@example.com", role=Role.AUDITOR, full_name="Ada Auditor")
    account_services.member_role_change(user=mia, role=Role.ADMIN, acting_user=owner)
    account_services.member_name_update(user=mia, full_name="Mia Admin", acting_user=owner)

    ada = people("ada")
    sign_in(ada, auditor.email)
    ada.open("/activity/", heading="Activity")
    ada.fill("Actor", owner.email)
    ada.choose("Action", "Role changed (member.role_changed)")
    ada.press("Apply filters", then="Activity")
    ada.sees("Member → Admin")
    ada.does_not_see("changed the name of")
    ada.follow("Role changed", then="Role changed")
    ada.sees("Member")
    ada.sees("Admin")

    ada.driver.back()
    ada.sees_heading("Activity")
    ada.follow("CSV", navigates=False)  # a download: the page stays
    download = tmp_path / "ada" / "downloads"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not list(download.glob("*.csv")):
        time.sleep(0.1)
    (exported,) = download.glob("*.csv")
    rows = list(csv.DictReader(io.StringIO(exported.read_text())))
    assert [row["action"] for row in rows] == ["member.role_changed"]
    ada.screenshot("08-activity")


# 9 -----------------------------------------------------------------------------------------------------


def test_a_token_made_on_the_page_reads_the_log_from_a_script_until_it_is_revoked(people, live_server):
    import requests
    from selenium.webdriver.common.by import By

    admin = make_user(email="alex@example.com", role=Role.ADMIN, full_name="Alex Admin")

    alex = people("alex")
    sign_in(alex, admin.email)
    alex.open("/profile/", heading="Profile")
    alex.follow("API tokens", then="API tokens")
    alex.fill("Name", "SIEM export")
    alex.tick("Read")
    alex.press("Create token", then="API tokens")
    token = alex.driver.find_element(By.ID, "token-value").text
    alex.sees("shown only this once")

    activity = live_server.url + "/api/v1/activity/"
    response = requests.get(activity, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert response.status_code == 200, response.text
    assert "api_token.created" in response.text

    alex.open("/profile/api-tokens/", heading="API tokens")
    alex.does_not_see(token)  # shown once only
    alex.press_in("SIEM export", "Revoke", then="Are you sure?")
    alex.press("Revoke token", then="API tokens")
    response = requests.get(activity, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert response.status_code == 401
    assert response.headers["Content-Type"].startswith("application/problem+json")
    alex.screenshot("09-api-token")


# 10 ----------------------------------------------------------------------------------------------------


def test_a_failing_checkup_leads_to_the_setting_that_fixes_it(people):
    admin = make_user(email="alex@example.com", role=Role.ADMIN, full_name="Alex Admin")

    alex = people("alex")
    sign_in(alex, admin.email)
    alex.follow("Security checkup", then="Security checkup")
    row = "A strong password policy"
    assert "Fail" in _row_text(alex, row)
    alex.follow("Password policy", then="Security settings")
    alex.fill("Refuse reuse of the last N passwords (0 = off)", "5")
    alex.press("Save password policy", then="Security settings")

    alex.open("/checkup/", heading="Security checkup")
    assert "Pass" in _row_text(alex, row)
    alex.screenshot("10-checkup")


def _row_text(person: Person, heading: str) -> str:
    from selenium.webdriver.common.by import By

    return person.driver.find_element(By.XPATH, f"//tr[th[contains(normalize-space(), '{heading}')]]").text


# 11 ----------------------------------------------------------------------------------------------------


def test_an_auditor_signs_off_a_review_and_the_log_shows_it(people):
    from accounts import services as account_services

    owner = make_user(email="olivia@example.com", role=Role.OWNER, full_name="Olivia Owner")
    auditor = make_user(email="ada@example.com", role=Role.AUDITOR, full_name="Ada Auditor")
    account_services.member_name_update(user=owner, full_name="Olivia O.", acting_user=owner)

    ada = people("ada")
    sign_in(ada, auditor.email)
    ada.open("/activity/", heading="Activity")
    ada.sees("No review of the log has been signed off yet")
    ada.fill("Note (optional)", "Monthly review: nothing unusual")
    ada.press("Sign off review", then="Activity")
    ada.sees("Reviewed up to event")
    ada.sees("Monthly review: nothing unusual")
    ada.sees("1 event newer than the last sign-off")  # the sign-off's own event
    ada.screenshot("11-review-sign-off")
