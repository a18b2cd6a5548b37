"""E-mails to officers, written in their preferred language."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tokens import make_confirmation_token
from elearning.languages import LANGUAGE_CODES


def user_language(user):
    return user.preferred_language if user.preferred_language in LANGUAGE_CODES else settings.LANGUAGE_CODE


RESEND_INTERVAL = timedelta(minutes=1)


def send_signup_confirmation(request, user):
    """Send the link that activates a new account (in the officer's language, under its prefix).

    At most one e-mail a minute per account, whatever the number of app processes: the
    database decides (a conditional UPDATE). Returns whether an e-mail went out.
    """
    now = timezone.now()
    claimed = (
        type(user)
        .objects.filter(pk=user.pk)
        .filter(Q(confirmation_sent_at__isnull=True) | Q(confirmation_sent_at__lte=now - RESEND_INTERVAL))
        .update(confirmation_sent_at=now)
    )
    if not claimed:
        return False
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
    return True


def send_account_exists_notice(user):
    """Someone signed up with this registered address: tell its owner, in their language, where to go instead."""
    from core.public import public_url

    with translation.override(user_language(user)):
        context = {
            "user": user,
            "login_url": public_url(reverse("accounts:login")),
            "reset_url": public_url(reverse("accounts:password_reset")),
            "site_name": "Custodia",
        }
        subject = render_to_string("accounts/email/account_exists_subject.txt", context)
        body = render_to_string("accounts/email/account_exists.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])
