"""The backend's single permission query gives Django's ModelBackend answer."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import ThrottledModelBackend
from accounts.models import User

pytestmark = pytest.mark.django_db


def fresh(user):
    return User.objects.get(pk=user.pk)  # no permission cache


@pytest.fixture
def people():
    direct = User.objects.create_user(email="direct@example.org", password="x-long-pass-phrase")
    direct.user_permissions.add(Permission.objects.get(codename="add_enrolment"))
    grouped = User.objects.create_user(email="grouped@example.org", password="x-long-pass-phrase")
    group = Group.objects.create(name="Readers of enrolments")
    group.permissions.add(
        Permission.objects.get(codename="view_enrolment"), Permission.objects.get(codename="add_enrolment")
    )
    grouped.groups.add(group)
    both = User.objects.create_user(email="both@example.org", password="x-long-pass-phrase")
    both.groups.add(group)
    both.user_permissions.add(Permission.objects.get(codename="change_enrolment"))
    nobody = User.objects.create_user(email="nobody@example.org", password="x-long-pass-phrase")
    inactive = User.objects.create_user(email="inactive@example.org", password="x-long-pass-phrase", is_active=False)
    inactive.user_permissions.add(Permission.objects.get(codename="add_enrolment"))
    boss = User.objects.create_superuser(email="boss@example.org", password="x-long-pass-phrase")
    return [direct, grouped, both, nobody, inactive, boss]


def test_same_permissions_as_djangos_backend(people):
    for user in people:
        ours = ThrottledModelBackend().get_all_permissions(fresh(user))
        theirs = ModelBackend().get_all_permissions(fresh(user))
        assert ours == theirs, user.email
    assert ThrottledModelBackend().get_all_permissions(fresh(people[2])) >= {
        "learning.change_enrolment",
        "learning.view_enrolment",
    }


def test_one_query_then_cached(people):
    user = fresh(people[2])
    with CaptureQueriesContext(connection) as queries:
        assert user.has_perm("learning.view_enrolment")
        assert user.has_perm("learning.change_enrolment")
        assert not user.has_perm("learning.delete_enrolment")
    assert len(queries) == 1
