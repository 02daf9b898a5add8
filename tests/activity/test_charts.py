"""The day chart on the activity page: inline SVG whose bars are links to each day's events."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine

from activity.charts import CHAR_WIDTH, WIDTH, per_day_svg
from activity.services import event_record
from tests.conftest import force_sign_in

pytestmark = pytest.mark.django_db

BASE = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
LINK = re.compile(r'<a class="day" href="([^"]+)" tabindex="0" aria-label="([^"]+)"><title>([^<]+)</title>')


def _record(day: int, action: str = "member.invited") -> None:
    with time_machine.travel(BASE + timedelta(days=day), tick=False):
        event_record(action=action, target_type="user", target_label=f"person{day}@example.com")


@pytest.fixture
def days():
    """Events on 1 March (two), 3 March (one) and 10 March (one, of another type)."""
    for day in (0, 0, 2):
        _record(day)
    _record(9, action="member.role_changed")


def _chart(client, **query) -> str:
    body = client.get("/activity/", query).content.decode()
    return body.split('<svg xmlns="http://www.w3.org/2000/svg"', 1)[1].split("</svg>", 1)[0]


def test_each_bar_links_to_its_days_filtered_list(client, auditor, days):
    force_sign_in(client, auditor)
    svg = _chart(client, date_from="2025-03-01", date_to="2025-03-10", action="member.invited", tz="Europe/Madrid")
    links = LINK.findall(svg)
    assert [title for _href, _label, title in links] == ["Sat 01 Mar 2025: 2 events", "Mon 03 Mar 2025: 1 event"]
    for (href, label, title), day in zip(links, ("2025-03-01", "2025-03-03"), strict=True):
        assert label == title
        query = parse_qs(urlsplit(unescape(href)).query)
        assert query == {"date_from": [day], "date_to": [day], "action": ["member.invited"], "tz": ["Europe/Madrid"]}
        followed = client.get("/activity/" + unescape(href))
        assert {e.created_at.date().isoformat() for e in followed.context["page"].events} == {day}


def test_the_chart_is_named_and_has_a_table_of_the_same_counts(client, auditor, days):
    force_sign_in(client, auditor)
    body = client.get("/activity/", {"date_from": "2025-03-01", "date_to": "2025-03-10"}).content.decode()
    svg = _chart(client, date_from="2025-03-01", date_to="2025-03-10")
    assert 'role="group" aria-labelledby="chart-title"' in svg
    assert '<title id="chart-title">Events per day, 01 Mar 2025 to 10 Mar 2025 (UTC): 4 events' in svg
    table = body.split('<details class="chart-table">', 1)[1].split("</details>", 1)[0]
    assert re.findall(r'<a href="[^"]+">([^<]+)</a>', table) == [
        "Sat 01 Mar 2025: 2 events",
        "Mon 03 Mar 2025: 1 event",
        "Mon 10 Mar 2025: 1 event",
    ]


def test_the_chart_drops_the_page_cursor_from_its_links(client, auditor, days):
    force_sign_in(client, auditor)
    svg = _chart(client, date_from="2025-03-01", date_to="2025-03-10", after="1741000000000000-5")
    assert LINK.findall(svg)
    assert all("after=" not in href for href, _label, _title in LINK.findall(svg))


@pytest.mark.parametrize("span", [1, 7, 30, 90, 365, 3659])
def test_no_date_label_is_cut_off_at_either_end(span):
    start = date(2025, 1, 1)
    days = [(start + timedelta(days=n), n % 3) for n in range(span)]
    svg = per_day_svg(days, title="Events", link=lambda day: f"?date_from={day}")
    assert f'viewBox="0 0 {WIDTH} ' in svg
    labels = re.findall(
        r'<text x="([\d.]+)" y="[\d.]+" text-anchor="(start|middle|end)"[^>]*>(\d\d \w{3} \d\d)</text>', svg
    )
    assert labels[-1][2] == f"{days[-1][0]:%d %b %y}"  # the last day is labelled
    for x, anchor, text in labels:
        width = len(text) * CHAR_WIDTH
        left = {"start": float(x), "middle": float(x) - width / 2, "end": float(x) - width}[anchor]
        assert left >= 0 and left + width <= WIDTH, (text, x, anchor)


def test_the_image_version_stays_a_plain_picture(client, auditor, days):
    force_sign_in(client, auditor)
    svg = client.get("/activity/chart.svg", {"date_from": "2025-03-01", "date_to": "2025-03-10"}).content.decode()
    assert 'role="img"' in svg and "<a " not in svg
