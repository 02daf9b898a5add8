"""Re-authentication for sensitive actions ("sudo mode").

Decorate a view with ``reauthentication_required``: when the user last proved
who they are more than REAUTHENTICATION_MAX_AGE_MINUTES ago, they are asked
for their password (and a code, when enrolled) first. A POST that was
interrupted is kept and offered for resubmission afterwards, so no input is lost.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from . import session_state

PENDING_POST = "accounts.reauth.pending_post"


def reauthentication_redirect(request) -> HttpResponse | None:
    """Return the redirect to the re-authentication page if the last proof is too old, else None.

    An interrupted POST is kept in the session and offered for resubmission afterwards.
    """
    if session_state.recently_authenticated(request.session):
        return None
    if request.method == "POST":
        request.session[PENDING_POST] = {
            "path": request.path,
            "data": [
                [key, value] for key, values in request.POST.lists() for value in values if key != "csrfmiddlewaretoken"
            ],
        }
        next_url = safe_next(request, request.META.get("HTTP_REFERER", "")) or request.path
    else:
        request.session.pop(PENDING_POST, None)
        next_url = request.get_full_path()
    return redirect(reverse("accounts:reauthenticate") + "?" + urlencode({"next": next_url}))


def reauthentication_required(view):
    """Decorate a view that asks for a recent authentication first (see ``reauthentication_redirect``)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return reauthentication_redirect(request) or view(request, *args, **kwargs)

    return wrapper


def safe_next(request, url: str) -> str:
    """Return ``url`` if it is a page of this site to go on to (a path, or an http(s) URL of this host), else "".

    Anything else is refused rather than passed to ``redirect()``, which would look it up as a
    view name ("0" is a 500, "dashboard" a page); a control character cannot go into a header.
    """
    if (
        url
        and url.isprintable()
        and (url.startswith("/") or urlsplit(url).scheme in ("http", "https"))
        and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    ):
        return url
    return ""
