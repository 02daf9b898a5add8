"""Public content API: public entries for anyone, private ones for delivery-token holders."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer

from security.api import DeliveryTokenAuthentication

from .models import Entry
from .selectors import entry_list


class EntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Entry
        fields = ["title", "slug", "body", "visibility", "updated_at"]
        read_only_fields = fields


class _EntryAPIMixin:
    authentication_classes = [DeliveryTokenAuthentication]
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    serializer_class = EntrySerializer

    def get_queryset(self):
        # request.auth holds the token's claims once DeliveryTokenAuthentication accepted it.
        return entry_list(include_private=self.request.auth is not None)


class EntryListView(_EntryAPIMixin, generics.ListAPIView):
    """List the entries the caller may read."""


class EntryDetailView(_EntryAPIMixin, generics.RetrieveAPIView):
    """Return one entry; a private one without a valid token is 404, so private slugs do not leak."""

    lookup_field = "slug"


entry_list_api_view = login_not_required(EntryListView.as_view())
entry_detail_api_view = login_not_required(EntryDetailView.as_view())
