"""What the browser journeys share: a Chromium per person, pages found the way a person finds them, and on
every page visited an accessibility check (axe-core) and a width check at 1280 px and at 390 px.

Debian's ``chromium`` and ``chromedriver`` drive the pages (nothing downloads a browser); axe-core comes from
npm (``make e2e`` runs ``npm ci``, pinned in package-lock.json) and is injected into each page. Screenshots and
the accessibility report are written to ``var/test-output/e2e/`` (``E2E_OUTPUT`` moves it).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
OUTPUT = Path(os.environ.get("E2E_OUTPUT", ROOT / "var" / "test-output" / "e2e"))
WIDTHS = (1280, 390)
HEIGHT = 900
# Violations of these impacts fail the journey that met them; the others are listed in the report.
BLOCKING_IMPACTS = {"serious", "critical"}

needs_chromium = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER), reason="Debian's chromium and chromium-driver are not installed"
)
needs_axe = pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (make e2e runs npm ci)")


# Waiting on pages -----------------------------------------------------------------------------------------
# Chromium answers a question about an element of a document being replaced with an "unhandled inspector
# error" as often as with "stale element": the waits below hold no element handle across a navigation. They
# read the page in one script, and treat any driver error while the next page loads as "not there yet".


def heading_text(driver) -> str | None:
    """Return the text of the page's first <h1> as a person sees it, or None."""
    return driver.execute_script("const h = document.querySelector('h1'); return h ? h.innerText.trim() : null;")


def wait_for_heading(driver, text: str, *, who: str = "") -> None:
    """Wait until the page headed ``text`` is shown."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def shown(driver) -> bool:
        return heading_text(driver) == text

    try:
        WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(shown)
    except WebDriverException as timeout:
        try:
            seen = heading_text(driver)
        except WebDriverException as error:
            seen = f"(unreadable: {error.msg})"
        where = f"at {driver.current_url} ({seen!r})"
        raise AssertionError(f"{who or 'the browser'}: no page headed {text!r}; {where}") from timeout


def click_and_wait(driver, element, *, who: str = "") -> None:
    """Click and wait until the next page has replaced this one: the next step never races the request.

    The current page's window carries a marker that a new document cannot have.
    """
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    marker = secrets.token_hex(8)
    driver.execute_script("window.__e2ePage = arguments[0]", marker)
    element.click()

    def replaced(driver) -> bool:
        return driver.execute_script(
            "return window.__e2ePage !== arguments[0] && document.readyState !== 'loading'", marker
        )

    WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(
        replaced, message=f"{who or 'the browser'}: the page at {driver.current_url} stayed"
    )


def chromium(profile: Path):
    """Start a headless Chromium with its own profile: a separate browser, with its own cookies."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        f"--window-size={WIDTHS[0]},{HEIGHT}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # Downloads (the CSV export) land in the profile, where the journey reads them.
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(profile / "downloads"), "download.prompt_for_download": False}
    )
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    return driver


@dataclass
class AccessibilityReport:
    """Every page checked, at which widths, and the violations found, written as JSON and Markdown."""

    pages: dict[str, list[int]] = field(default_factory=dict)
    violations: list[dict] = field(default_factory=list)

    def add(self, page: str, width: int, found: list[dict]) -> None:
        self.pages.setdefault(page, []).append(width)
        for violation in found:
            self.violations.append(
                {
                    "page": page,
                    "width": width,
                    "rule": violation["id"],
                    "impact": violation.get("impact"),
                    "help": violation["help"],
                    "nodes": [node["target"] for node in violation["nodes"]][:5],
                }
            )

    def write(self) -> None:
        OUTPUT.mkdir(parents=True, exist_ok=True)
        (OUTPUT / "accessibility.json").write_text(
            json.dumps({"pages": self.pages, "violations": self.violations}, indent=2)
        )
        by_rule = Counter((v["rule"], v["impact"]) for v in self.violations)
        lines = [
            "# Accessibility (axe-core) on the pages the journeys visited",
            "",
            f"{len(self.pages)} pages, each at {' px and '.join(map(str, WIDTHS))} px.",
            "",
            "## Violations by rule",
            "",
        ]
        lines += [f"- {rule} ({impact}): {count}" for (rule, impact), count in sorted(by_rule.items())] or ["- none"]
        lines += ["", "## Pages", ""] + [f"- {page}" for page in sorted(self.pages)]
        (OUTPUT / "accessibility.md").write_text("\n".join(lines) + "\n")


