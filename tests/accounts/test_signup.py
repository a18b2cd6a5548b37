import re
import time
from datetime import timedelta
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import User
from accounts.tokens import make_confirmation_token

from .conftest import STRONG_PASSWORD, link_in

pytestmark = pytest.mark.django_db


def test_signup_form_is_accessible_and_lists_countries_in_the_page_language(client):
    response = client.get("/fr/accounts/signup/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("email", "full_name", "first_name", "last_name", "country", "agency", "password1", "password2"):
        assert f'<label for="id_{name}"' in html
    assert 'autocomplete="email"' in html
    assert 'autocomplete="new-password"' in html
    assert 'value="JO"' in html
    assert "Jordanie" in html  # django-countries' French name
    assert 'value="fr" selected' in html  # preferred language defaults to the page's


def test_happy_path_confirms_once_signs_in_and_uses_the_preferred_language(client, signup_data):
    response = client.post("/fr/accounts/signup/", signup_data)
    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/signup/sent/"

    user = User.objects.get()
    assert user.email == "nadia.karim@example.test"
    assert user.full_name == "نادية كريم"
    assert (user.country, user.profession, user.preferred_language) == ("JO", "prosecution", "ar")
    assert not user.is_active and user.email_confirmed_at is None

    # One e-mail, to the officer, with a link under their preferred language's prefix.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nadia.karim@example.test"]
    link = urlsplit(link_in(mail.outbox[0])).path
    assert link.startswith("/ar/accounts/confirm/")

    # Not confirmed yet: the right password is refused, with a way to get a new link.
    response = client.post("/en/accounts/login/", {"username": user.email, "password": STRONG_PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "Send the confirmation e-mail again" in response.content.decode()

    # Following the link shows a button (mail scanners only GET); posting it activates.
    response = client.get(link)
    assert response.status_code == 200
    user.refresh_from_db()
    assert not user.is_active

    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == "/ar/"
    assert response.cookies["custodia_language"].value == "ar"
    user.refresh_from_db()
    assert user.is_active and user.email_confirmed_at is not None
    assert client.session["_auth_user_id"] == str(user.pk)

    # The link works exactly once.
    confirmed_at = user.email_confirmed_at
    client.logout()
    for method in (client.get, client.post):
        response = method(link)
        assert response.status_code == 400
        with translation.override("ar"):
            expected = gettext("This confirmation link has already been used: your account is active.")
        assert expected in response.content.decode()
    assert "_auth_user_id" not in client.session
    user.refresh_from_db()
    assert user.email_confirmed_at == confirmed_at


def page_text(response, email):
    """The page with the address typed and the per-response CSRF tokens taken out."""
    html = response.content.decode().replace(email, "EMAIL")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_a_registered_address_gets_the_same_answer_and_its_owner_an_e_mail(client, officer, signup_data):
    """No enumeration: the page cannot tell a registered address from a new one (the owner is told instead)."""
    new_answer = client.post("/en/accounts/signup/", signup_data)
    new_page = page_text(client.get(new_answer["Location"]), signup_data["email"].lower())
    mail.outbox.clear()
    officer.preferred_language = "ar"
    officer.save(update_fields=["preferred_language"])
    other = Client()
    registered = other.post("/en/accounts/signup/", {**signup_data, "email": "OFFICER@Example.Test"})
    assert (registered.status_code, registered["Location"]) == (new_answer.status_code, new_answer["Location"])
    registered_page = page_text(other.get(registered["Location"]), "OFFICER@Example.Test".lower())
    assert registered_page == new_page
    assert User.objects.filter(email__iexact=officer.email).count() == 1  # no second account
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [officer.email]
    with translation.override("ar"):
        assert gettext("You already have a Custodia account") in mail.outbox[0].subject
    assert "/ar/accounts/password/reset/" in mail.outbox[0].body and "/ar/accounts/login/" in mail.outbox[0].body
    # Asking again within the hour does not flood the owner's inbox; the answer stays the same.
    again = Client().post("/en/accounts/signup/", {**signup_data, "email": officer.email})
    assert again.status_code == 302 and len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("password1", "password2", "message"),
    [
        ("password", "password", "This password is too common"),
        ("12345678901", "12345678901", "This password is entirely numeric"),
        ("short1!", "short1!", "This password is too short"),
        (STRONG_PASSWORD, STRONG_PASSWORD + "x", "The two password fields didn"),
    ],
)
def test_weak_or_mismatched_password_is_refused(client, signup_data, password1, password2, message):
    signup_data.update(password1=password1, password2=password2)
    response = client.post("/en/accounts/signup/", signup_data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("field", "value"),
    [("country", "XX"), ("country", ""), ("email", "not-an-address"), ("full_name", ""), ("profession", "spy")],
)
def test_bad_input_is_refused_and_creates_nothing(client, signup_data, field, value):
    signup_data[field] = value
    response = client.post("/en/accounts/signup/", signup_data)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert 'aria-invalid="true"' in html
    assert not User.objects.exists()


def test_a_bad_token_activates_nothing(client, unconfirmed_user):
    token = make_confirmation_token(unconfirmed_user)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in ("garbage", tampered, token.replace(":", ".", 1)):
        response = client.post(f"/en/accounts/confirm/{bad}/")
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
    unconfirmed_user.refresh_from_db()
    assert not unconfirmed_user.is_active
    assert "_auth_user_id" not in client.session


def test_an_expired_token_activates_nothing(client, unconfirmed_user, settings):
    four_days_ago = time.time() - 4 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=four_days_ago):
        token = make_confirmation_token(unconfirmed_user)
    response = client.post(f"/en/accounts/confirm/{token}/")
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    unconfirmed_user.refresh_from_db()
    assert not unconfirmed_user.is_active

    # Within the allowed age, the same kind of token works.
    settings.CUSTODIA_SIGNUP_CONFIRMATION_MAX_AGE = 5 * 24 * 3600
    assert client.post(f"/en/accounts/confirm/{token}/").status_code == 302


def test_a_token_stops_working_when_the_password_changes(client, unconfirmed_user):
    token = make_confirmation_token(unconfirmed_user)
    unconfirmed_user.set_password("another-long-pass-phrase")
    unconfirmed_user.save()
    assert client.post(f"/en/accounts/confirm/{token}/").status_code == 400


def test_resending_the_confirmation(client, unconfirmed_user, officer):
    response = client.post("/en/accounts/signup/resend/", {"email": "PENDING@example.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["pending@example.test"]

    # At most one e-mail a minute for the same account.
    assert client.post("/en/accounts/signup/resend/", {"email": "pending@example.test"}).status_code == 302
    assert len(mail.outbox) == 1

    # Unknown and already-active addresses get the same answer and no e-mail.
    for email in ("nobody@example.test", officer.email):
        response = client.post("/en/accounts/signup/resend/", {"email": email})
        assert response.status_code == 302
    assert len(mail.outbox) == 1

    User.objects.filter(pk=unconfirmed_user.pk).update(confirmation_sent_at=timezone.now() - timedelta(minutes=2))
    assert client.post("/en/accounts/signup/resend/", {"email": "pending@example.test"}).status_code == 302
    assert len(mail.outbox) == 2

    # Either link confirms; then neither works any more.
    first, second = (urlsplit(link_in(message)).path for message in mail.outbox)
    assert client.post(second).status_code == 302
    unconfirmed_user.refresh_from_db()
    assert unconfirmed_user.is_active
    client.logout()
    assert client.post(first).status_code == 400


def test_a_deactivated_confirmed_account_cannot_reactivate_itself(client, unconfirmed_user):
    token = make_confirmation_token(unconfirmed_user)
    assert client.post(f"/en/accounts/confirm/{token}/").status_code == 302
    client.logout()
    User.objects.filter(pk=unconfirmed_user.pk).update(is_active=False)  # an administrator blocks it
    assert client.post("/en/accounts/signup/resend/", {"email": unconfirmed_user.email}).status_code == 302
    assert mail.outbox == []
    assert client.post(f"/en/accounts/confirm/{token}/").status_code == 400
    assert not User.objects.get(pk=unconfirmed_user.pk).is_active


def test_signed_in_users_are_sent_away_from_signup(client, officer):
    client.force_login(officer)
    assert client.get("/en/accounts/signup/").status_code == 302


def test_header_links(client, officer):
    html = client.get("/en/accounts/login/").content.decode()
    assert 'href="/en/accounts/signup/"' in html
    assert 'href="/en/accounts/profile/"' not in html
    client.force_login(officer)
    html = client.get("/en/accounts/profile/").content.decode()
    assert 'href="/en/accounts/profile/"' in html
    assert 'href="/en/accounts/signup/"' not in html
