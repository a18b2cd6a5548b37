from urllib.parse import urlsplit

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import LoginFailure

from .conftest import link_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-pass-phrase-7"


def test_password_reset_end_to_end_in_the_officers_language(client, officer):
    officer.preferred_language = "fr"
    officer.save()
    LoginFailure.objects.create(username=officer.email, ip_address="10.0.0.9")

    response = client.get("/en/accounts/password/reset/")
    assert response.status_code == 200
    assert 'autocomplete="email"' in response.content.decode()

    response = client.post("/en/accounts/password/reset/", {"email": "OFFICER@example.test"})
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/password/reset/sent/"
    assert client.get(response["Location"]).status_code == 200

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [officer.email]
    link = urlsplit(link_in(mail.outbox[0])).path
    assert link.startswith("/fr/accounts/password/reset/")  # the officer's language

    response = client.get(link)  # Django swaps the token for a session and redirects
    assert response.status_code == 302
    set_password_url = response["Location"]
    response = client.get(set_password_url)
    assert response.status_code == 200
    assert 'autocomplete="new-password"' in response.content.decode()

    # A weak password is refused and changes nothing.
    response = client.post(set_password_url, {"new_password1": "password", "new_password2": "password"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert authenticate(username=officer.email, password="a-strong-pass-phrase")

    response = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/password/reset/complete/"
    assert client.get(response["Location"]).status_code == 200

    assert authenticate(username=officer.email, password=NEW_PASSWORD)
    assert not authenticate(username=officer.email, password="a-strong-pass-phrase")
    assert not LoginFailure.objects.filter(username=officer.email).exists()  # the reset lifts a lockout

    # The link works once.
    response = client.get(link, follow=True)
    with translation.override("fr"):
        expected = gettext("This password reset link is not valid: it has been used or has expired.")
    assert expected in response.content.decode()


def test_password_reset_for_an_unknown_or_unconfirmed_address_sends_nothing(client, unconfirmed_user):
    for email in ("nobody@example.test", unconfirmed_user.email):
        response = client.post("/en/accounts/password/reset/", {"email": email})
        assert response.status_code == 302
        assert response["Location"] == "/en/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_password_change(client, officer):
    assert client.get("/en/accounts/password/change/").status_code == 302  # login required
    client.force_login(officer)
    response = client.post(
        "/en/accounts/password/change/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert 'id="id_old_password_error"' in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password("a-strong-pass-phrase")

    response = client.post(
        "/en/accounts/password/change/",
        {"old_password": "a-strong-pass-phrase", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/password/change/done/"
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    assert client.get("/en/accounts/profile/").status_code == 200  # still signed in
