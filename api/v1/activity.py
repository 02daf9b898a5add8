"""GET /api/v1/activity/ (list, collector feed), /export (CSV, JSON Lines) and /verify."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from activity import conf as activity_conf
from activity.export import csv_lines, jsonl_lines
from activity.forms import EventFilterForm
from activity.models import Event
from activity.selectors import (
    Cursor,
    InvalidCursor,
    event_export_rows,
    event_feed,
    event_page,
    events_filtered,
)
from activity.verification import chain_verify

from ..permissions import token_requires
from .base import V1View, operation

MAX_LIMIT = 500
MAX_SEQUENCE = 2**63 - 1

# The activity page's filters, described from its form so that the two never differ.
FILTER_PARAMETERS = [
    OpenApiParameter(
        name,
        OpenApiTypes.DATE if name.startswith("date_") else OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        description=str(field.help_text or field.label or name),
    )
    for name, field in EventFilterForm.base_fields.items()
]


class EventSerializer(serializers.Serializer):
    """One event, as the exports write it."""

    sequence = serializers.IntegerField(help_text="The event's id and its position in the log.")
    created_at = serializers.CharField(help_text="When it happened, UTC, to the microsecond.")
    actor_id = serializers.CharField(allow_null=True, help_text="Who acted (a member's id), if anyone.")
    actor_label = serializers.CharField(allow_blank=True, help_text="The actor's email at the time.")
    action = serializers.CharField(help_text="The event type, such as member.invited.")
    target_type = serializers.CharField(allow_blank=True)
    target_id = serializers.CharField(allow_blank=True)
    target_label = serializers.CharField(allow_blank=True)
    changes = serializers.JSONField(help_text="Before and after values; secrets are redacted.")
    ip_address = serializers.CharField(allow_null=True)
    user_agent = serializers.CharField(allow_blank=True)
    request_id = serializers.CharField(allow_blank=True)
    credential = serializers.CharField(
        allow_blank=True, help_text="The visible prefix of the API token used; empty for the web UI."
    )
    hash = serializers.CharField(help_text="SHA-256 over the event's fields.")
    seal = serializers.IntegerField(allow_null=True, help_text="The seal that covers it; null while not sealed yet.")
    actor_type = serializers.ChoiceField(choices=["user", "visitor", "system"])


class EventPageSerializer(serializers.Serializer):
    results = EventSerializer(many=True)
    next = serializers.CharField(
        allow_null=True,
        help_text="The URL of the next page (older events), or null. With after: the URL to ask next, always.",
    )


class VerificationSerializer(serializers.Serializer):
    ok = serializers.BooleanField(help_text="Whether every event and seal matches.")
    summary = serializers.CharField()
    checked = serializers.IntegerField(help_text="Events checked.")
    seals = serializers.IntegerField(help_text="Seals checked.")
    unsealed = serializers.IntegerField(help_text="Events not sealed yet (their own hash checked).")
    newest_seal = serializers.IntegerField(allow_null=True)
    newest_seal_hash = serializers.CharField(allow_null=True)
    broken_at = serializers.IntegerField(allow_null=True, help_text="The first event that does not match.")
    broken_seal = serializers.IntegerField(allow_null=True, help_text="The first seal that does not match.")
    problem = serializers.CharField(allow_blank=True)


def _filters(request):
    form = EventFilterForm(request.query_params)
    if not form.is_valid():
        raise ValidationError({field: list(messages) for field, messages in form.errors.items()})
    return form.filters()


def _number(request, name: str, *, default: int | None, low: int, high: int) -> int | None:
    value = request.query_params.get(name)
    if value is None or value == "":
        return default
    if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
        raise ValidationError({name: [f"Enter a whole number from {low} to {high}."]})
    return int(value)


def _rows(events: list[Event], *, order: str) -> list[dict]:
    ids = [event.sequence for event in events]
    return list(event_export_rows(Event.objects.filter(sequence__in=ids), order=order, batch_size=max(1, len(ids))))


def _next_url(request, **changes) -> str:
    query = request.query_params.copy()
    for key in ("cursor", "after"):
        query.pop(key, None)
    for key, value in changes.items():
        query[key] = value
    return request.build_absolute_uri(request.path + "?" + query.urlencode())


class EventListView(V1View):
    permission_classes = [token_requires("activity.view")]

    @operation(
        summary="List activity events",
        description=(
            "Newest first, a page at a time (follow next). With after=<sequence>, oldest first from that event on: "
            "a collector that always asks for next gets every event once, in order, without gaps (only events "
            "already sealed are returned, so a late commit can never slip in behind the collector)."
        ),
        parameters=[
            *FILTER_PARAMETERS,
            OpenApiParameter("cursor", OpenApiTypes.STR, description="Where the page starts: a previous next URL's."),
            OpenApiParameter(
                "after", OpenApiTypes.INT64, description="Only events with a larger sequence, oldest first."
            ),
            OpenApiParameter("limit", OpenApiTypes.INT, description=f"Events per page, 1 to {MAX_LIMIT} (default 50)."),
        ],
        responses={200: EventPageSerializer},
        errors=(400,),
    )
    def get(self, request):
        filters = _filters(request)
        limit = _number(request, "limit", default=activity_conf.page_size(), low=1, high=MAX_LIMIT)
        after = _number(request, "after", default=None, low=0, high=MAX_SEQUENCE)
        if after is not None:
            if request.query_params.get("cursor"):
                raise ValidationError({"cursor": ["Send either cursor or after, not both."]})
            events, next_after = event_feed(filters, after=after, limit=limit)
            return Response(
                {"results": _rows(events, order="chain"), "next": _next_url(request, after=str(next_after))}
            )
        try:
            cursor = Cursor.decode(request.query_params["cursor"]) if request.query_params.get("cursor") else None
        except InvalidCursor as invalid:
            raise ValidationError({"cursor": [str(invalid)]}) from None
        page = event_page(filters, cursor=cursor, limit=limit)
        next_url = _next_url(request, cursor=page.next_cursor.encode()) if page.next_cursor else None
        return Response({"results": _rows(page.events, order="time"), "next": next_url})


FORMATS = {
    "csv": ("text/csv; charset=utf-8", csv_lines),
    "jsonl": ("application/x-ndjson; charset=utf-8", jsonl_lines),
}


class EventExportView(V1View):
    permission_classes = [token_requires("activity.view")]

    @operation(
        summary="Export activity events (streamed)",
        description="Every matching event, newest first, as CSV or JSON Lines with the columns of the page's exports.",
        parameters=[
            *FILTER_PARAMETERS,
            OpenApiParameter("format", OpenApiTypes.STR, enum=list(FORMATS), description="csv (default) or jsonl."),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV with a header row."),
            (200, "application/x-ndjson"): OpenApiResponse(OpenApiTypes.STR, description="One JSON object a line."),
        },
        errors=(400,),
    )
    def get(self, request):
        name = request.query_params.get("format") or "csv"
        if name not in FORMATS:
            raise ValidationError({"format": [f"Choose one of: {', '.join(FORMATS)}."]})
        filters = _filters(request)
        content_type, lines = FORMATS[name]
        rows = event_export_rows(events_filtered(filters), batch_size=activity_conf.export_batch_size())
        response = StreamingHttpResponse(lines(rows), content_type=content_type)
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        response["Content-Disposition"] = f'attachment; filename="activity-{stamp}.{name}"'
        return response


class VerifyView(V1View):
    permission_classes = [token_requires("activity.view")]

    @operation(
        summary="Verify the activity log",
        description="Check every event against its hash and every seal against its events and the seal before it.",
        responses={200: VerificationSerializer},
    )
    def get(self, request):
        result = chain_verify()
        return Response(
            {
                "ok": result.ok,
                "summary": result.summary(),
                "checked": result.checked,
                "seals": result.seals,
                "unsealed": result.unsealed,
                "newest_seal": result.head[0] if result.head else None,
                "newest_seal_hash": result.head[1] if result.head else None,
                "broken_at": result.broken_at,
                "broken_seal": result.broken_seal,
                "problem": result.problem,
            }
        )
