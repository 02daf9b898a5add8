"""Re-authentication for sensitive actions ("sudo mode").

Decorate a view with ``reauthentication_required``: when the user last proved
who they are more than REAUTHENTICATION_MAX_AGE_MINUTES ago, they are asked
for their password (and a code, when enrolled) first. A POST that was
interrupted is kept and offered for resubmission afterwards, so no input is lost.
"""

from __future__ import annotations

from functools import wraps

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from . import session_state

PENDING_POST = "accounts.reauth.pending_post"


def reauthentication_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if session_state.recently_authenticated(request.session):
            return view(request, *args, **kwargs)
        if request.method == "POST":
            request.session[PENDING_POST] = {
                "path": request.path,
                "data": [
                    [key, value]
                    for key, values in request.POST.lists()
                    for value in values
                    if key != "csrfmiddlewaretoken"
                ],
            }
            next_url = safe_next(request, request.META.get("HTTP_REFERER", "")) or request.path
        else:
            request.session.pop(PENDING_POST, None)
            next_url = request.get_full_path()
        return redirect(reverse("accounts:reauthenticate") + "?" + urlencode({"next": next_url}))

    return wrapper


def safe_next(request, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""
