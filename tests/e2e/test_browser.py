"""End to end, in a real browser: Debian's Chromium, driven by its chromedriver.

Skipped where Chromium is not installed (``make test`` on a bare machine);
``.ci/run`` installs it.
"""

from __future__ import annotations

import shutil
import time

import pyotp
import pytest

from accounts.roles import Role
from security import services
from tests.factories import DEFAULT_PASSWORD, make_user

from .support import chromium, click_and_wait, wait_for_heading

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM and CHROMEDRIVER), reason="Debian's chromium and chromium-driver are not installed"
    ),
]


@pytest.fixture
def browser(live_server, settings, tmp_path):
    # The live server speaks plain HTTP.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    # and browsers refuse a __Host- cookie without Secure (modyo_admin.E004).
    settings.SESSION_COOKIE_NAME = "sessionid"
    settings.CSRF_COOKIE_NAME = "csrftoken"
    driver = chromium(tmp_path / "profile")  # the same Chromium as the journeys
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def console_problems(driver) -> list[str]:
    """Return the console messages since the last call that name a blocked resource or a policy error."""
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE"
        or "Content Security Policy" in entry["message"]
        or "Permissions-Policy" in entry["message"]
    ]


def fill(driver, **fields):
    from selenium.webdriver.common.by import By

    for name, value in fields.items():
        element = driver.find_element(By.NAME, name)
        element.clear()
        element.send_keys(value)


def submit(driver, label: str, *, then: str):
    """Click the button and wait for the page whose heading is ``then``."""
    from selenium.webdriver.common.by import By

    click_and_wait(driver, driver.find_element(By.XPATH, f"//button[normalize-space()='{label}']"))
    wait_for_heading(driver, then)


@pytest.mark.django_db(transaction=True)
def test_owner_signs_in_enrols_an_authenticator_and_signs_in_with_a_code(browser, live_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    owner = make_user(email="owner@example.com", role=Role.OWNER, full_name="Olivia Owner")

    browser.get(live_server.url + "/team/")
    wait_for_heading(browser, "Sign in")  # sent to sign in, the wanted page kept
    fill(browser, username=owner.email, password=DEFAULT_PASSWORD)
    submit(browser, "Sign in", then="Team")
    assert "owner@example.com" in browser.page_source

    browser.get(live_server.url + "/profile/two-step/enrol/")
    qr = browser.find_element(By.CSS_SELECTOR, "img[alt^='QR code']")
    # The SVG loaded from the app itself.
    WebDriverWait(browser, 10).until(lambda driver: qr.get_attribute("naturalWidth") not in (None, "0"))
    secret = browser.find_element(By.CSS_SELECTOR, "code.secret").text.replace(" ", "")
    fill(browser, code=pyotp.TOTP(secret).now())
    submit(browser, "Turn on two-step authentication", then="Recovery codes")
    codes = [element.text for element in browser.find_elements(By.CSS_SELECTOR, ".codes code")]
    assert len(codes) == 10
    submit(browser, "I have saved my recovery codes", then="Two-step authentication")
    assert "Each sign-in asks for a code" in browser.page_source

    submit(browser, "Sign out", then="Sign in")
    fill(browser, username=owner.email, password=DEFAULT_PASSWORD)
    submit(browser, "Sign in", then="Two-step verification")
    browser.get(live_server.url + "/team/")
    wait_for_heading(browser, "Sign in")  # nothing opens before the code
    browser.get(live_server.url + "/login/verify/?next=/team/")
    wait_for_heading(browser, "Two-step verification")
    fill(browser, code=pyotp.TOTP(secret).at(time.time() + 30))  # the next code: the enrolment one was used
    submit(browser, "Verify", then="Team")


@pytest.mark.django_db(transaction=True)
def test_every_main_page_works_under_the_content_security_policy(browser, live_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    owner = make_user(email="owner@example.com", role=Role.OWNER, full_name="Olivia Owner")
    browser.get(live_server.url + "/login/")
    wait_for_heading(browser, "Sign in")
    fill(browser, username=owner.email, password=DEFAULT_PASSWORD)
    submit(browser, "Sign in", then="Dashboard")

    for path, heading in [
        ("/", "Dashboard"),
        ("/team/", "Team"),
        ("/settings/security/", "Security settings"),
        ("/profile/", "Profile"),
        ("/profile/two-step/enrol/", "Set up two-step authentication"),
        ("/activity/", "Activity"),
    ]:
        browser.get(live_server.url + path)
        wait_for_heading(browser, heading)
        # The stylesheet applied: the sidebar is laid out by panel.css, not by the browser's defaults.
        assert browser.find_element(By.CSS_SELECTOR, "nav.sidebar").value_of_css_property("display") != "block"
        assert console_problems(browser) == [], path

    # activity.js ran: it shows the browser's time zone next to the filters.
    note = browser.find_element(By.CSS_SELECTOR, "[data-browser-time-zone]")
    WebDriverWait(browser, 5).until(lambda driver: note.is_displayed())
    chart = browser.find_element(By.CSS_SELECTOR, "svg.chart")  # inline, drawn by the server
    assert chart.is_displayed() and chart.size["width"] > 0
    assert console_problems(browser) == []

    # copy.js ran: it shows the Copy button beside a revealed delivery secret.
    services.cors_settings_update(acting_user=owner, enabled=True, allowed_origins=["https://www.example.com"])
    services.delivery_secret_rotate(acting_user=owner)
    browser.get(live_server.url + "/settings/security/")
    submit(browser, "Reveal secret", then="Security settings")
    copy = browser.find_element(By.CSS_SELECTOR, "[data-copy-target='delivery-secret']")
    WebDriverWait(browser, 5).until(lambda driver: copy.is_displayed())
    assert console_problems(browser) == []