def page_key(url: str, heading: str) -> str:
    """Name a page by its path with ids and tokens replaced, and its heading: one check per kind of page."""
    path = urlsplit(url).path
    path = re.sub(r"/\d+(?=/|$)", "/<id>", path)
    path = re.sub(r"/(setup|invite|reset)/[^/]+(/[^/]+)?/", r"/\1/<token>/", path)
    return f"{path} — {heading}"


class Person:
    """One person at one browser: finds fields by their labels and buttons by their names.

    After every navigation the page is checked: nothing blocked by the content-security policy; and once per
    kind of page, axe-core at each width (no serious or critical violation) and no page wider than the window.
    """

    def __init__(self, name: str, driver, base_url: str, report: AccessibilityReport, checked: set[str]):
        self.name, self.driver, self.base_url, self.report, self.checked = name, driver, base_url, report, checked

    # Navigation -----------------------------------------------------------------------------------------

    def open(self, path: str, *, heading: str) -> None:
        self.driver.get(path if path.startswith("http") else self.base_url + path)
        self.sees_heading(heading)

    def press(self, name: str, *, then: str | None = None) -> None:
        """Press the button called ``name`` (the only one on the page, or the first in reading order)."""
        self._navigate(self._clickable(f"//button[normalize-space()={_xpath_literal(name)}]", f"button {name!r}"))
        if then:
            self.sees_heading(then)

    def press_in(self, container_text: str, name: str, *, then: str | None = None) -> None:
        """Press the button called ``name`` inside the row or section that contains ``container_text``."""
        xpath = (
            f"//*[self::tr or self::li or self::section or self::form][contains(normalize-space(), "
            f"{_xpath_literal(container_text)})]//button[normalize-space()={_xpath_literal(name)}]"
        )
        self._navigate(self._clickable(xpath, f"button {name!r} near {container_text!r}"))
        if then:
            self.sees_heading(then)

    def follow(self, text: str, *, then: str | None = None, navigates: bool = True) -> None:
        """Follow the link whose text (or accessible name) is ``text`` (``navigates=False``: a download)."""
        literal = _xpath_literal(text)
        xpath = f"//a[normalize-space()={literal} or @aria-label={literal}]"
        link = self._clickable(xpath, f"link {text!r}")
        if navigates:
            self._navigate(link)
        else:
            link.click()
        if then:
            self.sees_heading(then)

    def fill(self, label: str, value: str) -> None:
        """Type ``value`` into the field labelled ``label`` (the label's text, without any hint)."""
        element = self.field(label)
        element.clear()
        element.send_keys(value)

    def choose(self, label: str, option: str) -> None:
        from selenium.webdriver.support.ui import Select

        Select(self.field(label)).select_by_visible_text(option)

    def tick(self, label: str, on: bool = True) -> None:
        element = self.field(label)
        if element.is_selected() != on:
            element.click()

    def field(self, label: str):
        """Return the control a label with this text names (through ``for``, or by wrapping it)."""
        from selenium.webdriver.common.by import By

        literal = _xpath_literal(label)
        exact = f"//label[normalize-space(text())={literal} or normalize-space()={literal}]"
        labels = self.driver.find_elements(By.XPATH, exact) or self.driver.find_elements(
            By.XPATH, f"//label[starts-with(normalize-space(), concat({literal}, ' '))]"
        )
        for element in labels:
            target = element.get_attribute("for")
            if target:
                return self.driver.find_element(By.ID, target)
            inner = element.find_elements(By.CSS_SELECTOR, "input, select, textarea")
            if inner:
                return inner[0]
        raise AssertionError(f"no field labelled {label!r} on {self.driver.current_url}")

    # What the person sees -------------------------------------------------------------------------------

    def sees_heading(self, text: str) -> None:
        wait_for_heading(self.driver, text, who=self.name)
        self.check_page(text)

    def sees(self, text: str) -> None:
        body = self.text()
        assert text in body, f"{self.name} does not see {text!r} on {self.driver.current_url}"

    def does_not_see(self, text: str) -> None:
        assert text not in self.text(), f"{self.name} sees {text!r} on {self.driver.current_url}"

    def text(self) -> str:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.TAG_NAME, "body").text

    def alert(self) -> str:
        """Return the text of the page's error summary or messages (role=alert or status)."""
        from selenium.webdriver.common.by import By

        return "\n".join(
            element.text for element in self.driver.find_elements(By.CSS_SELECTOR, "[role=alert], [role=status]")
        )

    # Checks on every page ------------------------------------------------------------------------------

    def check_page(self, heading: str) -> None:
        blocked = [message for message in self.console_problems() if "Content Security Policy" in message]
        assert not blocked, f"{self.driver.current_url}: the content-security policy blocked {blocked}"
        key = page_key(self.driver.current_url, heading)
        if key in self.checked:
            return
        self.checked.add(key)
        try:
            for width in WIDTHS:
                self._resize(width)
                overflow = self.driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, f"{key} is {overflow} px wider than a {width} px window"
                found = self._axe()
                self.report.add(key, width, found)
                blocking = [v for v in found if v.get("impact") in BLOCKING_IMPACTS]
                assert not blocking, f"{key} at {width} px: " + "; ".join(
                    f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
                    for v in blocking
                )
        finally:
            self._resize(WIDTHS[0])

    def screenshot(self, name: str) -> Path:
        """Save a full-page screenshot of what the person sees now."""
        OUTPUT.mkdir(parents=True, exist_ok=True)
        path = OUTPUT / f"{name}.png"
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(WIDTHS[0], max(HEIGHT, height))
        try:
            self.driver.save_screenshot(str(path))
        finally:
            self.driver.set_window_size(WIDTHS[0], HEIGHT)
        return path

    def console_problems(self) -> list[str]:
        return [
            entry["message"]
            for entry in self.driver.get_log("browser")
            if entry["level"] == "SEVERE"
            and "favicon" not in entry["message"]
            or "Content Security Policy" in entry["message"]
        ]

    # Internals --------------------------------------------------------------------------------------------

    def _clickable(self, xpath: str, what: str):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, 10).until(
            expected_conditions.element_to_be_clickable((By.XPATH, xpath)),
            message=f"{self.name}: no {what} to press on {self.driver.current_url}",
        )

    def _navigate(self, element) -> None:
        click_and_wait(self.driver, element, who=self.name)

    def _resize(self, width: int) -> None:
        self.driver.set_window_size(width, HEIGHT)
        self.driver.execute_script("return document.documentElement.offsetWidth")  # the new layout is done

    def _axe(self) -> list[dict]:
        if not self.driver.execute_script("return typeof window.axe !== 'undefined'"):
            # Injected by the driver, not by the page: the page's content-security policy does not apply.
            self.driver.execute_script(AXE.read_text())
        result = self.driver.execute_async_script(
            """
            const done = arguments[arguments.length - 1];
            axe.run(document, {resultTypes: ["violations"]})
              .then(result => done({violations: result.violations}))
              .catch(error => done({error: String(error)}));
            """
        )
        assert "error" not in result, result.get("error")
        return result["violations"]


def _xpath_literal(text: str) -> str:
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    return "concat(" + ', "\'", '.join(f"'{part}'" for part in text.split("'")) + ")"
