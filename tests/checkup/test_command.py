"""`manage.py security_checkup`: the table, --json, the exit status for monitoring, the history it keeps."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from checkup import registry
from checkup.models import DailyResult
from checkup.registry import Result, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def only(monkeypatch):
    """Make the registry hold only the given checks: (id, status) pairs."""

    def install(*checks):
        fake = {}
        for check_id, status in checks:
            fake[check_id] = registry.Check(
                id=check_id,
                title=f"Title {check_id}",
                why="Why.",
                function=lambda context, status=status, check_id=check_id: Result(
                    status, f"measured {check_id}", registry.Fix("Team", "accounts:team", query={"role": "admin"})
                ),
            )
        monkeypatch.setattr(registry, "_registry", fake)

    return install


def _run(*args) -> tuple[str, int]:
    out = io.StringIO()
    try:
        call_command("security_checkup", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error.returncode
    return out.getvalue(), 0


def test_the_command_prints_the_table_and_exits_0_without_a_failing_check(only):
    only(("tests.pass", Status.PASS), ("tests.warn", Status.WARNING), ("tests.na", Status.NOT_APPLICABLE))
    output, status = _run()
    assert status == 0
    assert "PASS  tests.pass  measured tests.pass" in output
    assert "WARN  tests.warn  measured tests.warn  [/team/?role=admin]" in output
    assert "N/A   tests.na" in output
    assert "Score: 1 of 2 applicable checks pass." in output


def test_the_command_exits_1_on_a_failing_check(only):
    only(("tests.pass", Status.PASS), ("tests.fail", Status.FAIL))
    with pytest.raises(CommandError, match=r"1 failing check\(s\): tests.fail") as raised:
        call_command("security_checkup", stdout=io.StringIO())
    assert raised.value.returncode == 1


def test_the_command_prints_json(only):
    only(("tests.pass", Status.PASS), ("tests.fail", Status.FAIL))
    output, status = _run("--json")
    assert status == 1
    document = json.loads(output)
    assert document["score"] == {"passed": 1, "applicable": 2}
    assert document["checks"][1] == {
        "id": "tests.fail",
        "title": "Title tests.fail",
        "status": "fail",
        "why": "Why.",
        "measured": "measured tests.fail",
        "fix": {"label": "Team", "url": "/team/?role=admin", "hint": ""},
    }


def test_the_command_replaces_the_days_results(only):
    only(("tests.check", Status.FAIL))
    _run()
    only(("tests.check", Status.PASS))
    _run()
    assert list(DailyResult.objects.values_list("check_id", "status")) == [("tests.check", "pass")]


def test_no_record_keeps_no_history(only):
    only(("tests.check", Status.PASS))
    _run("--no-record")
    assert not DailyResult.objects.exists()


def test_the_real_checks_run_from_the_command():
    output, status = _run("--json")
    ids = {check["id"] for check in json.loads(output)["checks"]}
    assert {"accounts.two_factor", "security.cors", "activity.review_signed_off"} <= ids
    assert status == 1  # a fresh installation has no review signed off
