"""Two-factor by permission: a walk over every URL pattern of the project (django.urls resolver, all of
them, Wagtail's admin and the language-prefixed pages included).

1. Every view is either guarded (``accounts.twofactor.privileged``) or listed below as open, with the
   reason it shows nobody else's records. A new view that is neither fails this test.
2. Every guarded view, requested by a superuser signed in with a password only (production setting
   ``CUSTODIA_REQUIRE_STAFF_2FA``), sends them to the code page and runs nothing.
3. Every open view answers a password-only superuser the way it answers an ordinary officer: a view
   that lets the superuser in and keeps the officer out is privileged, and unguarded: the test fails.
"""

import uuid

import pytest
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from accounts.models import User
from accounts.twofactor import is_guarded
from tests.security.urlwalk import routes

pytestmark = pytest.mark.django_db

SIGN_IN = "signing in, out, password reset and sign-up: before anyone is known"
OWN = "the signed-in user's own records or account"
PUBLIC = "public: the same answer for everyone"
TWO_FACTOR = "the two-factor flow itself (reaching it must not need it)"
OPEN = {
    "wagtailadmin_login": SIGN_IN,
    "wagtailadmin_logout": SIGN_IN,
    "wagtailadmin_password_reset": SIGN_IN,
    "wagtailadmin_password_reset_done": SIGN_IN,
    "wagtailadmin_password_reset_confirm": SIGN_IN,
    "wagtailadmin_password_reset_complete": SIGN_IN,
    "wagtailadmin_sprite": PUBLIC + " (the admin's icons)",
    "wagtailadmin_javascript_catalog": PUBLIC + " (the admin's translations)",
    "wagtaildocs_serve": "documents of lessons; Wagtail applies each collection's view restrictions",
    "wagtaildocs_authenticate_with_password": "password form of a restricted document",
    "set_language": PUBLIC,
    "health": PUBLIC,
    "h5p:results": OWN + " (an officer's H5P results)",
    "credentials:issuer": PUBLIC + " (Open Badges issuer profile)",
    "credentials:jwks": PUBLIC + " (the issuer's public keys)",
    "credentials:status_list": PUBLIC + " (revocation status list)",
    "accounts:login": SIGN_IN,
    "accounts:logout": SIGN_IN,
    "accounts:signup": SIGN_IN,
    "accounts:signup_done": SIGN_IN,
    "accounts:resend_confirmation": SIGN_IN,
    "accounts:signup_confirm": SIGN_IN,
    "accounts:password_reset": SIGN_IN,
    "accounts:password_reset_done": SIGN_IN,
    "accounts:password_reset_confirm": SIGN_IN,
    "accounts:password_reset_complete": SIGN_IN,
    "accounts:password_change": OWN,
    "accounts:password_change_done": OWN,
    "accounts:profile": OWN,
    "accounts:two_factor_setup": TWO_FACTOR,
    "accounts:two_factor_verify": TWO_FACTOR,
    "accounts:recovery_codes": TWO_FACTOR,
    "learning:dashboard": OWN,
    "learning:enrol": OWN,
    "learning:withdraw": OWN,
    "learning:renew": OWN,
    "learning:complete_lesson": OWN,
    "learning:privacy": OWN,
    "learning:export": OWN,
    "certificates:verify": PUBLIC + " (verification)",
    "certificates:verify_code": PUBLIC + " (verification)",
    "certificates:mine": OWN,
    "certificates:choose": OWN,
    "certificates:pdf": OWN,
    "certificates:credential": OWN,
    "wagtailcore_authenticate_with_password": "password form of a restricted page",
    "wagtailcore_login": SIGN_IN,
    "wagtail_serve": "pages: courses, lessons and quizzes (the learner's own attempts)",
}
OPEN_PREFIXES = {"api/v1/": "the academy API: a bearer token of one academy, no session (tests/academies/test_api.py)"}
# Pages whose very purpose is privileged users (they must stay reachable without a code).
PRIVILEGED_BY_DESIGN = {name for name, reason in OPEN.items() if reason == TWO_FACTOR}
EXAMPLES = {"int": "1", "id": "1", "slug": "example", "str": "example", "path": "a/b", "uuid": str(uuid.uuid4())}


