"""Signals the accounts services send, for apps that build on accounts (which accounts may not import)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside member_deactivate's transaction with ``user`` and ``acting_user``: credentials other
# apps issued to the member end with it, in the same transaction (the API app revokes their tokens).
member_deactivated = Signal()

# Sent with ``user`` whenever the member's credentials change standing: every session and token issued
# so far ended (sign-out everywhere, password change or reset, two-step reset, deactivation), or the
# member was reactivated. Processes that hold a copy of the member drop it (security.token_holders).
member_access_changed = Signal()
