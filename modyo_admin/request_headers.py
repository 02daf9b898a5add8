"""Request headers the panel cannot store, refused before any middleware or view reads them.

PostgreSQL refuses text holding a NUL character (0x00): Django raises ValueError, a 500.
Form fields refuse NUL themselves, with a message at the field (Django's
``ProhibitNullCharactersValidator``, on every ``CharField``). Headers have no form, yet
their values reach the database: the User-Agent in activity events and the sessions
list, User-Agent and Accept in django-axes' records of failed sign-ins, the session
cookie as a key that is looked up. HTTP does not allow NUL in a header (RFC 9110,
section 5.5) and no browser sends one, so such a request is refused as a whole.
"""

from __future__ import annotations

from django.http import HttpResponseBadRequest


class NulInHeadersMiddleware:
    """Answer 400 to a request whose headers (cookies included) contain a NUL character.

    Place it before every middleware that reads or stores a header: the session, the
    activity request context and django-axes (system check ``security.E009``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, value in request.META.items():
            if key.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
                header = key.removeprefix("HTTP_").replace("_", "-").title()
                return HttpResponseBadRequest(
                    f"The {header} header contains a NUL character (0x00), which HTTP does not allow.",
                    content_type="text/plain; charset=utf-8",
                )
        return self.get_response(request)
