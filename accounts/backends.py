"""The authentication backend: Django's ModelBackend, loading with each member whether they have an authenticator."""

from __future__ import annotations

import functools

from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from .emails import email_canonical
from .models import User


@functools.cache
def _members_annotated() -> QuerySet[User]:
    devices = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return User._default_manager.annotate(two_factor_on=Exists(devices))


def _members() -> QuerySet[User]:
    # A copy of one annotated queryset built per process: resolving the EXISTS took half the
    # look-up's Python time, on every sign-in and every signed-in request. Never evaluated itself.
    return _members_annotated().all()


class MemberBackend(ModelBackend):
    """Load a member with ``two_factor_on`` in the same query, at sign-in and on every page.

    Signing in asks whether the member owes a second step, and so does every
    page for a session that has not passed one (accounts.middleware.required_step);
    answering from the member's own row spares a device query each time.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = _members().filter(email=email_canonical(username)).first()
        if user is None:
            # Hash anyway, as ModelBackend does, so that an unknown email takes as long as a wrong password.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        user = _members().filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
