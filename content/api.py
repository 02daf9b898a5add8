"""Public content API: public entries for anyone, private ones for delivery-token holders."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.utils.cache import patch_cache_control, patch_vary_headers
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer

from security.api import TOKEN_HEADER, DeliveryTokenAuthentication, credentials_presented

from .models import Entry
from .selectors import entry_list


class EntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Entry
        fields = ["title", "slug", "body", "visibility", "updated_at"]
        read_only_fields = fields


class _EntryAPIMixin:
    authentication_classes = [DeliveryTokenAuthentication]
    # Open to anyone: the websites' visitors hold no panel role. What a caller sees is decided by
    # get_queryset, which adds private entries only for a valid delivery token.
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    serializer_class = EntrySerializer

    def get_queryset(self):
        # request.auth holds the token's claims once DeliveryTokenAuthentication accepted it.
        return entry_list(include_private=self.request.auth is not None)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Shared caches key on Authorization only by convention and on Delivery-Token not at all;
        # naming both keeps a tokened answer from being served to a caller without one.
        patch_vary_headers(response, ("Authorization", TOKEN_HEADER))
        if credentials_presented(request):
            # Only a token can reveal private entries: such answers (and refusals) are for this caller alone.
            patch_cache_control(response, private=True, no_store=True)
        return response


class EntryListView(_EntryAPIMixin, generics.ListAPIView):
    """List the entries the caller may read."""


class EntryDetailView(_EntryAPIMixin, generics.RetrieveAPIView):
    """Return one entry; a private one without a valid token is 404, so private slugs do not leak."""

    lookup_field = "slug"

    def get_object(self) -> Entry:
        try:
            return super().get_object()
        except Http404:
            # The same words for a missing and a hidden entry, so the answer reveals nothing.
            raise NotFound(f"No entry with the slug “{self.kwargs['slug']}” is available to this caller.") from None


entry_list_api_view = login_not_required(EntryListView.as_view())
entry_detail_api_view = login_not_required(EntryDetailView.as_view())
