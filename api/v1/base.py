"""What every /api/v1/ endpoint shares: token authentication, the rate limit, problem+json errors, the schema."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation, DefaultContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from ..authentication import ApiTokenAuthentication
from ..exceptions import PROBLEM_CONTENT_TYPE, problem_exception_handler
from ..permissions import token_requires
from ..throttling import TokenRateThrottle


class ProblemSerializer(serializers.Serializer):
    """A problem document (RFC 9457)."""

    type = serializers.CharField(help_text="A URI naming the kind of problem; about:blank: see the status.")
    title = serializers.CharField(help_text="The status in words.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="What went wrong with this request, for a person.")
    code = serializers.CharField(help_text="What went wrong, for a program: invalid, not_authenticated, throttled…")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For 400: the messages of each field that is not valid (non_field_errors: the request as a whole).",
    )


_ERRORS = {
    400: "The request is not valid: errors names each field and what is wrong with it.",
    401: "No API token, or one that is unknown, expired or revoked.",
    403: "The token's creator's role, or the token's scope, does not allow this.",
    404: "No such object (or not one this token may see).",
    429: "The token sent too many requests; Retry-After says how many seconds to wait.",
}


def problems(*codes: int) -> dict:
    """Return schema responses for the error ``codes`` (401, 403 and 429 always), as problem+json."""
    return {
        (code, PROBLEM_CONTENT_TYPE): OpenApiResponse(ProblemSerializer, description=_ERRORS[code])
        for code in sorted({401, 403, 429, *codes})
    }


def operation(*, summary: str, responses: dict, errors: tuple[int, ...] = (), **kwargs):
    """Describe one operation in the schema: its summary, its answers and the errors it may give."""
    return extend_schema(summary=summary, responses={**responses, **problems(*errors)}, **kwargs)


class JsonNegotiation(BaseContentNegotiation):
    """Answer in JSON whatever the Accept header or a ``format`` parameter says (exports choose their own)."""

    def select_parser(self, request, parsers):
        return DefaultContentNegotiation().select_parser(request, parsers)

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class V1View(APIView):
    """Base of every /api/v1/ endpoint.

    Only API tokens authenticate here (never the session cookie, so that a
    page open in a browser cannot be made to call the API). The rate limit is
    counted before the permission check, so refused requests count too.
    """

    authentication_classes = [ApiTokenAuthentication]
    throttle_classes = [TokenRateThrottle]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    content_negotiation_class = JsonNegotiation

    def get_exception_handler(self):
        return problem_exception_handler

    def initial(self, request, *args, **kwargs):
        self.format_kwarg = self.get_format_suffix(**kwargs)
        request.accepted_renderer, request.accepted_media_type = self.perform_content_negotiation(request)
        request.version, request.versioning_scheme = self.determine_version(request, *args, **kwargs)
        self.perform_authentication(request)
        self.check_throttles(request)
        self.check_permissions(request)


class NotFoundView(V1View):
    """Answer a path under /api/v1/ that names no endpoint (``/tokens/abc/``) as a problem, like any other 404."""

    # Any valid token may learn that a path does not exist; without one the answer is 401, as everywhere here.
    permission_classes = [token_requires("profile.view")]
    schema = None  # not an operation

    def _not_found(self, request, *args, **kwargs):
        raise NotFound("No endpoint of the admin API has this path; see /api/docs/.")

    get = post = put = patch = delete = head = options = _not_found
