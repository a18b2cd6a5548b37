import pytest
from django.conf import settings
from django.urls import reverse

from elearning.languages import LANGUAGE_CODES, PLATFORM_LANGUAGES, get_language_info


def test_settings_languages_come_from_the_table():
    assert [code for code, _name in settings.LANGUAGES] == list(LANGUAGE_CODES)
    assert LANGUAGE_CODES == ("en", "fr", "es", "ru", "ar", "zh-hans")
    assert settings.MODELTRANSLATION_LANGUAGES == LANGUAGE_CODES


def test_only_arabic_is_right_to_left():
    assert [lang.code for lang in PLATFORM_LANGUAGES if lang.is_rtl] == ["ar"]
    assert get_language_info("zh-hans").field_suffix == "zh_hans"
    assert get_language_info("xx").code == "en"


@pytest.mark.parametrize("language", PLATFORM_LANGUAGES, ids=lambda lang: lang.code)
def test_pages_declare_lang_and_dir(client, courses, language):
    response = client.get(f"/{language.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language.code}" dir="{language.direction}">' in html
    # The switcher lists every language in its own name and script.
    for other in PLATFORM_LANGUAGES:
        assert other.native_name in html


def test_root_redirects_to_a_language_prefix(client, courses):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    assert response["Location"] == "/fr/"


def test_switching_language_keeps_the_page_and_remembers_the_choice(client, courses, officer):
    client.force_login(officer)
    response = client.post(reverse("set_language"), {"language": "ar", "next": "/en/police-basics/"})
    assert response.status_code == 302
    assert response["Location"] == "/ar/police-basics/"
    officer.refresh_from_db()
    assert officer.preferred_language == "ar"
    # Later, an unprefixed address goes to the officer's language whatever the browser says.
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es")
    assert response["Location"] == "/ar/"


def test_switching_language_anonymously_sets_only_the_cookie(client, courses):
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/en/"})
    assert response["Location"] == "/zh-hans/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"


def test_switching_to_an_unknown_language_changes_nothing(client, courses, officer):
    client.force_login(officer)
    client.post(reverse("set_language"), {"language": "xx", "next": "/en/"})
    officer.refresh_from_db()
    assert officer.preferred_language == "en"


def test_language_switch_requires_post(client):
    assert client.get(reverse("set_language")).status_code == 405


def test_health_check(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
