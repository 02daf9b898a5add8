"""The password policy page, compliance at sign-in, forced and required changes, history."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts import selectors, services
from accounts.models import PasswordPolicy, User
from activity.models import Event
from tests.accounts.conftest import field_errors
from tests.conftest import force_sign_in, sign_in
from tests.factories import DEFAULT_PASSWORD, make_user, make_user_via_service

pytestmark = pytest.mark.django_db

LENGTH_8 = "Zq7#mKpw"
LENGTH_20 = "Zq7#mKpw-Lr3$vXa-Tn9"

DEFAULT_FORM = {
    "min_length": "8",
    "reject_common": "on",
    "reject_similar": "on",
    "history_count": "0",
}


def post_policy(client, django_capture_on_commit_callbacks, **overrides):
    data = {**DEFAULT_FORM, **overrides}
    data = {key: value for key, value in data.items() if value is not None}
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/settings/security/password-policy/", data)


def change_password(client, old: str, new: str, url: str = "/profile/password/"):
    return client.post(url, {"old_password": old, "new_password1": new, "new_password2": new})


# The policy page ------------------------------------------------------------------------


def test_policy_page_saves_every_option_and_raises_the_version(client, admin, django_capture_on_commit_callbacks):
    force_sign_in(client, admin)
    response = post_policy(
        client,
        django_capture_on_commit_callbacks,
        min_length="16",
        require_lowercase="on",
        require_uppercase="on",
        require_special="on",
        reject_common=None,
        reject_similar=None,
        history_count="5",
        force_change_if_noncompliant="on",
    )
    assert response.status_code == 302
    policy = selectors.password_policy_get()
    assert policy.as_dict() == {
        "min_length": 16,
        "require_lowercase": True,
        "require_uppercase": True,
        "require_special": True,
        "reject_common": False,
        "reject_similar": False,
        "reject_guessable": False,
        "min_strength": 3,
        "history_count": 5,
        "force_change_if_noncompliant": True,
    }
    assert policy.version == 2
    assert policy.updated_by == admin


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("min_length", "7", "The platform requires at least 8 characters."),
        ("min_length", "0", "The platform requires at least 8 characters."),
        ("min_length", "129", "Ensure this value is less than or equal to 128."),
        ("history_count", "25", "Ensure this value is less than or equal to 24."),
        ("history_count", "-1", "Ensure this value is greater than or equal to 0."),
        ("min_length", "eight", "Enter a whole number."),
    ],
)
def test_policy_page_refuses_values_out_of_range_and_saves_nothing(
    client, owner, django_capture_on_commit_callbacks, field, value, message
):
    force_sign_in(client, owner)
    events_before = Event.objects.count()
    response = post_policy(client, django_capture_on_commit_callbacks, require_special="on", **{field: value})
    assert response.status_code == 400
    assert message in response.context["policy_form"].errors[field]
    assert message in response.content.decode()
    policy = PasswordPolicy.objects.get()
    assert policy.version == 1
    assert policy.require_special is False
    assert Event.objects.count() == events_before


@pytest.mark.parametrize(("field", "value"), [("min_length", "8"), ("min_length", "128"), ("history_count", "24")])
def test_policy_page_accepts_the_range_boundaries(client, owner, django_capture_on_commit_callbacks, field, value):
    force_sign_in(client, owner)
    response = post_policy(client, django_capture_on_commit_callbacks, require_special="on", **{field: value})
    assert response.status_code == 302
    assert getattr(selectors.password_policy_get(), field) == int(value)


@pytest.mark.parametrize(("fields"), [{"min_length": 7}, {"min_length": 129}, {"history_count": 25}])
def test_policy_service_refuses_values_out_of_range(owner, fields):
    with pytest.raises(ValidationError):
        services.password_policy_update(acting_user=owner, **fields)
    assert PasswordPolicy.objects.get().version == 1


def test_saving_the_same_policy_changes_nothing(owner, set_policy):
    set_policy(acting_user=owner, min_length=8)
    assert PasswordPolicy.objects.get().version == 1
    assert not Event.objects.filter(action="settings.password_policy.updated").exists()


def test_policy_page_explains_current_guidance_and_rules(client, auditor):
    force_sign_in(client, auditor)
    html = client.get("/settings/security/").content.decode()
    assert "NIST SP 800-63B" in html
    assert "15" in html
    assert "At least 8 characters." in html
    assert "Save password policy" not in html


# A stricter policy and compliance at sign-in ------------------------------------------------------


def test_stricter_policy_does_not_block_existing_sign_ins_but_applies_at_the_next_change(client, member, set_policy):
    set_policy(min_length=30)
    sign_in(client, member)
    assert client.get("/profile/").status_code == 200

    response = change_password(client, DEFAULT_PASSWORD, LENGTH_20)
    assert response.status_code == 200
    assert field_errors(response, "new_password1") == [
        "Minimum length: the password must contain at least 30 characters."
    ]
    response = change_password(client, DEFAULT_PASSWORD, LENGTH_20 * 2)
    assert response.status_code == 302


def test_compliance_is_checked_at_sign_in_and_remembered_per_policy_version(client, set_policy):
    strong = make_user(email="strong@example.com", password=LENGTH_20)
    weak = make_user(email="weak@example.com", password=LENGTH_8)
    never = make_user(email="never@example.com", password=LENGTH_8)
    policy = set_policy(min_length=12)

    sign_in(client, strong, LENGTH_20)
    client.logout()
    sign_in(client, weak, LENGTH_8)
    client.logout()

    for user in (strong, weak, never):
        user.refresh_from_db()
    assert (strong.password_policy_version, strong.password_compliant) == (policy.version, True)
    assert (weak.password_policy_version, weak.password_compliant) == (policy.version, False)
    assert never.password_policy_version == 1  # set under version 1, not checked since
    assert selectors.password_compliance_counts() == {"compliant": 1, "noncompliant": 1, "unchecked": 1}


@pytest.fixture
def policy_checks(monkeypatch):
    """Count the sign-ins that check the typed password against the policy (each rule run, zxcvbn included)."""
    from accounts import selectors as account_selectors

    checked = []
    real = account_selectors.policy_errors

    def counting(password, user=None, **kwargs):
        checked.append(user.email)
        return real(password, user, **kwargs)

    monkeypatch.setattr(account_selectors, "policy_errors", counting)
    return checked


def test_a_password_checked_under_the_policy_in_force_is_not_checked_again_at_each_sign_in(client, policy_checks):
    weak = make_user(email="weak@example.com", password=LENGTH_8)
    sign_in(client, weak, LENGTH_8)
    client.logout()
    sign_in(client, weak, LENGTH_8)
    client.logout()
    assert policy_checks == ["weak@example.com"]


def test_a_policy_change_has_the_next_sign_in_check_again(client, set_policy, policy_checks):
    weak = make_user(email="weak@example.com", password=LENGTH_8)
    sign_in(client, weak, LENGTH_8)
    client.logout()
    policy = set_policy(min_length=12)
    sign_in(client, weak, LENGTH_8)
    weak.refresh_from_db()
    assert policy_checks == ["weak@example.com"] * 2
    assert (weak.password_policy_version, weak.password_compliant) == (policy.version, False)


def test_a_password_set_outside_the_panel_is_checked_at_its_next_sign_in(client, set_policy):
    member = make_user(email="member@example.com", password=LENGTH_20)
    policy = set_policy(min_length=12)
    sign_in(client, member, LENGTH_20)
    client.logout()
    member.refresh_from_db()
    assert member.password_checked_for
    assert member.password_compliant is True
    # As `manage.py changepassword` or a script would: the policy's version and answer stay behind.
    member.set_password(LENGTH_8)
    member.save()

    sign_in(client, member, LENGTH_8)
    member.refresh_from_db()
    assert (member.password_policy_version, member.password_compliant) == (policy.version, False)


def test_a_new_name_has_the_next_sign_in_check_the_password_again(client, policy_checks):
    member = make_user(email="member@example.com", password=LENGTH_20, full_name="Ada")
    sign_in(client, member, LENGTH_20)
    client.logout()
    member.refresh_from_db()
    member.full_name = "Zq7 mKpw Lr3 vXa"  # the password's own words: too similar now
    member.save(update_fields=["full_name"])

    sign_in(client, member, LENGTH_20)
    member.refresh_from_db()
    assert policy_checks == ["member@example.com"] * 2
    assert member.password_compliant is False


def test_policy_page_shows_the_compliance_counts(client, owner, set_policy):
    weak = make_user(email="weak@example.com", password=LENGTH_8)
    set_policy(min_length=12)
    sign_in(client, weak, LENGTH_8)
    client.logout()
    sign_in(client, owner)  # DEFAULT_PASSWORD has 23 characters: complies
    response = client.get("/settings/security/")
    assert response.context["compliance"] == {"compliant": 1, "noncompliant": 1, "unchecked": 0}
    html = response.content.decode()
    assert "<dt>Known to comply</dt><dd>1</dd>" in html
    assert "<dt>Known not to comply</dt><dd>1</dd>" in html
    assert "<dt>Not yet checked</dt><dd>0</dd>" in html


def test_compliance_counts_ignore_invited_and_deactivated_members(owner):
    services.member_invite(email="invited@example.com", role="member", acting_user=owner)
    gone = make_user(email="gone@example.com")
    services.member_deactivate(user=gone, acting_user=owner)
    # Only the owner counts; set under the current version, they are known to comply.
    assert selectors.password_compliance_counts() == {"compliant": 1, "noncompliant": 0, "unchecked": 0}


def test_a_new_password_is_known_to_comply_with_the_version_in_force(client, member, set_policy):
    policy = set_policy(min_length=10)
    force_sign_in(client, member)
    change_password(client, DEFAULT_PASSWORD, LENGTH_20)
    member.refresh_from_db()
    assert (member.password_policy_version, member.password_compliant) == (policy.version, True)


def test_noncompliant_member_is_not_forced_by_default(client, set_policy):
    weak = make_user(email="weak@example.com", password=LENGTH_8)
    set_policy(min_length=12)
    sign_in(client, weak, LENGTH_8)
    assert client.get("/profile/").status_code == 200


def test_forced_change_sends_a_noncompliant_member_to_the_change_page_first(client, set_policy):
    weak = make_user(email="weak@example.com", password=LENGTH_8)
    set_policy(min_length=12, force_change_if_noncompliant=True)
    response = client.post("/login/", {"username": weak.email, "password": LENGTH_8})
    assert response.status_code == 302
    for path in ["/", "/profile/", "/profile/password/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response.url.startswith("/password/change-required/")
    page = client.get("/password/change-required/")
    assert "does not meet the organisation's password policy" in page.content.decode()

    response = change_password(client, LENGTH_8, LENGTH_20, url="/password/change-required/")
    assert response.status_code == 302
    assert client.get("/profile/").status_code == 200
    weak.refresh_from_db()
    assert weak.password_compliant is True


def test_forced_change_leaves_compliant_members_alone(client, member, set_policy):
    set_policy(min_length=12, force_change_if_noncompliant=True)
    sign_in(client, member)
    assert client.get("/profile/").status_code == 200
    assert client.get("/password/change-required/").status_code == 302


def test_member_under_a_forced_change_can_still_sign_out(client, set_policy):
    weak = make_user(email="weak@example.com", password=LENGTH_8)
    set_policy(min_length=12, force_change_if_noncompliant=True)
    sign_in(client, weak, LENGTH_8)
    response = client.post("/logout/")
    assert response.status_code == 302
    assert client.get("/profile/").url.startswith("/login/")


# An admin requires a change -----------------------------------------------------------------


def test_admin_requires_one_member_to_change_password_at_next_sign_in(client, client_factory, admin, member):
    force_sign_in(client, admin)
    response = client.post(f"/team/{member.pk}/require-password-change/", {"confirmed": "yes"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.must_change_password is True
    admin.refresh_from_db()
    assert admin.must_change_password is False

    browser = client_factory()
    sign_in(browser, member)
    response = browser.get("/profile/")
    assert response.url.startswith("/password/change-required/")
    assert "An administrator asked you to choose a new password." in browser.get(response.url).content.decode()
    response = change_password(browser, DEFAULT_PASSWORD, LENGTH_20, url="/password/change-required/")
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.must_change_password is False
    assert browser.get("/profile/").status_code == 200


def test_owner_requires_every_member_to_change_password(client, owner, admin, auditor, member):
    force_sign_in(client, owner)
    response = client.post("/team/require-password-change/", {"confirmed": "yes"}, follow=True)
    assert "members must change their password at next sign-in" in response.content.decode()
    # Everyone but the owner who asked.
    assert set(User.objects.filter(must_change_password=True)) == {admin, auditor, member}


def test_admin_requiring_everyone_leaves_owners_and_admins_alone(client, owner, admin, auditor, member):
    force_sign_in(client, admin)
    client.post("/team/require-password-change/", {"confirmed": "yes"})
    assert set(User.objects.filter(must_change_password=True)) == {auditor, member}


def test_required_change_applies_at_next_sign_in_not_to_the_open_session(client, owner, member):
    force_sign_in(client, member)
    services.password_change_require(acting_user=owner, user=member)
    assert client.get("/profile/").status_code == 200
    client.post("/logout/")
    sign_in(client, member)
    assert client.get("/profile/").url.startswith("/password/change-required/")


def test_forced_change_refuses_the_current_password(client, owner, member):
    services.password_change_require(acting_user=owner, user=member)
    sign_in(client, member)
    response = change_password(client, DEFAULT_PASSWORD, DEFAULT_PASSWORD, url="/password/change-required/")
    assert response.status_code == 200
    assert "must differ from your current one" in response.content.decode()


# History ----------------------------------------------------------------------------------


def test_history_refuses_reuse_of_the_last_n_passwords(client, set_policy):
    member = make_user_via_service(email="member@example.com")  # its first password starts the history
    set_policy(history_count=2)
    force_sign_in(client, member)
    second = "Second-Pass-Word-2"
    third = "Third-Pass-Word-3"
    assert change_password(client, DEFAULT_PASSWORD, second).status_code == 302

    response = change_password(client, second, DEFAULT_PASSWORD)
    assert field_errors(response, "new_password1") == [
        "Password history: the password must differ from your last 2 passwords."
    ]
    response = change_password(client, second, second)
    assert response.status_code == 200

    assert change_password(client, second, third).status_code == 302
    # DEFAULT_PASSWORD is now three passwords back: allowed again.
    assert change_password(client, third, DEFAULT_PASSWORD).status_code == 302


def test_history_off_allows_reusing_a_previous_password(client, member):
    force_sign_in(client, member)
    assert change_password(client, DEFAULT_PASSWORD, "Second-Pass-Word-2").status_code == 302
    assert change_password(client, "Second-Pass-Word-2", DEFAULT_PASSWORD).status_code == 302


def test_history_applies_to_password_reset_too(set_policy):
    member = make_user_via_service(email="member@example.com")  # its first password starts the history
    set_policy(history_count=24)
    with pytest.raises(ValidationError) as caught:
        services.password_reset_complete(user=member, new_password=DEFAULT_PASSWORD)
    assert [error.code for error in caught.value.error_list] == ["password_reused"]


def test_history_stores_only_hashes_and_at_most_24(member):
    passwords = [f"History-Pass-{n:02d}" for n in range(30)]
    for old, new in zip([DEFAULT_PASSWORD, *passwords], passwords, strict=False):
        services.password_change(user=member, old_password=old, new_password=new)
    stored = list(member.password_history.values_list("password", flat=True))
    assert len(stored) == 24
    for password in passwords + [DEFAULT_PASSWORD]:
        assert all(password not in value for value in stored)
