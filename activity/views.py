from __future__ import annotations

import json
from datetime import UTC, timedelta

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from . import conf
from .charts import per_day_svg
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

CHART_DEFAULT_DAYS = 90
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
    context = {
        "title": "Activity",
        "form": form,
        "page": page,
        "rows": _rows(page.events, time_zone) if page else [],
        "error": error,
        "is_first_page": not request.GET.get("after"),
        "query": _filter_query(request),
        "time_zone": time_zone,
        "verification": chain_last_verification(),
        "retention": retention_get(),
    }
    return render(request, "activity/list.html", context, status=200 if page is not None else 400)


def _rows(events: list[Event], tz) -> list[dict]:
    """Return the table's cells, formatted once here: a page of rows renders in a few milliseconds."""
    detail = reverse("activity:detail", args=[0])[: -len("0/")]
    sealed = sealed_up_to() if events else None
    rows = []
    for event in events:
        target = event.target_type
        if target and event.target_id:
            target += f" #{event.target_id}"
        rows.append(
            {
                "url": f"{detail}{event.sequence}/",
                "iso": event.created_at.astimezone(UTC).isoformat(),
                "when": event.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"),
                "actor": event.actor_display,
                "sentence": event.sentence,
                "action": event.action,
                "target": target or "—",
                "ip": event.ip_address or "—",
                "sealed": sealed.covers(event.sequence),
            }
        )
    return rows


@require_safe
@permission_required("activity.view", raise_exception=True)
def event_detail_view(request, sequence: int):
    try:
        event = event_get(sequence)
    except Event.DoesNotExist:
        raise Http404("No event at this position; it may have been pruned.") from None
    return render(
        request,
        "activity/detail.html",
        {
            "title": f"Event {event.sequence}",
            "event": event,
            "seal": event_seal(event),
            "rows": change_rows(event.changes),
        },
    )


def change_rows(changes) -> list[dict]:
    """Return the event's changes as rows of field, before and after, for a side-by-side view.

    Changes are ``{field: [before, after]}``, or ``{"before": {...}, "after": {...}}``;
    any other value is a detail with no before.
    """
    if not isinstance(changes, dict):
        return [{"field": "", "before": "", "after": _show(changes), "changed": True}]
    if set(changes) >= {"before", "after"} and isinstance(changes["before"], dict):
        before, after = changes["before"], changes["after"] or {}
        names = sorted(set(before) | set(after))
        pairs = [(name, before.get(name), after.get(name)) for name in names]
    else:
        pairs = []
        for name, value in changes.items():
            if isinstance(value, list) and len(value) == 2:
                pairs.append((name, value[0], value[1]))
            else:
                pairs.append((name, None, value))
    return [
        {"field": name, "before": _show(old), "after": _show(new), "changed": old != new} for name, old, new in pairs
    ]


def _show(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _valid_filters(request) -> tuple[EventFilterForm, EventFilters | None]:
    form = EventFilterForm(request.GET)
    return form, (form.filters() if form.is_valid() else None)


def _errors_text(form) -> str:
    return "\n".join(f"{field}: {message}" for field, messages in form.errors.items() for message in messages)


@require_safe
@permission_required("activity.view", raise_exception=True)
def event_chart_view(request):
    form, filters = _valid_filters(request)
    if filters is None:
        return HttpResponse(_errors_text(form), status=400, content_type="text/plain; charset=utf-8")
    tz = form.timezone
    end = form.cleaned_data["date_to"] or timezone.now().astimezone(tz).date()
    start = form.cleaned_data["date_from"] or end - timedelta(days=CHART_DEFAULT_DAYS - 1)
    if (end - start).days >= CHART_MAX_DAYS:
        return HttpResponse(
            f"Choose a date range of at most {CHART_MAX_DAYS} days for the chart.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    bounded = EventFilterForm(
        {**request.GET.dict(), "date_from": start.isoformat(), "date_to": end.isoformat(), "tz": str(tz)}
    )
    bounded.is_valid()
    days = events_per_day(bounded.filters(), start=start, end=end, tz=tz)
    svg = per_day_svg(days, title=f"Events per day, {start:%d %b %Y} to {end:%d %b %Y} ({tz})")
    response = HttpResponse(svg, content_type="image/svg+xml")
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
