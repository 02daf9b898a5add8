"""The Security checkup page."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import conf
from .charts import BAR_WIDTH, CHART_HEIGHT, score_bars
from .registry import CheckContext
from .selectors import checkup_run, history_recorded, score_history
from .services import history_record


def checkup_current(request):
    """Run the checks for this request and keep them as today's history if nothing was kept yet today."""
    context = CheckContext.build(request=request)
    report = checkup_run(context=context)
    if not history_recorded(day=context.now.date()):
        history_record(report=report, now=context.now, replace=False)
    return context, report


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
