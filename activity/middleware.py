from __future__ import annotations

import re
import uuid

from django.conf import settings

from . import context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextMiddleware:
    """Bind IP, user agent and a request id to the request for activity events.

    The request id comes from ``X-Request-ID`` only behind trusted proxies
    (``TRUSTED_PROXY_COUNT`` > 0), which set it; otherwise it is generated.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The id is hashed into events, so only a trusted proxy may choose it; a client could forge it.
        incoming = request.META.get("HTTP_X_REQUEST_ID", "") if settings.TRUSTED_PROXY_COUNT > 0 else ""
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = context.bind(
            context.RequestContext(
                ip_address=context.client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:512],
                request_id=request_id,
            )
        )
        try:
            response = self.get_response(request)
        finally:
            context.unbind(token)
        response["X-Request-ID"] = request_id
        return response
