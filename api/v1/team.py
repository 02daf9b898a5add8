"""/api/v1/team/members/: list and invite; one member: role, active, name; reset two-step; unlock.

Each write calls the service the Team pages call (who may manage whom, the
last owner, invitations by email), which records the same event.
"""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.models import User
from accounts.roles import Role
from accounts.selectors import TEAM_SORTS, TeamFilters, TeamStatus

from ..permissions import token_requires
from .base import V1View, operation

MAX_ID = 2**63 - 1
EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length


@extend_schema_field({"type": "string", "format": "email", "minLength": 1, "maxLength": EMAIL_MAX_LENGTH})
class TypedEmailField(serializers.CharField):
    """An email address as typed, documented as an email; the member service canonicalises and checks it.

    Not DRF's EmailField: that checks the address before its canonical form
    (a fullwidth address is one, once NFKC-normalised), with its own message.
    """


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField(allow_blank=True)
    role = serializers.ChoiceField(choices=Role.choices)
    status = serializers.ChoiceField(choices=User.Status.choices, help_text="invited, active or deactivated.")
    is_active = serializers.BooleanField()
    two_factor_on = serializers.BooleanField(help_text="Whether an authenticator app is set up.")
    locked_until = serializers.DateTimeField(allow_null=True, help_text="When a sign-in lockout ends, if locked.")
    must_change_password = serializers.BooleanField()
    joined_at = serializers.DateTimeField(allow_null=True, help_text="Empty while only invited.")
    last_login = serializers.DateTimeField(allow_null=True)


class InviteSerializer(serializers.Serializer):
    email = TypedEmailField(max_length=EMAIL_MAX_LENGTH, help_text="Who to invite; the link goes to this address.")
    role = serializers.ChoiceField(choices=Role.choices)
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class MemberChangeSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    is_active = serializers.BooleanField(required=False, help_text="false deactivates, true reactivates.")
    full_name = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class UnlockedSerializer(serializers.Serializer):
    cleared = serializers.IntegerField(help_text="How many failed-sign-in records were removed.")


def _members(users: list[User]) -> list[dict]:
    enrolled = account_selectors.two_factor_enabled_ids([user.pk for user in users])
    locks = account_selectors.lockouts_until([user.email for user in users])
    return MemberSerializer(
        [
            {
                "id": user.pk,
                "email": user.email,
                "full_name": user.full_name,
                "role": user.role,
                "status": user.status,
                "is_active": user.is_active,
                "two_factor_on": user.pk in enrolled,
                "locked_until": locks.get(user.email),
                "must_change_password": user.must_change_password,
                "joined_at": user.joined_at,
                "last_login": user.last_login,
            }
            for user in users
        ],
        many=True,
    ).data


def _member(pk: int) -> User:
    user = User.objects.filter(pk=pk).first() if pk <= MAX_ID else None
    if user is None:
        raise NotFound(f"No team member {pk}.")
    return user


class TeamFiltersSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    role = serializers.ChoiceField(choices=Role.choices, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=TeamStatus.choices, required=False, allow_blank=True)
    sort = serializers.ChoiceField(choices=list(TEAM_SORTS), required=False, default="email")


class MemberListView(V1View):
    permission_classes = [token_requires("team.view"), token_requires("team.manage", methods=("POST",))]

    @operation(
        operation_id="v1_team_members_list",
        summary="List team members",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Part of a name or email."),
            OpenApiParameter("role", OpenApiTypes.STR, enum=Role.values),
            OpenApiParameter("status", OpenApiTypes.STR, enum=TeamStatus.values),
            OpenApiParameter("sort", OpenApiTypes.STR, enum=list(TEAM_SORTS)),
        ],
        responses={200: MemberSerializer(many=True)},
        errors=(400,),
    )
    def get(self, request):
        query = TeamFiltersSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = TeamFilters(**{key: value for key, value in query.validated_data.items() if value is not None})
        return Response(_members(list(account_selectors.team_list(filters))))

    @operation(
        summary="Invite a team member",
        description="Emails a single-use invitation link; re-inviting someone still invited replaces their link.",
        request=InviteSerializer,
        responses={201: MemberSerializer},
        errors=(400,),
    )
    def post(self, request):
        body = InviteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user, _link = account_services.member_invite(acting_user=request.user, **body.validated_data)
        return Response(_members([user])[0], status=status.HTTP_201_CREATED)


class MemberDetailView(V1View):
    permission_classes = [token_requires("team.view"), token_requires("team.manage", methods=("PATCH",))]

    @operation(summary="Read a team member", responses={200: MemberSerializer}, errors=(404,))
    def get(self, request, pk: int):
        return Response(_members([_member(pk)])[0])

    @operation(
        summary="Change a team member's role, name or whether they are active",
        description="Deactivating signs them out everywhere and ends their API tokens for good.",
        request=MemberChangeSerializer,
        responses={200: MemberSerializer},
        errors=(400, 404),
    )
    def patch(self, request, pk: int):
        user = _member(pk)
        body = MemberChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        changes = body.validated_data
        with transaction.atomic():
            if "full_name" in changes:
                user = account_services.member_name_update(
                    user=user, full_name=changes["full_name"], acting_user=request.user
                )
            if "role" in changes:
                user = account_services.member_role_change(user=user, role=changes["role"], acting_user=request.user)
            if changes.get("is_active") is False:
                user = account_services.member_deactivate(user=user, acting_user=request.user)
            elif changes.get("is_active") is True:
                user = account_services.member_reactivate(user=user, acting_user=request.user)
        user.refresh_from_db()
        return Response(_members([user])[0])


class TwoFactorResetView(V1View):
    permission_classes = [token_requires("team.manage")]

    @operation(
        summary="Reset a member's two-step authentication",
        description="Their authenticator and recovery codes stop working, they are signed out everywhere, "
        "and they set two-step authentication up again at their next sign-in.",
        request=None,
        responses={200: MemberSerializer},
        errors=(404,),
    )
    def post(self, request, pk: int):
        user = _member(pk)
        account_services.two_factor_reset(user=user, acting_user=request.user)
        user.refresh_from_db()
        return Response(_members([user])[0])


class UnlockView(V1View):
    permission_classes = [token_requires("team.manage")]

    @operation(
        summary="Unlock a member's sign-in",
        description="Remove the failed sign-ins that lock the member out, from every address.",
        request=None,
        responses={200: UnlockedSerializer},
        errors=(404,),
    )
    def post(self, request, pk: int):
        user = _member(pk)
        cleared = account_services.lockout_clear(email=user.email, acting_user=request.user, target=user)
        return Response({"cleared": cleared})