def example_path(route):
    """A path that resolves to ``route``: reversed by name with example arguments, else written out."""
    pattern = route.pattern.pattern
    if route.name:
        kwargs = {
            name: EXAMPLES.get(type(c).__name__.replace("Converter", "").lower(), "1")
            for name, c in route.converters.items()
        }
        for attempt in (kwargs, {}):
            try:
                return reverse(route.name, kwargs=attempt)
            except NoReverseMatch:
                continue
        groups = getattr(getattr(pattern, "regex", None), "groups", 0)
        for value in ("1", "example", "a/b"):
            try:
                return reverse(route.name, args=[value] * groups)
            except NoReverseMatch:
                continue
    return None


def unverified_superuser_client(settings):
    settings.CUSTODIA_REQUIRE_STAFF_2FA = True
    user = User.objects.create_superuser("root@example.test", "a-strong-pass-phrase")
    client = Client(raise_request_exception=False)
    client.force_login(user)  # a password only: no code in this session
    return client


def test_every_view_is_guarded_or_open_for_a_stated_reason():
    unclassified, guarded, open_routes = [], 0, 0
    for route in routes():
        if is_guarded(route.callback):
            guarded += 1
        elif route.name in OPEN or any(route.route.startswith(prefix) for prefix in OPEN_PREFIXES):
            open_routes += 1
        else:
            unclassified.append((route.route, route.name, route.dotted))
    assert unclassified == [], "guard these views with accounts.twofactor, or say here why they are open"
    assert guarded > 300 and open_routes > 40  # the Wagtail admin and the academy records; the rest
    stale = set(OPEN) - {route.name for route in routes()}
    assert stale == set(), "these open views no longer exist"


def test_every_guarded_view_asks_an_unverified_superuser_for_a_code(settings):
    client = unverified_superuser_client(settings)
    checked, unreachable = [], []
    for route in routes():
        if not is_guarded(route.callback):
            continue
        path = example_path(route)
        try:
            match = resolve(path) if path else None
        except Resolver404:
            match = None
        if match is None or match.func is not route.callback:
            unreachable.append(route.route)
            continue
        response = client.get(path)
        assert response.status_code == 302, (route.route, path, response.status_code)
        assert response["Location"].startswith("/en/accounts/two-factor/setup/?next="), (path, response["Location"])
        checked.append(route.route)
    assert len(checked) > 300
    assert len(unreachable) < len(checked) / 10, unreachable  # catch-alls and patterns shadowed by earlier ones
    assert any("academies/<slug:slug>/officers/<id:pk>/transcript.pdf" in route for route in checked)
    assert any(route.endswith("academies/api-tokens/") for route in checked)


def test_no_open_view_lets_a_superuser_in_where_an_officer_is_refused(settings, courses):
    superuser = unverified_superuser_client(settings)
    officer = Client(raise_request_exception=False)
    officer.force_login(User.objects.create_user("officer@example.test", "a-strong-pass-phrase"))
    compared = 0
    for route in routes():
        if is_guarded(route.callback) or route.name in PRIVILEGED_BY_DESIGN:
            continue
        path = example_path(route)
        if path is None:
            continue
        as_superuser, as_officer = superuser.get(path), officer.get(path)
        compared += 1
        refused = as_officer.status_code in (401, 403, 404) or (
            as_officer.status_code == 302 and "login" in as_officer["Location"]
        )
        assert not (as_superuser.status_code < 300 and refused), (
            f"{route.route} lets a superuser in without a code but refuses an officer: guard it"
        )
    assert compared > 40
