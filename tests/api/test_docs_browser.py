"""/api/docs/ in Debian's Chromium: Swagger UI runs from the panel's own files under its strict policy."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import force_sign_in
from tests.e2e.support import CHROMEDRIVER, CHROMIUM, chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM and CHROMEDRIVER), reason="Debian's chromium and chromium-driver are not installed"
    ),
]


@pytest.fixture
def browser(live_server, settings, tmp_path):
    # The live server speaks plain HTTP, and browsers refuse a __Host- cookie without Secure.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME = "sessionid", "csrftoken"
    driver = chromium(tmp_path / "profile")
    yield driver
    driver.quit()


@pytest.mark.django_db(transaction=True)
def test_the_docs_render_the_schema_with_nothing_blocked_or_fetched_elsewhere(browser, live_server, member):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    client = force_sign_in(Client(), member)
    browser.get(live_server.url + "/static/api/docs.css")  # a page of the origin, to set its cookie on
    browser.add_cookie({"name": "sessionid", "value": client.cookies["sessionid"].value, "path": "/"})
    browser.get(live_server.url + "/api/docs/")
    WebDriverWait(browser, 15).until(
        lambda driver: driver.find_elements(By.CSS_SELECTOR, ".swagger-ui .info .title"),
        message="Swagger UI did not render the schema",
    )
    assert "Modyo security admin API" in browser.find_element(By.CSS_SELECTOR, ".swagger-ui .info .title").text
    assert browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path[data-path='/api/v1/activity/']")
    resources = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    # Swagger UI's icons are data: URIs inside its own stylesheet: no request leaves the panel.
    assert resources and [url for url in resources if not url.startswith((live_server.url, "data:"))] == []
    # The first page, a static file, makes Chromium ask for /favicon.ico (404), sometimes logged late;
    # the docs page names its own icon.
    assert browser.find_elements(By.CSS_SELECTOR, "link[rel=icon][href^='/static/drf_spectacular_sidecar/']")
    problems = [
        entry["message"]
        for entry in browser.get_log("browser")
        if (entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"])
        and "/favicon.ico " not in entry["message"]
    ]
    assert problems == []
