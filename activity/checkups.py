"""The security checkup's checks of the activity log (see checkup/registry.py).

Each reads the newest event of one kind (an index look-up), never the log itself: the
verification's outcome was recorded by `activity_verify`, the review by its sign-off.
"""

from __future__ import annotations

from datetime import timedelta

from checkup import conf as checkup_conf
from checkup.registry import CheckContext, Fix, Result, Status, register

from .selectors import chain_last_verification, review_signoff_last


def _days_ago(context: CheckContext, moment) -> str:
    days = (context.now - moment).days
    return "today" if days < 1 else f"{days} day{'s' if days != 1 else ''} ago"


@register(
    "activity.chain_verified",
    title="The activity log verifies",
    why="A verification shows that no event or seal was changed, removed or inserted since it was written.",
)
def chain_verified_check(context: CheckContext) -> Result:
    fix = Fix(
        "Activity log",
        "activity:list",
        hint="Press Verify integrity, and run python manage.py activity_verify daily (cron).",
    )
    last = chain_last_verification()
    if last is None:
        return Result(Status.WARNING, "The log has never been verified.", fix)
    when = _days_ago(context, last.created_at)
    if last.changes.get("result") != "intact":
        where = last.changes.get("broken_at") or f"seal {last.changes.get('broken_seal')}"
        return Result(Status.FAIL, f"The last verification ({when}) found the log broken at {where}.", fix)
    max_age = checkup_conf.verification_max_age_days()
    measured = f"Verified intact {when} ({last.changes.get('checked', 0)} events)"
    if context.now - last.created_at > timedelta(days=max_age):
        return Result(Status.WARNING, f"{measured}; verify at least every {max_age} days.", fix)
    return Result(Status.PASS, f"{measured}.")


@register(
    "activity.review_signed_off",
    title="An auditor reviewed the activity log recently",
    why="Reviewing the log periodically is how misuse is noticed; a sign-off records who reviewed which events.",
)
def review_check(context: CheckContext) -> Result:
    fix = Fix("Sign off a review", "activity:list")
    max_age = checkup_conf.review_max_age_days()
    last = review_signoff_last()
    if last is None:
        return Result(Status.FAIL, "No review of the log has been signed off yet.", fix)
    measured = (
        f"{last.actor_display} signed off the events up to #{last.changes.get('last_sequence')} "
        f"{_days_ago(context, last.created_at)}"
    )
    if context.now - last.created_at > timedelta(days=max_age):
        return Result(Status.FAIL, f"{measured}; the guide asks for a review every {max_age} days.", fix)
    return Result(Status.PASS, f"{measured}.")
