import pytest
from django.contrib.auth import authenticate

from accounts.models import User


@pytest.mark.django_db
def test_users_sign_in_with_their_email_address(client):
    User.objects.create_user("Officer@Example.TEST", "a-strong-pass-phrase")
    user = User.objects.get()
    assert user.email == "officer@example.test"
    assert authenticate(username="OFFICER@example.test", password="a-strong-pass-phrase") == user
    response = client.post(
        "/en/accounts/login/", {"username": "officer@example.test", "password": "a-strong-pass-phrase"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_wrong_password_is_refused_with_a_translated_message(client):
    User.objects.create_user("officer@example.test", "a-strong-pass-phrase")
    response = client.post("/fr/accounts/login/", {"username": "officer@example.test", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Saisissez" in response.content.decode()  # Django's French error message


@pytest.mark.django_db
def test_email_is_required():
    with pytest.raises(ValueError):
        User.objects.create_user("", "x")


@pytest.mark.django_db
def test_display_name_prefers_the_full_name_in_the_officers_script():
    user = User.objects.create_user("a@example.test", "x", full_name="أحمد علي", first_name="Ahmed")
    assert str(user) == "أحمد علي"
    assert user.get_short_name() == "Ahmed"


def test_safe_next_keeps_only_this_sites_urls(rf):
    from accounts.views import safe_next

    assert safe_next(rf.post("/x/", {"next": "/en/courses/"}), "/fallback/") == "/en/courses/"
    assert safe_next(rf.post("/x/", {"next": "https://evil.example/"}), "/fallback/") == "/fallback/"
    assert safe_next(rf.post("/x/", {"next": "//evil.example/"}), "/fallback/") == "/fallback/"
    assert safe_next(rf.get("/x/", {"next": "/en/courses/"}), "/fallback/") == "/en/courses/"
    assert safe_next(rf.post("/x/?next=/en/courses/"), "/fallback/", from_query=False) == "/fallback/"
    assert safe_next(rf.post("/x/", {"next": ""}), "/fallback/") == "/fallback/"
