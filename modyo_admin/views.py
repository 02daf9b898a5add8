"""Project-level pages that draw on several apps."""

from __future__ import annotations

import functools

from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from accounts import selectors as account_selectors
from accounts.validators import help_texts
from activity.selectors import event_list, event_newest_sequence
from checkup.views import checkup_current

from . import conf


@require_safe
def dashboard_view(request):
    # Members hold no dashboard permission; their start page is their profile, not a refusal.
    if not request.user.has_perm("dashboard.view"):
        return redirect("accounts:profile")
    # The content is a cached fragment (templates/dashboard.html), reused while the newest event is the same:
    # every change it shows is an action the activity log records. Each value below is computed only when the
    # fragment is rendered again (a template calls a callable it is given), once (functools.cache).
    checkup = functools.cache(lambda: checkup_current(request)[1])
    return render(
        request,
        "dashboard.html",
        {
            "title": "Dashboard",
            "freshness": event_newest_sequence(),
            "cache_seconds": conf.dashboard_cache_seconds(),
            "by_role": functools.cache(account_selectors.members_by_role_and_status),
            "policy": functools.cache(account_selectors.password_policy_get),
            "policy_rules": functools.cache(help_texts),
            "events": functools.cache(lambda: list(event_list(limit=10))),
            "checkup": checkup if request.user.has_perm("checkup.view") else None,
        },
    )
