"""GET /api/v1/tokens/ and DELETE /api/v1/tokens/<id>/."""

from __future__ import annotations

from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from ..models import ApiToken
from ..permissions import token_requires
from ..selectors import api_token_get, api_tokens_visible
from ..services import api_token_revoke
from .base import V1View, operation


class ApiTokenSerializer(serializers.ModelSerializer):
    creator = serializers.EmailField(source="user.email", read_only=True, help_text="Who created the token.")
    status = serializers.SerializerMethodField(help_text="active, expired or revoked.")

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "scope",
            "creator",
            "status",
            "created_at",
            "expires_at",
            "last_used_at",
            "last_used_ip",
            "revoked_at",
        ]
        read_only_fields = fields

    def get_status(self, token: ApiToken) -> str:
        return token.status()


class TokenListView(V1View):
    permission_classes = [token_requires("api_tokens.view")]

    @operation(
        operation_id="v1_tokens_list",
        summary="List API tokens",
        description="The creator's own tokens; an owner's token sees every token of the organisation.",
        responses={200: ApiTokenSerializer(many=True)},
    )
    def get(self, request):
        return Response(ApiTokenSerializer(api_tokens_visible(user=request.user), many=True).data)


class TokenDetailView(V1View):
    permission_classes = [token_requires("api_tokens.view")]

    @operation(
        summary="Revoke an API token",
        description="The token stops working at once (401). Revoking a revoked token changes nothing.",
        responses={204: None},
        errors=(404,),
    )
    def delete(self, request, pk: int):
        try:
            token = api_token_get(user=request.user, pk=pk)
        except ApiToken.DoesNotExist:
            raise NotFound(f"No API token {pk} that this token may see.") from None
        api_token_revoke(token=token, acting_user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
