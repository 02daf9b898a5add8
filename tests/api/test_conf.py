"""API_TOKEN_RATE_LIMIT: the default, its format, and a wrong value stopping start-up in one line."""

from __future__ import annotations

import sys

import pytest

from api import conf
from tests.test_start_up import lines, run


def test_the_default_is_600_requests_a_minute(settings):
    del settings.API_TOKEN_RATE_LIMIT
    assert conf.rate_limit() == (600, 60)


@pytest.mark.parametrize(
    ("value", "rate"), [("5/second", (5, 1)), ("1000/hour", (1000, 3600)), (" 7 / day ", (7, 86400))]
)
def test_a_rate_is_a_count_per_period(value, rate):
    assert conf.rate_parse(value) == rate


@pytest.mark.parametrize("value", ["600", "600/fortnight", "0/minute", "-1/minute", "lots/minute", "600/m"])
def test_anything_else_is_refused(value):
    with pytest.raises(ValueError, match="600/minute"):
        conf.rate_parse(value)


def test_a_wrong_rate_in_the_environment_stops_start_up_in_one_line(tmp_path):
    result = run([sys.executable, "manage.py", "check"], tmp_path, API_TOKEN_RATE_LIMIT="lots")
    assert result.returncode != 0
    assert len(lines(result.stderr)) == 1, result.stderr
    assert "API_TOKEN_RATE_LIMIT" in result.stderr
