"""The registry of checks, the report it produces and its score."""

from __future__ import annotations

import pytest

from checkup.registry import (
    AlreadyRegistered,
    CheckContext,
    Fix,
    Result,
    Status,
    all_checks,
    register,
    unregister,
)
from checkup.selectors import checkup_run

EXPECTED = {
    "accounts.two_factor",
    "accounts.administrators",
    "accounts.password_policy",
    "accounts.lockout",
    "accounts.sessions",
    "accounts.dormant",
    "accounts.email",
    "security.cors",
    "security.delivery_key",
    "modyo_admin.transport",
    "modyo_admin.hosts",
    "activity.chain_verified",
    "activity.review_signed_off",
    "api.tokens",
    "backups.recent",
}


@pytest.fixture
def temporary():
    """Register checks for one test and remove them afterwards."""
    names = []

    def add(check_id: str, status: Status = Status.PASS, *, raises: bool = False):
        @register(check_id, title=f"Title of {check_id}", why="Why it matters.")
        def check(context):
            if raises:
                raise RuntimeError("boom")
            return Result(status, f"measured {check_id}")

        names.append(check_id)
        return check

    yield add
    for name in names:
        unregister(name)


def test_every_app_registers_its_checks_at_start_up():
    assert {check.id for check in all_checks()} >= EXPECTED


def test_a_check_id_registered_twice_is_an_error(temporary):
    temporary("tests.twice")
    with pytest.raises(AlreadyRegistered):
        temporary("tests.twice")


@pytest.mark.parametrize("check_id", ["nodot", "Upper.case", " tests.space"])
def test_a_check_id_is_a_lowercase_dotted_name(check_id):
    with pytest.raises(ValueError, match="lowercase dotted"):
        register(check_id, title="t", why="w")


def _report(*checks):
    ids = {check_id for check_id, *_ in checks}
    return checkup_run(context=CheckContext.build(), checks=[c for c in all_checks() if c.id in ids])


def test_the_score_counts_passes_out_of_applicable_checks(temporary):
    for check_id, status in [
        ("tests.a", Status.PASS),
        ("tests.b", Status.PASS),
        ("tests.c", Status.WARNING),
        ("tests.d", Status.FAIL),
        ("tests.e", Status.NOT_APPLICABLE),
    ]:
        temporary(check_id, status)
    report = _report(*[(f"tests.{x}",) for x in "abcde"])
    assert (report.passed, report.applicable, report.percent) == (2, 4, 50)
    assert [outcome.check.id for outcome in report.failing] == ["tests.d"]
    severity = [outcome.check.id for outcome in report.by_severity]
    assert severity == [
        "tests.d",
        "tests.c",
        "tests.a",
        "tests.b",
        "tests.e",
    ]
    assert report.as_dict()["score"] == {"passed": 2, "applicable": 4}


def test_a_check_that_raises_fails_without_hiding_the_others(temporary):
    temporary("tests.broken", raises=True)
    temporary("tests.fine", Status.PASS)
    report = _report(("tests.broken",), ("tests.fine",))
    statuses = {outcome.check.id: outcome.status for outcome in report.outcomes}
    assert statuses == {"tests.broken": Status.FAIL, "tests.fine": Status.PASS}
    assert "could not run (RuntimeError)" in report.outcomes[0].result.measured


def test_a_fix_links_to_the_named_page_with_its_query():
    fix = Fix("Team", "accounts:team", query={"status": "two_step_off", "role": "admin"})
    assert fix.url == "/team/?status=two_step_off&role=admin"
    assert Fix("Environment", hint="Set X=1").url == ""
