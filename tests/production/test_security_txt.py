"""/.well-known/security.txt per RFC 9116 (issue 14, modyo_admin/security_txt.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from modyo_admin import security_txt

URL = "/.well-known/security.txt"
FIELD = re.compile(r"^(?P<name>[A-Za-z0-9-]+): (?P<value>\S.*)$")
# RFC 9116 section 2.5: Contact at least once, Expires exactly once; the others at most once.
ONCE = {"Expires", "Policy", "Preferred-Languages", "Canonical", "Encryption", "Acknowledgments", "Hiring"}
KNOWN = ONCE | {"Contact"}


def parse(text: str) -> list[tuple[str, str]]:
    """Parse the file as RFC 9116 section 4 describes it; fail on any line that is not a field or a comment."""
    fields = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = FIELD.match(line)
        assert match, f"not a field line: {line!r}"
        fields.append((match["name"], match["value"]))
    return fields


@pytest.mark.django_db
def test_the_file_is_valid_rfc_9116(settings):
    settings.SECURITY_TXT_CONTACT = ["mailto:security@example.com", "https://example.com/report"]
    settings.SECURITY_TXT_POLICY = "https://example.com/disclosure"
    settings.SECURITY_TXT_PREFERRED_LANGUAGES = ["en", "es"]
    now = datetime(2026, 12, 6, 13, 0, tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        response = Client().get(URL, secure=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode("utf-8")
    fields = parse(text)
    names = [name for name, _ in fields]
    assert set(names) <= KNOWN
    assert all(names.count(name) <= 1 for name in ONCE)
    assert names.count("Expires") == 1
    values = dict(fields)
    assert [value for name, value in fields if name == "Contact"] == settings.SECURITY_TXT_CONTACT
    assert all(re.match(r"^(mailto:|https://|tel:)", value) for name, value in fields if name == "Contact")
    assert values["Policy"] == "https://example.com/disclosure"
    assert values["Preferred-Languages"] == "en, es"
    # Expires: an RFC 3339 date-time, in the future and less than a year ahead.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", values["Expires"])
    expires = datetime.strptime(values["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert now < expires < now + timedelta(days=365)


@pytest.mark.django_db
def test_the_default_names_the_platforms_reporting_channels():
    fields = parse(Client().get(URL, secure=True).content.decode())
    assert [value for name, value in fields if name == "Contact"] == [
        "mailto:security@modyo.com",
        "https://support.modyo.com/hc/es",
    ]


def test_expires_moves_with_the_date():
    later = datetime(2027, 6, 1, 23, 59, tzinfo=UTC)
    assert security_txt.security_txt_expires(now=later) == datetime(2027, 11, 28, tzinfo=UTC)


@pytest.mark.django_db
def test_no_contact_means_no_file(settings):
    settings.SECURITY_TXT_CONTACT = []
    assert Client().get(URL, secure=True).status_code == 404


@pytest.mark.django_db
def test_anyone_reads_it_without_a_session_and_nothing_else_is_accepted():
    client = Client()
    response = client.get(URL, secure=True)
    assert response.status_code == 200
    assert not response.cookies
    assert client.post(URL, secure=True).status_code == 405


def test_w001_production_without_a_contact(settings):
    settings.SECURITY_TXT_CONTACT = []
    assert [message.id for message in security_txt.check_security_txt_contact(None)] == ["modyo_admin.W001"]
    settings.DEBUG = True
    assert security_txt.check_security_txt_contact(None) == []


def test_w001_passes_with_a_contact(settings):
    settings.SECURITY_TXT_CONTACT = ["mailto:security@example.com"]
    assert security_txt.check_security_txt_contact(None) == []
