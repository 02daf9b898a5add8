from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms

from . import conf, registry
from .selectors import SYSTEM_ACTOR, VISITOR_ACTOR, EventFilters

# A filter day becomes a UTC range one day long, shifted by any time zone and, for the chart,
# extended back by its default span: these bounds keep every such date computable.
FIRST_DAY = date(1970, 1, 1)
LAST_DAY = date(9999, 12, 30)


class FilterDateField(forms.DateField):
    """A day the log can be filtered by: refused with a clear message outside FIRST_DAY..LAST_DAY."""

    def __init__(self, **kwargs):
        super().__init__(
            required=False, widget=forms.DateInput(attrs={"type": "date", "min": FIRST_DAY, "max": LAST_DAY}), **kwargs
        )

    def validate(self, value):
        super().validate(value)
        if value and not FIRST_DAY <= value <= LAST_DAY:
            raise forms.ValidationError(
                f"Enter a date from {FIRST_DAY:%Y-%m-%d} to {LAST_DAY:%Y-%m-%d}, not {value:%Y-%m-%d}.",
                code="date_out_of_range",
            )


class ActionField(forms.ChoiceField):
    """An event type: the menu offers the types people look for, and any registered name is accepted."""

    def valid_value(self, value) -> bool:
        return super().valid_value(value) or value in {event_type.name for event_type in registry.all_types()}


class EventFilterForm(forms.Form):
    """The activity page's filters. Dates are days in the browser's time zone (``tz``)."""

    actor = forms.CharField(
        required=False,
        max_length=320,
        help_text=(
            f"Email address, “{SYSTEM_ACTOR}” for commands and scheduled jobs, "
            f"or “{VISITOR_ACTOR}” for visitors who were not signed in."
        ),
    )
    group = forms.ChoiceField(required=False, label="Action group")
    action = ActionField(required=False)
    target_type = forms.CharField(required=False, max_length=100, label="Target type", help_text="For example: user.")
    target_id = forms.CharField(required=False, max_length=100, label="Target id")
    date_from = FilterDateField(label="From")
    date_to = FilterDateField(label="To (inclusive)")
    ip = forms.GenericIPAddressField(required=False, label="IP address", unpack_ipv4=True)
    q = forms.CharField(required=False, max_length=200, label="Target contains")
    tz = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput, label="Time zone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        types = registry.all_types()
        self.fields["group"].choices = [("", "Any group")] + [(g, g) for g in registry.groups()]
        grouped: dict[str, list[tuple[str, str]]] = {}
        for event_type in types:
            if not event_type.offered and event_type.name != self.data.get("action"):
                continue  # a link or the API may still name it, and then the menu shows it chosen
            grouped.setdefault(event_type.group, []).append(
                (event_type.name, f"{event_type.label} ({event_type.name})")
            )
        self.fields["action"].choices = [("", "Any action"), *grouped.items()]

    def clean_actor(self) -> str:
        actor = self.cleaned_data["actor"].strip()
        if actor.lower() in {SYSTEM_ACTOR, VISITOR_ACTOR}:
            return actor.lower()
        if actor and "@" not in actor:
            raise forms.ValidationError(
                f"“{actor}” is not an email address; enter one, “{SYSTEM_ACTOR}” or “{VISITOR_ACTOR}”."
            )
        return actor

    def clean_tz(self) -> str:
        name = self.cleaned_data["tz"].strip() or "UTC"
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return "UTC"
        return name

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", f"The end date {end:%Y-%m-%d} is before the start date {start:%Y-%m-%d}.")
        group, action = data.get("group"), data.get("action")
        if group and action and not action.startswith(group + "."):
            self.add_error("action", f"{action} is not in the group {group}; clear one of them.")
        return data

    @property
    def timezone(self) -> ZoneInfo:
        name = self.cleaned_data.get("tz", "UTC") if hasattr(self, "cleaned_data") else "UTC"
        return ZoneInfo(name or "UTC")

    def filters(self) -> EventFilters:
        data = self.cleaned_data
        tz = self.timezone
        since = until = None
        if data.get("date_from"):
            since = datetime.combine(data["date_from"], time.min, tzinfo=tz).astimezone(UTC)
        if data.get("date_to"):
            until = datetime.combine(data["date_to"] + timedelta(days=1), time.min, tzinfo=tz).astimezone(UTC)
        return EventFilters(
            actor=data.get("actor", ""),
            action=data.get("action", ""),
            group=data.get("group", ""),
            target_type=data.get("target_type", "").strip(),
            target_id=data.get("target_id", "").strip(),
            since=since,
            until=until,
            ip_address=data.get("ip") or "",
            text=data.get("q", "").strip(),
        )


class RetentionForm(forms.Form):
    KEEP_FOREVER = "forever"
    KEEP_DAYS = "days"

    mode = forms.ChoiceField(
        label="Keep events",
        widget=forms.RadioSelect,
        choices=[(KEEP_FOREVER, "Forever"), (KEEP_DAYS, "For a number of days")],
    )
    keep_days = forms.IntegerField(
        required=False,
        label="Days to keep",
        min_value=conf.MIN_RETENTION_DAYS,
        max_value=conf.MAX_RETENTION_DAYS,
        help_text=f"At least {conf.MIN_RETENTION_DAYS}. Older events are archived to a compressed file, "
        "then removed, each time `manage.py activity_prune` runs.",
    )

    @classmethod
    def for_setting(cls, setting) -> RetentionForm:
        mode = cls.KEEP_FOREVER if setting.keep_days is None else cls.KEEP_DAYS
        return cls(initial={"mode": mode, "keep_days": setting.keep_days})

    def clean(self):
        data = super().clean()
        if data.get("mode") == self.KEEP_DAYS and data.get("keep_days") is None and "keep_days" not in self.errors:
            self.add_error("keep_days", f"Enter how many days to keep events (at least {conf.MIN_RETENTION_DAYS}).")
        return data

    @property
    def keep_days_value(self) -> int | None:
        return None if self.cleaned_data["mode"] == self.KEEP_FOREVER else self.cleaned_data["keep_days"]
