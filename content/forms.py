from __future__ import annotations

from django import forms

from .models import Entry


class EntryForm(forms.ModelForm):
    """Carries the fields to the content services, which hold the rules."""

    class Meta:
        model = Entry
        fields = ["title", "slug", "visibility", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
        help_texts = {"slug": "Letters, digits and hyphens; left empty, it is made from the title."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False

    def validate_unique(self):
        # Uniqueness is checked by the service, with a message naming the slug.
        pass
