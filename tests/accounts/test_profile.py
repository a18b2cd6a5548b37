import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db


def profile_data(**overrides):
    data = {
        "full_name": "Даниил Окафор",
        "first_name": "Daniil",
        "last_name": "Okafor",
        "profession": "police",
        "country": "NG",
        "agency": "Nigeria Police Force",
        "preferred_language": "en",
    }
    data.update(overrides)
    return data


def test_profile_needs_a_signed_in_user(client):
    response = client.get("/en/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=")


def test_profile_shows_the_officers_details(client, officer):
    client.force_login(officer)
    response = client.get("/en/accounts/profile/")
    assert response.status_code == 200
    html = response.content.decode()
    assert officer.email in html
    assert 'value="Test Officer"' in html
    assert 'autocomplete="name"' in html
    assert "Two-factor authentication" not in html  # officers are never asked


def test_editing_the_profile(client, officer):
    client.force_login(officer)
    response = client.post("/en/accounts/profile/", profile_data())
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/profile/"
    assert "custodia_language" not in response.cookies  # the language did not change
    officer.refresh_from_db()
    assert (officer.full_name, officer.country, officer.profession) == ("Даниил Окафор", "NG", "police")
    assert officer.email == "officer@example.test"  # not editable here


def test_changing_the_preferred_language_moves_to_its_prefix_and_sets_the_cookie(client, officer):
    client.force_login(officer)
    response = client.post("/en/accounts/profile/", profile_data(preferred_language="ar"))
    assert response.status_code == 302
    assert response["Location"] == "/ar/accounts/profile/"
    assert response.cookies["custodia_language"].value == "ar"
    officer.refresh_from_db()
    assert officer.preferred_language == "ar"

    response = client.get(response["Location"])
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert 'value="ar" selected' in html


@pytest.mark.parametrize(
    "overrides",
    [{"country": "ZZ"}, {"full_name": ""}, {"preferred_language": "de"}, {"profession": ""}],
)
def test_bad_input_changes_nothing(client, officer, overrides):
    client.force_login(officer)
    before = User.objects.values().get(pk=officer.pk)
    response = client.post("/en/accounts/profile/", profile_data(**overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert 'aria-invalid="true"' in html
    assert User.objects.values().get(pk=officer.pk) == before


def test_staff_may_change_only_their_language(client, trainer):
    client.force_login(trainer)
    response = client.post("/en/accounts/profile/", {"full_name": "Amina Haddad", "preferred_language": "fr"})
    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/profile/"
    trainer.refresh_from_db()
    assert (trainer.preferred_language, trainer.country, trainer.profession) == ("fr", "", "")
