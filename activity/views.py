from __future__ import annotations

from datetime import UTC, date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from . import conf, wording
from .charts import day_title, per_day_svg
from .export import csv_lines, jsonl_lines
from .forms import EventFilterForm
from .models import Event
from .selectors import (
    Cursor,
    EventFilters,
    InvalidCursor,
    chain_last_verification,
    event_export_rows,
    event_get,
    event_page,
    event_seal,
    events_filtered,
    events_per_day,
    retention_get,
    sealed_up_to,
)
from .verification_runs import verification_request, verification_running

CHART_DEFAULT_DAYS = 90
# Set for whoever asked for a verification still running: their activity page reloads until its result is in.
WATCH_SESSION_KEY = "activity_verification_watched"
CHART_MAX_DAYS = 3660


def _filter_query(request) -> str:
    """Return the request's filters as a query string, without the page cursor."""
    query = request.GET.copy()
    query.pop("after", None)
    return query.urlencode()


@require_safe
@permission_required("activity.view", raise_exception=True)
def event_list_view(request):
    form = EventFilterForm(request.GET)
    page = None
    error = ""
    if form.is_valid():
        try:
            cursor = Cursor.decode(request.GET["after"]) if request.GET.get("after") else None
        except InvalidCursor as invalid:
            error = str(invalid)
        else:
            page = event_page(form.filters(), cursor=cursor, limit=conf.page_size())
    time_zone = form.timezone if form.is_valid() else UTC
    running = verification_running()
    context = {
        "title": "Activity",
        "form": form,
        "page": page,
        "rows": _rows(page.events, time_zone) if page else [],
        "error": error,
        "is_first_page": not request.GET.get("after"),
        "query": _filter_query(request),
        "time_zone": time_zone,
        "verification": _verification(chain_last_verification()),
        "verification_running": running,
        # Only whoever asked for the running verification has the page reload until its result is in.
        "verification_watched": running is not None and request.session.get(WATCH_SESSION_KEY, False),
        "retention": retention_get(),
    }
    if running is None and WATCH_SESSION_KEY in request.session:
        del request.session[WATCH_SESSION_KEY]
    if page is not None:
        context["chart"] = _inline_chart(request, form)
    return render(request, "activity/list.html", context, status=200 if page is not None else 400)


def _rows(events: list[Event], tz) -> list[dict]:
    """Return the table's cells, formatted once here: a page of rows renders in a few milliseconds."""
    detail = reverse("activity:detail", args=[0])[: -len("0/")]
    sealed = sealed_up_to() if events else None
    rows = []
    for event in events:
        event_type = event.event_type
        rows.append(
            {
                "url": f"{detail}{event.sequence}/",
                "iso": event.created_at.astimezone(UTC).isoformat(),
                "when": event.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"),
                "actor": event.actor_display,
                "sentence": event.sentence,
                "changes": wording.change_summary(event.changes, event.target_type),
                "label": event_type.label if event_type else event.action,
                "target": wording.target_words(target_type=event.target_type, target_label=event.target_label),
                "ip": event.ip_address or "—",
                "sealed": sealed.covers(event.sequence),
            }
        )
    return rows


def _verification(event: Event | None) -> dict | None:
    """Return the newest verification's outcome in words for the integrity card."""
    if event is None:
        return None
    changes = event.changes if isinstance(event.changes, dict) else {}
    return {
        "event": event,
        "intact": changes.get("result") == "intact",
        "checked": changes.get("checked", 0),
        "seal": changes.get("seal"),
        "short_hash": (changes.get("seal_hash") or "")[:12],
        "broken_at": changes.get("broken_at"),
        "broken_seal": changes.get("broken_seal"),
        "problem": changes.get("problem", ""),
        "by": event.actor_display,
    }


@require_POST
@permission_required("activity.view", raise_exception=True)
def event_verify_view(request):
    """Verify every event and seal, as `manage.py activity_verify` does, and record the outcome in the log."""
    asked = verification_request(actor=request.user)
    if not asked.finished:
        request.session[WATCH_SESSION_KEY] = True
    if asked.running is not None:
        messages.info(
            request,
            f"A verification started by {asked.running.started_by} is still running; "
            "its result will show here when it ends.",
        )
    elif not asked.finished:
        messages.info(request, "The verification is running; its result will show here when it ends.")
    return redirect(reverse("activity:list") + "#integrity")


