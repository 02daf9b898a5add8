"""Pages follow the interface rules: a title, labelled inputs, no inline script, nothing from another site."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.conftest import force_sign_in

MAIN_PAGES = ["/", "/team/", "/activity/", "/settings/security/", "/profile/", "/profile/password/"]
PUBLIC_PAGES = ["/login/", "/password-reset/"]


class _PageAudit(HTMLParser):
    """Collect inline scripts, external assets, inputs and labels of a page."""

    def __init__(self):
        super().__init__()
        self.inline_scripts = 0
        self.external = []
        self.inputs = []
        self.labels = set()
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src"):
            self.inline_scripts += 1
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            if tag in {"script", "link", "img"} and re.match(r"^(https?:)?//", value):
                self.external.append(value)
        if tag in {"input", "select", "textarea"} and attrs.get("type") not in {"hidden", "submit"}:
            self.inputs.append(attrs.get("id"))
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        if any(name.startswith("on") for name in attrs):
            self.inline_scripts += 1
        self._in_title = tag == "title"

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False


def audit(html: str) -> _PageAudit:
    parser = _PageAudit()
    parser.feed(html)
    return parser


def assert_page_follows_the_interface_rules(html: str) -> None:
    page = audit(html)
    assert page.inline_scripts == 0, "inline script or event handler"
    assert page.external == [], "asset loaded from another site"
    assert page.title.strip(), "page without a title"
    unlabeled = [input_id for input_id in page.inputs if input_id is None or input_id not in page.labels]
    assert unlabeled == [], f"inputs without a visible label: {unlabeled}"


@pytest.mark.django_db
@pytest.mark.parametrize("path", MAIN_PAGES)
def test_main_pages_have_a_title_labelled_inputs_no_inline_script_and_no_cdn(client, owner, path):
    force_sign_in(client, owner)
    assert_page_follows_the_interface_rules(client.get(path).content.decode())


@pytest.mark.django_db
def test_member_page_follows_the_interface_rules(client, owner, member):
    force_sign_in(client, owner)
    assert_page_follows_the_interface_rules(client.get(f"/team/{member.pk}/").content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_follow_the_interface_rules(client, path):
    assert_page_follows_the_interface_rules(client.get(path).content.decode())


@pytest.mark.django_db
def test_static_files_are_served_by_the_app(client, owner):
    force_sign_in(client, owner)
    html = client.get("/").content.decode()
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)
    assert stylesheet.startswith("/static/")
