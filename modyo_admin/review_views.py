"""The "Sign off review" form of the activity page.

It lives with the URL wiring because it joins two apps: the activity log's service and
the accounts app's permission table, which asks a reviewer to have authenticated recently.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.permissions import permission_required
from activity.forms import EventFilterForm
from activity.services import review_sign_off

# The filters a sign-off may name: those of the activity page, each value at most this long.
MAX_FILTER_LENGTH = 320


def _filters(query: str) -> dict[str, str]:
    """Return the activity page's filters found in ``query`` (its query string), empty ones left out."""
    known = set(EventFilterForm.base_fields)
    return {
        key: value[:MAX_FILTER_LENGTH]
        for key, value in QueryDict(query[:4000]).items()
        if key in known and value.strip() and value.isprintable()
    }


@require_POST
@permission_required("activity.sign_off")
def review_sign_off_view(request):
    filters = _filters(request.POST.get("filters", ""))
    try:
        event = review_sign_off(acting_user=request.user, filters=filters, note=request.POST.get("note", ""))
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(
            request,
            f"Review signed off up to event #{event.changes['last_sequence']} (seal {event.changes['seal']}).",
        )
    query = QueryDict(mutable=True)
    query.update(filters)
    return redirect(reverse("activity:list") + (f"?{query.urlencode()}" if filters else ""))
