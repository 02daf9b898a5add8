"""The Content page: owners and admins manage entries; every change is one activity event."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from activity.models import Event
from content import services
from content.models import Entry
from tests.conftest import force_sign_in

pytestmark = pytest.mark.django_db


def test_an_admin_creates_an_entry_and_one_event_is_recorded(client, admin):
    force_sign_in(client, admin)
    response = client.post(
        "/content/", {"title": "Price list", "slug": "", "visibility": "private", "body": "Members only."}
    )
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert (entry.slug, entry.visibility, entry.created_by) == ("price-list", "private", admin)
    event = Event.objects.get(action="content.entry.created")
    assert event.actor == admin
    assert event.target_id == str(entry.pk)
    assert event.changes["visibility"] == [None, "private"]


def test_a_taken_slug_is_refused_and_the_input_kept(client, owner):
    services.entry_create(acting_user=owner, title="One", slug="same", visibility="public")
    force_sign_in(client, owner)
    response = client.post("/content/", {"title": "Two", "slug": "same", "visibility": "public", "body": "Kept"})
    assert response.status_code == 400
    assert "Another entry already uses the slug “same”." in response.content.decode()
    assert "Kept" in response.content.decode()
    assert Entry.objects.count() == 1


def test_an_invalid_slug_is_refused_with_a_message(client, owner):
    force_sign_in(client, owner)
    response = client.post("/content/", {"title": "x", "slug": "has space", "visibility": "public", "body": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["slug"]


def test_editing_records_before_and_after(client, owner):
    entry = services.entry_create(acting_user=owner, title="Old", slug="old", visibility="public", body="a")
    force_sign_in(client, owner)
    response = client.post(
        f"/content/{entry.pk}/", {"title": "New", "slug": "old", "visibility": "private", "body": "b"}
    )
    assert response.status_code == 302
    event = Event.objects.get(action="content.entry.updated")
    assert event.changes == {"title": ["Old", "New"], "visibility": ["public", "private"], "body_changed": True}


def test_saving_an_unchanged_entry_records_nothing(owner):
    entry = services.entry_create(acting_user=owner, title="Same", slug="same", visibility="public", body="a")
    services.entry_update(acting_user=owner, entry=entry, title="Same", body="a")
    assert not Event.objects.filter(action="content.entry.updated").exists()


def test_deleting_needs_confirmation_and_records_the_entry(client, owner):
    entry = services.entry_create(acting_user=owner, title="Gone", slug="gone", visibility="public")
    force_sign_in(client, owner)
    assert client.post(f"/content/{entry.pk}/delete/").status_code == 302
    assert Entry.objects.filter(pk=entry.pk).exists()
    assert client.post(f"/content/{entry.pk}/delete/", {"confirm": "on"}).status_code == 302
    assert not Entry.objects.filter(pk=entry.pk).exists()
    event = Event.objects.get(action="content.entry.deleted")
    assert (event.actor, event.target_id, event.target_label) == (owner, str(entry.pk), "Gone (gone)")
    assert client.get("/api/content/entries/gone/").status_code == 404


def test_an_auditor_cannot_change_content(client, owner, auditor):
    entry = services.entry_create(acting_user=owner, title="Keep", slug="keep", visibility="public")
    force_sign_in(client, auditor)
    assert client.post("/content/", {"title": "x", "visibility": "public"}).status_code == 403
    assert client.post(f"/content/{entry.pk}/delete/", {"confirm": "on"}).status_code == 403
    assert Entry.objects.count() == 1


def test_unknown_fields_are_refused_by_the_service(owner):
    entry = services.entry_create(acting_user=owner, title="x", visibility="public")
    with pytest.raises(ValidationError):
        services.entry_update(acting_user=owner, entry=entry, created_by=None)
