"""Project-level pages that draw on several apps."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from accounts import selectors as account_selectors
from accounts.validators import help_texts
from activity.selectors import event_list
from checkup.views import checkup_summary


@require_safe
def dashboard_view(request):
    # Members hold no dashboard permission; their start page is their profile, not a refusal.
    if not request.user.has_perm("dashboard.view"):
        return redirect("accounts:profile")
    events = list(event_list(limit=10))
    checkup = None
    if request.user.has_perm("checkup.view"):
        checkup = checkup_summary(request, freshness=max((event.sequence for event in events), default=None))
    return render(
        request,
        "dashboard.html",
        {
            "title": "Dashboard",
            "by_role": account_selectors.members_by_role_and_status(),
            "policy": account_selectors.password_policy_get(),
            "policy_rules": help_texts(),
            "events": events,
            "checkup": checkup,
        },
    )
