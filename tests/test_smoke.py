import pytest

from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/team/", "/activity/", "/settings/security/", "/profile/"])
def test_owner_can_open_every_main_page(client, owner, path):
    sign_in(client, owner)
    response = client.get(path)
    assert response.status_code == 200
