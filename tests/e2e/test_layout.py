"""Every main page at a phone's width (390 px) and a laptop's (1280 px), in Debian's Chromium.

No page is wider than the window (nothing scrolls sideways), and at 1280 px no card is wider than its
content allows (a table that overflows its card scrolls inside it, which the activity table must not
need). A full-page screenshot of each page at each width goes to var/test-output/screenshots/ for a
person to look at. Skipped where Chromium is not installed, as tests/e2e/test_browser.py is.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.roles import Role
from activity.models import Event
from activity.services import event_record
from security.views import SECTIONS
from tests.e2e.support import wait_for_heading
from tests.e2e.test_browser import browser, fill, submit  # noqa: F401  (browser: a fixture)
from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (shutil.which("chromium") and shutil.which("chromedriver")),
        reason="Debian's chromium and chromium-driver are not installed",
    ),
    pytest.mark.django_db(transaction=True),
]

WIDTHS = (390, 1280)
HEIGHT = 900
SCREENSHOTS = Path(django_settings.BASE_DIR) / "var" / "test-output" / "screenshots"


def _viewport(driver, width: int, height: int) -> None:
    """Make the page ``width`` CSS pixels wide, whatever the smallest window the platform allows."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )


def _overflow(driver) -> dict:
    return driver.execute_script(
        """
        const root = document.documentElement;
        const cards = [...document.querySelectorAll('.card')]
          .filter((card) => card.scrollWidth > card.clientWidth + 1)
          .map((card) => (card.querySelector('h2')?.textContent || card.className).trim());
        const events = document.querySelector('table.events');
        const card = events && events.closest('.card');
        return {
          page: root.scrollWidth, window: window.innerWidth, cards: cards,
          events: events ? [events.getBoundingClientRect().width, card.clientWidth] : null,
        };
        """
    )


def _check(driver, url: str, name: str, heading: str) -> list[str]:
    """Open ``url`` at each width, save a screenshot of each, and return what overflows."""
    problems = []
    for width in WIDTHS:
        _viewport(driver, width, HEIGHT)
        driver.get(url)
        wait_for_heading(driver, heading)
        found = _overflow(driver)
        if found["page"] > found["window"]:
            problems.append(f"{name} at {width} px: the page is {found['page']} px wide")
        if width >= 1280 and found["cards"]:
            problems.append(f"{name} at {width} px: cards wider than their content: {found['cards']}")
        if width >= 1280 and found["events"] and found["events"][0] > found["events"][1]:
            problems.append(f"{name} at {width} px: the activity table is wider than its card: {found['events']}")
        _screenshot(driver, f"{name}-{width}", width)
    return problems


def _screenshot(driver, name: str, width: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    _viewport(driver, width, max(HEIGHT, height))
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    _viewport(driver, width, HEIGHT)


def _sign_in(driver, base: str, email: str) -> None:
    driver.delete_all_cookies()
    driver.get(base + "/login/")
    wait_for_heading(driver, "Sign in")
    fill(driver, username=email, password=DEFAULT_PASSWORD)
    submit(driver, "Sign in", then="Dashboard")


def _team_and_log():
    owner = make_user(email="olivia.owner@example.com", role=Role.OWNER, full_name="Olivia Owner")
    member = make_user(
        email="maximilian.montgomery-fitzgerald@subsidiary.example.com", role=Role.MEMBER, full_name="Max Member"
    )
    auditor = make_user(email="ada@example.com", role=Role.AUDITOR, full_name="Ada Auditor")
    account_services.member_role_change(user=member, role=Role.ADMIN, acting_user=owner)
    account_services.member_invite(email="invited.person@example.com", role=Role.MEMBER, acting_user=owner)
    account_services.password_policy_update(acting_user=owner, min_length=12, require_special=True)
    # Events on other days for the chart, one with a long address typed at the sign-in page.
    for days in (3, 40, 89):
        with time_machine.travel(timezone.now() - timedelta(days=days), tick=False):
            event_record(
                action="auth.sign_in_failed",
                target_type="user",
                target_label="a-very-long-address-typed-by-someone@an-unusually-long-domain.example.com",
            )
    return owner, member, auditor


def test_no_main_page_is_wider_than_the_window_at_390_and_1280_px(browser, live_server):  # noqa: F811
    owner, member, auditor = _team_and_log()
    base = live_server.url
    problems = []

    _sign_in(browser, base, owner.email)
    pages = [
        ("/", "dashboard", "Dashboard"),
        ("/team/", "team", "Team"),
        (f"/team/{member.pk}/", "member", member.get_full_name()),
        ("/profile/", "profile", "Profile"),
        ("/profile/two-step/", "two-step", "Two-step authentication"),
        ("/profile/two-step/enrol/", "two-step-enrol", "Set up two-step authentication"),
        ("/settings/security/", "security", "Security settings"),
        *(
            (reverse(f"security:{section.name}"), f"security-{section.name}", "Security settings")
            for section in SECTIONS
        ),
    ]
    for path, name, heading in pages:
        problems += _check(browser, base + path, name, heading)

    _sign_in(browser, base, auditor.email)
    newest = Event.objects.filter(action="settings.password_policy.updated").get()
    problems += _check(browser, base + "/activity/", "activity", "Activity")
    problems += _check(browser, base + f"/activity/{newest.sequence}/", "activity-event", newest.event_type.label)

    assert problems == []
    assert len(list(SCREENSHOTS.glob("*-390.png"))) >= len(pages) + 2


def test_the_day_chart_is_reached_with_the_tab_key_shows_focus_and_opens_the_day(browser, live_server):  # noqa: F811
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    _owner, _member, auditor = _team_and_log()
    _sign_in(browser, live_server.url, auditor.email)
    _viewport(browser, 1280, HEIGHT)
    browser.get(live_server.url + "/activity/")
    wait_for_heading(browser, "Activity")
    clear = browser.find_element(By.LINK_TEXT, "Clear")  # the last control before the chart
    browser.execute_script("arguments[0].focus()", clear)
    ActionChains(browser).send_keys(Keys.TAB).perform()
    focused = browser.switch_to.active_element
    assert focused.get_attribute("class") == "day"
    bar = focused.find_element(By.CSS_SELECTOR, ".bar")
    assert bar.value_of_css_property("stroke") not in ("", "none")  # the focus is visible
    label = focused.get_attribute("aria-label")
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    WebDriverWait(browser, 10).until(lambda driver: "date_from=" in driver.current_url)
    day = browser.current_url.split("date_from=")[1][:10]
    rows = browser.find_elements(By.CSS_SELECTOR, "table.events tbody tr")
    assert rows and all(row.text.startswith(day) for row in rows), (label, day)
