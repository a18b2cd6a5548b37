"""Admin: only people trusted to publish scripts upload packages; bad uploads say why and keep nothing."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from h5p.models import H5PLibrary, H5PPackage, LibraryStatus
from tests.h5p.conftest import build_zip, tiny_entries

pytestmark = pytest.mark.django_db
ADD_URL = "wagtailsnippets_h5p_h5ppackage:add"


def upload(client, data, name="tiny.h5p"):
    return client.post(reverse(ADD_URL), {"upload": SimpleUploadedFile(name, data), "title": ""})


@pytest.fixture
def publisher(trainer):
    trainer.groups.add(Group.objects.get(name="H5P publishers"))
    return User.objects.get(pk=trainer.pk)  # fresh permission cache


def test_publishers_group_holds_the_upload_permission():
    codenames = set(Group.objects.get(name="H5P publishers").permissions.values_list("codename", flat=True))
    assert {"upload_h5ppackage", "view_h5ppackage", "access_admin"} <= codenames


def test_publisher_uploads_and_sees_the_package(client, publisher):
    client.force_login(publisher)
    response = upload(client, build_zip(tiny_entries()).getvalue())
    assert response.status_code == 302, response.content.decode()[-2000:]
    package = H5PPackage.objects.get()
    assert (package.title, package.original_name, package.uploaded_by) == ("Tiny package", "tiny.h5p", publisher)
    listing = client.get(reverse("wagtailsnippets_h5p_h5ppackage:list")).content.decode()
    assert "Tiny package" in listing and "H5P.Tiny" in listing
    inspect = client.get(reverse("wagtailsnippets_h5p_h5ppackage:inspect", args=[package.pk])).content.decode()
    assert "H5P.Tiny 1.0.3" in inspect and "en, fr" in inspect


def test_bad_upload_is_refused_with_the_reason(client, publisher, h5p_media):
    client.force_login(publisher)
    response = upload(client, build_zip(tiny_entries(**{"content/shell.php": "x"})).getvalue())
    assert response.status_code == 200
    assert "content/shell.php: Files of type “.php” are not allowed." in response.content.decode()
    assert not H5PPackage.objects.exists() and not H5PLibrary.objects.exists()


def test_trainer_without_the_permission_cannot_upload(client, trainer):
    client.force_login(trainer)
    response = upload(client, build_zip(tiny_entries()).getvalue())
    assert response.status_code in (302, 403)
    assert not H5PPackage.objects.exists()


def test_superuser_can_block_a_library(client, publisher):
    client.force_login(publisher)
    upload(client, build_zip(tiny_entries()).getvalue())
    admin = User.objects.create_superuser("admin@example.test", "a-strong-pass-phrase")
    client.force_login(admin)
    library = H5PLibrary.objects.get()
    response = client.post(
        reverse("wagtailsnippets_h5p_h5plibrary:edit", args=[library.pk]), {"status": LibraryStatus.BLOCKED}
    )
    assert response.status_code == 302
    library.refresh_from_db()
    assert library.is_blocked
    assert client.get(reverse("wagtailsnippets_h5p_h5plibrary:add")).status_code in (302, 403)


def test_results_listing_does_not_query_per_row(client, officer, first_lesson):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from h5p.models import H5PResult
    from h5p.services import import_package

    package, _created = import_package(build_zip(tiny_entries()), name="tiny.h5p")
    admin = User.objects.create_superuser("admin@example.test", "a-strong-pass-phrase")
    client.force_login(admin)
    url = reverse("wagtailsnippets_h5p_h5presult:list")

    def add_result():
        H5PResult.objects.create(
            user=officer,
            package=package,
            package_sha256=package.sha256,
            page=first_lesson,
            block_id="block-1",
            verb="completed",
            raw_score=1,
            max_score=2,
            percent=50,
            passed=False,
            counts=True,
            minimum_score=60,
            statement={},
        )

    def queries_for_listing():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    add_result()
    client.get(url)  # warm per-process caches
    one = queries_for_listing()
    for _ in range(3):
        add_result()
    assert queries_for_listing() == one
