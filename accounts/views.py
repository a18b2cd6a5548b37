"""Sign-up with e-mail confirmation, sign-in, password reset and change, profile, staff 2FA."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import ratelimit, throttle, twofactor
from accounts.emails import send_account_exists_notice, send_signup_confirmation, user_language
from accounts.forms import (
    EmailAuthenticationForm,
    EmailPasswordResetForm,
    ProfileForm,
    ResendConfirmationForm,
    SignupForm,
    TokenForm,
)
from accounts.models import RecoveryCodes
from accounts.tokens import TokenError, check_confirmation_token

User = get_user_model()
BACKEND = "accounts.backends.ThrottledModelBackend"
SIGNUP_EMAIL_SESSION_KEY = "accounts_signup_email"
WRONG_CODE = gettext_lazy("That code is not right. Check your app's clock and try the newest code.")
TOO_MANY_CODES = gettext_lazy("Too many wrong codes. Wait a little, then try the newest code.")


def set_language_cookie(response, language):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def safe_next(request, default, *, from_query=True):
    """The posted ``next`` URL (or, with ``from_query``, the query string's) when it stays on this site.

    Else ``default``. Shared by the accounts and learning views. Only a path on this site (``/...``) is
    followed: anything else, such as ``0``, would be taken by ``redirect()`` for a URL name.
    """
    target = request.POST.get("next") or (request.GET.get("next") if from_query else "") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


# Sign-up -------------------------------------------------------------------------------


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def signup(request):
    """The same answer for a new and a registered address: the address's owner gets an e-mail either way
    (a confirmation link, or a note that they already have an account), so the page reveals nothing."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        existing = User.objects.filter(email__iexact=email).first()
        if existing is None:
            try:
                with transaction.atomic():
                    user = form.save()
            except IntegrityError:  # the same address signed up a moment ago, in another request
                existing = User.objects.filter(email__iexact=email).first()
            else:
                send_signup_confirmation(request, user)
        if existing is not None:
            _tell_the_owner(request, existing)
        request.session[SIGNUP_EMAIL_SESSION_KEY] = email
        return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form})


def _tell_the_owner(request, user):
    """Someone signed up with a registered address: a new confirmation link if the account is still
    unconfirmed, else a note to its owner (at most one an hour)."""
    if not user.is_active and user.email_confirmed_at is None:
        send_signup_confirmation(request, user)
    elif ratelimit.hit("signup-exists", user.email, 1, 3600):
        send_account_exists_notice(user)


@never_cache
def signup_done(request):
    return render(request, "accounts/signup_done.html", {"email": request.session.get(SIGNUP_EMAIL_SESSION_KEY)})


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def signup_confirm(request, token):
    """GET shows a button (mail scanners follow links); POST activates the account once."""
    try:
        user = check_confirmation_token(token)
    except TokenError as error:
        return render(request, "accounts/signup_confirm_failed.html", {"reason": error.reason}, status=400)
    if request.method == "GET":
        return render(request, "accounts/signup_confirm.html", {"confirm_user": user})

    with transaction.atomic():
        activated = User.objects.filter(pk=user.pk, is_active=False, email_confirmed_at__isnull=True).update(
            is_active=True, email_confirmed_at=timezone.now()
        )
    if not activated:  # a concurrent request confirmed it first
        return render(request, "accounts/signup_confirm_failed.html", {"reason": "used"}, status=400)
    user.refresh_from_db()
    login(request, user, backend=BACKEND)
    request.session.pop(SIGNUP_EMAIL_SESSION_KEY, None)
    language = user_language(user)
    with translation.override(language):
        messages.success(request, _("Your e-mail address is confirmed. Welcome to Custodia!"))
    return set_language_cookie(redirect(f"/{language}/"), language)


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def resend_confirmation(request):
    form = ResendConfirmationForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if user is not None:
            send_signup_confirmation(request, user)
        # The same answer whether or not the address has an unconfirmed account.
        request.session[SIGNUP_EMAIL_SESSION_KEY] = form.cleaned_data["email"]
        return redirect("accounts:signup_done")
    return render(request, "accounts/resend_confirmation.html", {"form": form})