@require_safe
@permission_required("activity.view", raise_exception=True)
def event_detail_view(request, sequence: int):
    try:
        event = event_get(sequence)
    except Event.DoesNotExist:
        raise Http404("No event at this position; it may have been pruned.") from None
    event_type = event.event_type
    about = ""
    if event.target_type and event.target_id:
        about = "?" + urlencode({"target_type": event.target_type, "target_id": event.target_id})
    return render(
        request,
        "activity/detail.html",
        {
            "title": event_type.label if event_type else f"Event {event.sequence}",
            "event": event,
            "target": wording.target_in_full(target_type=event.target_type, target_label=event.target_label),
            "about": about,
            "seal": event_seal(event),
            "rows": wording.change_rows(event.changes, event.target_type),
        },
    )


def _valid_filters(request) -> tuple[EventFilterForm, EventFilters | None]:
    form = EventFilterForm(request.GET)
    return form, (form.filters() if form.is_valid() else None)


def _errors_text(form) -> str:
    return "\n".join(f"{field}: {message}" for field, messages in form.errors.items() for message in messages)


class _ChartRangeTooLong(ValueError):
    pass


def _chart_days(request, form: EventFilterForm) -> tuple[str, list[tuple[date, int]]]:
    """Return the chart's title and its (day, count) pairs: the chosen dates, or the last 90 days."""
    tz = form.timezone
    end = form.cleaned_data["date_to"] or timezone.now().astimezone(tz).date()
    start = form.cleaned_data["date_from"] or end - timedelta(days=CHART_DEFAULT_DAYS - 1)
    if (end - start).days >= CHART_MAX_DAYS:
        raise _ChartRangeTooLong(f"Choose a date range of at most {CHART_MAX_DAYS} days for the chart.")
    bounded = EventFilterForm(
        {**request.GET.dict(), "date_from": start.isoformat(), "date_to": end.isoformat(), "tz": str(tz)}
    )
    bounded.is_valid()
    days = events_per_day(bounded.filters(), start=start, end=end, tz=tz)
    return f"Events per day, {start:%d %b %Y} to {end:%d %b %Y} ({tz})", days


def _inline_chart(request, form: EventFilterForm) -> dict:
    """Return the inline chart, each bar a link to its day's events, and the same counts as rows of a table."""
    try:
        title, days = _chart_days(request, form)
    except _ChartRangeTooLong as error:
        return {"error": str(error)}
    query = request.GET.copy()
    query.pop("after", None)
    query["tz"] = str(form.timezone)

    def link(day: date) -> str:
        query["date_from"] = query["date_to"] = day.isoformat()
        return "?" + query.urlencode()

    return {
        "svg": per_day_svg(days, title=title, link=link),
        "title": title,
        "days": [{"title": day_title(day, count), "url": link(day)} for day, count in days if count],
    }


@require_safe
@permission_required("activity.view", raise_exception=True)
def event_chart_view(request):
    form, filters = _valid_filters(request)
    if filters is None:
        return HttpResponse(_errors_text(form), status=400, content_type="text/plain; charset=utf-8")
    try:
        title, days = _chart_days(request, form)
    except _ChartRangeTooLong as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(per_day_svg(days, title=title), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=60"
    return response


def _export(request, *, extension: str, content_type: str, lines):
    form, filters = _valid_filters(request)
    if filters is None:
        return HttpResponse(_errors_text(form), status=400, content_type="text/plain; charset=utf-8")
    rows = event_export_rows(events_filtered(filters), batch_size=conf.export_batch_size())
    response = StreamingHttpResponse(lines(rows), content_type=content_type)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="activity-{stamp}.{extension}"'
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@permission_required("activity.view", raise_exception=True)
def event_export_csv_view(request):
    return _export(request, extension="csv", content_type="text/csv; charset=utf-8", lines=csv_lines)


@require_safe
@permission_required("activity.view", raise_exception=True)
def event_export_jsonl_view(request):
    return _export(request, extension="jsonl", content_type="application/x-ndjson; charset=utf-8", lines=jsonl_lines)
