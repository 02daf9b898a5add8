"""The Security checkup page."""

from __future__ import annotations

import hashlib
import logging

from django.contrib.auth.decorators import permission_required
from django.core.cache import cache
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import conf
from .charts import BAR_WIDTH, CHART_HEIGHT, score_bars
from .registry import CheckContext, all_checks
from .selectors import Report, checkup_run, history_recorded, score_history
from .services import history_record

logger = logging.getLogger(__name__)


def checkup_current(request):
    """Run the checks for this request and keep them as today's history if nothing was kept yet today."""
    context = CheckContext.build(request=request)
    report = checkup_run(context=context)
    if not history_recorded(day=context.now.date()):
        history_record(report=report, now=context.now, replace=False)
    return context, report


def checkup_summary(request, *, freshness: int | None) -> Report:
    """Return the checkup for a summary (the dashboard's), reusing a recent run while ``freshness`` is the same.

    ``freshness`` is the newest event's sequence in the activity log: every change a check reads (a setting, a
    member, a device, a token, a key, a backup) records an event, so a new one ends the reuse at once, in every
    process sharing the cache. What changes with time alone is reread after ``summary_cache_seconds()``. The
    Security checkup page itself always runs the checks.
    """
    context = CheckContext.build(request=request)
    checks = hashlib.sha256(",".join(check.id for check in all_checks()).encode()).hexdigest()[:12]
    key = f"checkup:summary:{context.now.date()}:{int(context.over_https)}:{freshness}:{checks}"
    try:
        report = cache.get(key)
    except Exception:
        # The cache is down, or holds a report this version of the code cannot read: run the checks.
        logger.warning("Could not read the cached checkup summary; running the checks.", exc_info=True)
        report = None
    if isinstance(report, Report):
        return report
    report = checkup_current(request)[1]
    try:
        cache.set(key, report, timeout=conf.summary_cache_seconds())
    except Exception:
        logger.warning("Could not cache the checkup summary.", exc_info=True)
    return report


@require_safe
@permission_required("checkup.view", raise_exception=True)
def checkup_view(request):
    context, report = checkup_current(request)
    days = conf.history_days()
    history = score_history(today=context.now.date(), days=days)
    return render(
        request,
        "checkup/checkup.html",
        {
            "title": "Security checkup",
            "report": report,
            # Who is concerned is for those who can act on it: owners and admins.
            "show_people": request.user.has_perm("team.manage"),
            "history": history,
            "bars": score_bars(history, today=context.now.date(), days=days),
            "chart_width": days * BAR_WIDTH,
            "chart_height": CHART_HEIGHT,
            "history_days": days,
        },
    )