# Password reset and change ---------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset, throttled: per requesting IP (refused, with a message) and per address (the same
    answer as always, but no further e-mail), so nobody floods an inbox or the mail server."""

    form_class = EmailPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        ip = throttle.client_ip(self.request) or "unknown"
        if not ratelimit.hit("reset-ip", ip, settings.CUSTODIA_RESET_REQUESTS_PER_IP, 3600):
            form.add_error(None, _("Too many password reset requests from your network. Try again in an hour."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        email = form.cleaned_data["email"]
        if not ratelimit.hit("reset-account", email, settings.CUSTODIA_RESET_EMAILS_PER_ACCOUNT, 3600):
            return redirect(self.get_success_url())  # the usual answer; the inbox already has a link
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        throttle.clear_failures(form.user.get_username())  # the owner proved control of the address
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


# Profile ---------------------------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    old_language = user.preferred_language
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            language = user_language(user)
            with translation.override(language):
                messages.success(request, _("Your profile has been saved."))
                response = redirect(reverse("accounts:profile"))
            if language != old_language:
                set_language_cookie(response, language)
            return response
        user.refresh_from_db()  # the invalid form changed the in-memory user; show the saved one
    context = {
        "form": form,
        "show_two_factor": twofactor.can_use_two_factor(user),
        "two_factor_enabled": twofactor.can_use_two_factor(user) and twofactor.has_confirmed_device(user),
        "two_factor_required": twofactor.two_factor_required(),
    }
    return render(request, "accounts/profile.html", context)


# Staff two-factor authentication ---------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    user = request.user
    if not twofactor.can_use_two_factor(user):
        raise PermissionDenied
    next_url = safe_next(request, reverse("accounts:profile"))
    if twofactor.has_confirmed_device(user) and not user.is_verified():
        # Replacing an authenticator needs the current one first.
        return redirect(f"{reverse('accounts:two_factor_verify')}?{urlencode({'next': request.get_full_path()})}")
    device = twofactor.pending_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not device.verify_is_allowed()[0]:
            form.add_error("otp_token", TOO_MANY_CODES)
        elif device.verify_token(form.cleaned_data["otp_token"]):
            twofactor.confirm_device(device)
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is on. You will enter a code after your password."))
            return _show_recovery_codes(request, twofactor.new_recovery_codes(user), next_url)
        else:
            form.add_error("otp_token", WRONG_CODE)
    context = {
        "form": form,
        "next": next_url,
        "otpauth_uri": device.config_url,
        "qr_svg": twofactor.qr_svg(device.config_url),
        "secret": twofactor.secret_text(device),
        "required": twofactor.two_factor_required(),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    user = request.user
    next_url = safe_next(request, "/admin/")
    if not twofactor.can_use_two_factor(user):
        return redirect(next_url)
    if not twofactor.has_confirmed_device(user):
        return redirect(f"{reverse('accounts:two_factor_setup')}?{urlencode({'next': next_url})}")
    if user.is_verified():
        return redirect(next_url)
    form = TokenForm(request.POST or None, allow_recovery=True)
    if request.method == "POST" and form.is_valid():
        device = None
        with transaction.atomic():  # devices locked for update: throttling holds across processes
            token = form.cleaned_data["otp_token"]
            kind = TOTPDevice if token.isdigit() else RecoveryCodes  # each kind of code has its own throttle
            devices = [d for d in devices_for_user(user, confirmed=True, for_verify=True) if isinstance(d, kind)]
            allowed = [candidate for candidate in devices if candidate.verify_is_allowed()[0]]
            for candidate in allowed:
                if candidate.verify_token(token):
                    device = candidate
                    break
        if device is not None:
            otp_login(request, device)
            if isinstance(device, RecoveryCodes):
                left = twofactor.recovery_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code: %(count)d is left. Make new codes from your profile.",
                        "You used a recovery code: %(count)d are left. Make new codes from your profile.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(next_url)
        form.add_error("otp_token", WRONG_CODE if allowed else TOO_MANY_CODES)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


def _show_recovery_codes(request, codes, next_url):
    """The new codes, once: they are stored only as digests (the views calling this are never cached)."""
    return render(request, "accounts/two_factor_recovery_codes.html", {"codes": codes, "next": next_url})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """How many recovery codes are left; POST replaces them all with ten new ones (shown once)."""
    user = request.user
    if not twofactor.can_use_two_factor(user) or not twofactor.has_confirmed_device(user):
        raise PermissionDenied
    if not user.is_verified():
        return redirect(f"{reverse('accounts:two_factor_verify')}?{urlencode({'next': request.get_full_path()})}")
    if request.method == "POST":
        return _show_recovery_codes(request, twofactor.new_recovery_codes(user), reverse("accounts:profile"))
    return render(request, "accounts/two_factor_recovery.html", {"left": twofactor.recovery_codes_left(user)})
