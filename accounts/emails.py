"""E-mails to officers, written in their preferred language."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.tokens import make_confirmation_token
from elearning.languages import LANGUAGE_CODES


def user_language(user):
    return user.preferred_language if user.preferred_language in LANGUAGE_CODES else settings.LANGUAGE_CODE


def send_signup_confirmation(request, user):
    """Send the link that activates a new account (in the officer's language, under its prefix)."""
    with translation.override(user_language(user)):
        path = reverse("accounts:signup_confirm", kwargs={"token": make_confirmation_token(user)})
        context = {
            "user": user,
            "confirm_url": request.build_absolute_uri(path),
            "valid_days": max(1, settings.CUSTODIA_SIGNUP_CONFIRMATION_MAX_AGE // 86400),
            "site_name": "Custodia",
        }
        subject = render_to_string("accounts/email/signup_confirmation_subject.txt", context, request)
        body = render_to_string("accounts/email/signup_confirmation.txt", context, request)
    send_mail(" ".join(subject.split()), body, None, [user.email])
