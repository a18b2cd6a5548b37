from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from accounts import throttle
from accounts.emails import user_language
from accounts.models import Profession
from elearning.languages import LANGUAGE_CODES, PLATFORM_LANGUAGES

User = get_user_model()


def country_choices():
    """ISO 3166 two-letter codes, named and sorted in the active language (django-countries)."""
    return [("", _("Choose a country"))] + [(code, name) for code, name in countries]


def language_choices():
    return [(language.code, language.native_name) for language in PLATFORM_LANGUAGES]


class ThrottledLoginFormMixin:
    """Explain a sign-in lockout (set by ``accounts.backends``) instead of "wrong password"."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            lockout = throttle.lockout_for_request(self.request)
            if lockout:
                raise ValidationError(lockout.message(), code="locked_out") from None
            raise


class EmailAuthenticationForm(ThrottledLoginFormMixin, AuthenticationForm):
    """Sign in with an e-mail address (the user model's username field)."""

    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "unconfirmed": _(
            "Your account is not active yet: follow the link in the confirmation e-mail we sent you, "
            "or ask for a new one."
        ),
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()

    def get_invalid_login_error(self):
        # The right password for an account whose e-mail is not confirmed yet: say so, since
        # only the account's owner can know the password.
        if throttle.lockout_for_request(self.request):
            return super().get_invalid_login_error()
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        user = User.objects.filter(email__iexact=username).first() if username else None
        if (
            user is not None
            and not user.is_active
            and user.email_confirmed_at is None
            and password
            and user.check_password(password)
        ):
            self.unconfirmed_user = user
            return ValidationError(self.error_messages["unconfirmed"], code="unconfirmed")
        return super().get_invalid_login_error()


class AdminLoginForm(ThrottledLoginFormMixin, WagtailLoginForm):
    """Wagtail's /admin/login/ form, with the same throttle message (WAGTAILADMIN_USER_LOGIN_FORM)."""


class SignupForm(BaseUserCreationForm):
    """A new officer's account; it stays inactive until the e-mail address is confirmed."""

    country = forms.ChoiceField(label=_("Country"), choices=country_choices, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=language_choices,
        help_text=_("Pages and e-mails use this language after you sign in."),
    )

    class Meta:
        model = User
        fields = (
            "email",
            "full_name",
            "first_name",
            "last_name",
            "profession",
            "country",
            "agency",
            "preferred_language",
        )
        labels = {"email": _("E-mail address")}
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "full_name": forms.TextInput(attrs={"autocomplete": "name", "dir": "auto"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name", "dir": "auto"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name", "dir": "auto"}),
            "agency": forms.TextInput(attrs={"autocomplete": "organization", "dir": "auto"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("full_name", "first_name", "profession", "country"):
            self.fields[name].required = True
        self.fields["last_name"].help_text = _("Leave empty if you have no surname.")
        self.fields["agency"].help_text = _("The police service, prosecution office or court you work for.")
        self.fields["profession"].choices = [("", _("Choose a profession")), *Profession.choices]
        self.fields["country"].widget.attrs["autocomplete"] = "country"
        self.fields["password1"].widget.attrs["autocomplete"] = "new-password"
        if not self.is_bound:
            current = get_language()
            self.initial.setdefault("preferred_language", current if current in LANGUAGE_CODES else "en")

    def clean_email(self):
        # A registered address is not an error here: the view answers as for a new one (no enumeration).
        return User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()

    def validate_unique(self):
        """The e-mail's uniqueness is the view's business (same answer for every address); the rest as usual."""
        exclude = {*self._get_validation_exclusions(), "email"}
        try:
            self.instance.validate_unique(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)

    def _post_clean(self):
        forms.ModelForm._post_clean(self)
        # A weak password is reported on the first password field, where it was typed.
        self.validate_password_for_user(self.instance, "password1")

    def save(self, commit=True):
        user = super().save(commit=False)
        user.is_active = False
        user.email_confirmed_at = None
        if commit:
            user.save()
        return user


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def get_user(self):
        """The unconfirmed account for this address, or None (the page says the same either way)."""
        return User.objects.filter(
            email__iexact=self.cleaned_data["email"], is_active=False, email_confirmed_at__isnull=True
        ).first()


class EmailPasswordResetForm(PasswordResetForm):
    """Django's reset form; the e-mail goes out in the officer's preferred language."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        with translation.override(user_language(context["user"])):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class ProfileForm(forms.ModelForm):
    """What an officer may change about themselves (the e-mail address stays as confirmed)."""

    country = forms.ChoiceField(label=_("Country"), choices=country_choices, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=language_choices,
        help_text=_("Pages and e-mails use this language after you sign in."),
    )

    class Meta:
        model = User
        fields = ("full_name", "first_name", "last_name", "profession", "country", "agency", "preferred_language")
        widgets = SignupForm.Meta.widgets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Officers keep what reports and certificates rely on; staff accounts may leave them empty.
        required = ("full_name",) if self.instance.is_staff else ("full_name", "first_name", "profession", "country")
        for name in required:
            self.fields[name].required = True
        self.fields["last_name"].help_text = _("Leave empty if you have no surname.")
        self.fields["profession"].choices = [("", _("Choose a profession")), *Profession.choices]
        self.fields["country"].widget.attrs["autocomplete"] = "country"


class TokenForm(forms.Form):
    """A six-digit code from an authenticator app (or, with ``allow_recovery``, one of the recovery codes)."""

    otp_token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        min_length=6,
        max_length=24,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autofocus": True,
                "autocapitalize": "off",
                "spellcheck": "false",
                "dir": "ltr",
            }
        ),
    )

    def __init__(self, *args, allow_recovery=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_recovery = allow_recovery
        if allow_recovery:
            self.fields["otp_token"].help_text = _("Lost your phone? Enter one of your recovery codes instead.")
        else:
            self.fields["otp_token"].widget.attrs.update({"inputmode": "numeric", "pattern": "[0-9 ]*"})

    def clean_otp_token(self):
        from accounts.twofactor import normalise_recovery_code

        token = self.cleaned_data["otp_token"].replace(" ", "")
        if token.isdigit() and 6 <= len(token) <= 8:
            return token
        if self.allow_recovery:
            code = normalise_recovery_code(token)
            if code is not None:
                return code
            raise ValidationError(
                _("Enter the six digits your authenticator app shows, or one of your recovery codes."),
                code="invalid_format",
            )
        raise ValidationError(_("Enter the six digits your authenticator app shows."), code="invalid_format")
