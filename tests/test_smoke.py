"""The project as a newcomer meets it: layout, quick start, and pages that follow the interface rules."""

from __future__ import annotations

import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import sign_in

BASE_DIR = Path(__file__).resolve().parent.parent

MAIN_PAGES = ["/", "/team/", "/activity/", "/settings/security/", "/profile/", "/profile/password/"]
PUBLIC_PAGES = ["/login/", "/password-reset/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", MAIN_PAGES)
def test_owner_can_open_every_main_page(client, owner, path):
    sign_in(client, owner)
    response = client.get(path)
    assert response.status_code == 200


def test_project_layout_is_in_place():
    for name in ["manage.py", "pyproject.toml", "README.md", "Makefile", ".ci/run", "templates", "tests"]:
        assert (BASE_DIR / name).exists(), name
    for app in ["modyo_admin", "accounts", "security", "activity"]:
        assert (BASE_DIR / app / "__init__.py").exists(), app
    for module in ["settings.py", "urls.py", "wsgi.py", "asgi.py"]:
        assert (BASE_DIR / "modyo_admin" / module).exists(), module


def test_pyproject_declares_ranged_dependencies_and_a_dev_extra():
    project = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["project"]
    assert project["requires-python"].startswith(">=3.11")
    for requirement in project["dependencies"]:
        assert re.search(r"(~=|>=.*<|<.*>=)", requirement), f"{requirement} has no compatible version range"
    dev = " ".join(project["optional-dependencies"]["dev"])
    for tool in ["pytest", "pytest-django", "time-machine", "ruff"]:
        assert tool in dev


def test_readme_quick_start_shows_make_run_and_make_test():
    readme = (BASE_DIR / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    first_block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    commands = [line.split("#", 1)[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["make run", "make test"]


def test_var_dir_is_git_ignored():
    assert "var/" in (BASE_DIR / ".gitignore").read_text().split()


def test_ci_runs_lint_the_sqlite_suite_and_the_postgres_redis_suite():
    script = (BASE_DIR / ".ci" / "run").read_text()
    assert "ruff check" in script
    assert "ruff format --check" in script
    assert "make test" in script
    assert "DATABASE_URL=postgres://postgres@127.0.0.1:5432/test" in script
    assert "REDIS_URL=redis://127.0.0.1:6379" in script


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
    sign_in(client, owner)
    assert_page_follows_the_interface_rules(client.get(path).content.decode())


@pytest.mark.django_db
def test_member_page_follows_the_interface_rules(client, owner, member):
    sign_in(client, owner)
    assert_page_follows_the_interface_rules(client.get(f"/team/{member.pk}/").content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_follow_the_interface_rules(client, path):
    assert_page_follows_the_interface_rules(client.get(path).content.decode())


@pytest.mark.django_db
def test_static_files_are_served_by_the_app(client, owner):
    sign_in(client, owner)
    html = client.get("/").content.decode()
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)
    assert stylesheet.startswith("/static/")
