import pytest

from accounts.models import User
from organisations.models import Membership, Role
from tests.certificates.conftest import (  # noqa: F401 - shared fixtures
    _media,
    _stub_pdf,
    academy,
    academy_admin,
    accreditation,
    issued,
    member,
    other_academy,
    real_pdf,
    record_completion,
)


def make_user(email, academy=None, role=Role.OFFICER, **fields):  # noqa: F811
    user = User.objects.create_user(email, "a-strong-pass-phrase", **fields)
    if academy is not None:
        Membership.objects.create(academy=academy, user=user, role=role, unit=fields.get("agency", ""))
    return user


@pytest.fixture
def trainer_a(academy):  # noqa: F811
    return make_user("trainer@lpa.example.test", academy, Role.TRAINER)


@pytest.fixture
def admin_b(other_academy):  # noqa: F811
    return make_user("admin@nja.example.test", other_academy, Role.ADMIN)


@pytest.fixture
def officer_b(other_academy):  # noqa: F811
    return make_user("officer@nja.example.test", other_academy, full_name="Wanjiru Kamau")


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root@example.test", "a-strong-pass-phrase")
