"""Public API of the security app: the delivery-token endpoint and token authentication."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import requires

from .delivery import DeliveryKeyMissing, InvalidDeliveryToken, delivery_token_authenticate, delivery_token_issue

TOKEN_HEADER = "Delivery-Token"  # noqa: S105  (a header name, not a secret)


def credentials_presented(request) -> bool:
    """Return whether the request carries credentials a shared cache must not answer for others."""
    return "Authorization" in request.headers or TOKEN_HEADER in request.headers


class DeliveryTokenAuthentication(BaseAuthentication):
    """Authenticate a reader by a content-delivery token.

    The token comes in ``Authorization: Bearer <token>`` or in the
    ``Delivery-Token`` header; never from the URL, which ends up in logs.
    Without a token the request stays anonymous; a token that is present but
    invalid gets 401.
    """

    def authenticate(self, request):
        token = self._token(request)
        if token is None:
            return None
        try:
            return delivery_token_authenticate(token)
        except InvalidDeliveryToken as error:
            raise AuthenticationFailed(str(error), code="invalid_token") from None

    def authenticate_header(self, request) -> str:
        return 'Bearer error="invalid_token"'

    @staticmethod
    def _token(request) -> str | None:
        bearer = None
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            bearer = value.strip()
            if not bearer:
                raise AuthenticationFailed("The Authorization header names no token.", code="invalid_token")
        header = request.headers.get(TOKEN_HEADER)
        if header is not None:
            header = header.strip()
            if not header:
                raise AuthenticationFailed(f"The {TOKEN_HEADER} header is empty.", code="invalid_token")
        if bearer and header and bearer != header:
            raise AuthenticationFailed(
                f"Authorization and {TOKEN_HEADER} carry different tokens; send one.", code="invalid_token"
            )
        return bearer or header


class DeliveryTokenScheme(OpenApiAuthenticationExtension):
    target_class = DeliveryTokenAuthentication
    name = "deliveryToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}


class DeliveryTokenView(APIView):
    """Issue a content-delivery token to the signed-in user.

    It changes nothing, so a GET without a CSRF token is enough; browsers on
    an allowed origin call it with ``credentials: "include"``.
    """

    authentication_classes = [SessionAuthentication]
    permission_classes = [requires("content.delivery_token")]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="delivery_token",
        responses={
            200: inline_serializer(
                "DeliveryToken",
                {
                    "token": serializers.CharField(),
                    "token_type": serializers.CharField(default="Bearer"),
                    "expires_in": serializers.IntegerField(help_text="Seconds until the token expires."),
                },
            )
        },
    )
    def get(self, request):
        try:
            token, ttl = delivery_token_issue(user=request.user)
        except DeliveryKeyMissing as error:
            response = Response({"detail": str(error)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        else:
            response = Response({"token": token, "token_type": "Bearer", "expires_in": ttl})
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        return response


delivery_token_view = login_not_required(DeliveryTokenView.as_view())
