from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.permissions import permission_required

from . import selectors, services
from .forms import EntryForm
from .models import Entry


def _fields(form: EntryForm) -> dict:
    return {name: form.cleaned_data[name] or "" for name in EntryForm.Meta.fields}


@permission_required("content.manage")
def entry_list_view(request):
    form = EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_create(acting_user=request.user, **_fields(form))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Entry “{entry.title}” created.")
            return redirect("content:list")
    status = 400 if form.errors else 200
    return render(
        request,
        "content/list.html",
        {"title": "Content", "entries": selectors.entry_list_for_management(), "form": form},
        status=status,
    )


@permission_required("content.manage")
def entry_edit_view(request, pk: int):
    entry = get_object_or_404(Entry, pk=pk)
    form = EntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_update(acting_user=request.user, entry=entry, **_fields(form))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Entry “{entry.title}” saved.")
            return redirect("content:list")
    entry.refresh_from_db()
    status = 400 if form.errors else 200
    return render(
        request, "content/edit.html", {"title": f"Edit “{entry.title}”", "entry": entry, "form": form}, status=status
    )


@require_POST
@permission_required("content.delete")
def entry_delete_view(request, pk: int):
    entry = get_object_or_404(Entry, pk=pk)
    if not request.POST.get("confirm"):
        messages.error(request, "Tick the confirmation box to delete the entry.")
        return redirect("content:edit", pk=entry.pk)
    services.entry_delete(acting_user=request.user, entry=entry)
    messages.success(request, f"Entry “{entry.title}” deleted.")
    return redirect("content:list")
