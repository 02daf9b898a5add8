from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from .selectors import event_list

PAGE_SIZE = 50


@permission_required("activity.view", raise_exception=True)
def event_list_view(request):
    return render(request, "activity/list.html", {"title": "Activity", "events": event_list(limit=PAGE_SIZE)})
