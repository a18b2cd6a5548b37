"""The custom user: officers sign in with their e-mail address."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin

from elearning.languages import DEFAULT_LANGUAGE, django_languages


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class Profession(models.TextChoices):
    POLICE = "police", _("Police / law enforcement")
    PROSECUTION = "prosecution", _("Prosecution")
    JUDICIARY = "judiciary", _("Judiciary")
    OTHER = "other", _("Other")


class User(AbstractBaseUser, PermissionsMixin):
    """An officer, prosecutor, judge, trainer or administrator."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(
        _("full name"),
        max_length=200,
        blank=True,
        help_text=_("As you write it in your own script; it appears on your certificates."),
    )
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("surname"), max_length=150, blank=True)
    profession = models.CharField(_("profession"), max_length=20, choices=Profession.choices, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166 two-letter code."))
    agency = models.CharField(_("agency"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=django_languages(), default=DEFAULT_LANGUAGE
    )
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("Trainers and administrators can sign in to the admin.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    email_confirmed_at = models.DateTimeField(
        _("e-mail confirmed at"),
        null=True,
        blank=True,
        help_text=_("When the officer followed the confirmation link sent at sign-up."),
    )
    confirmation_sent_at = models.DateTimeField(
        _("confirmation e-mail sent at"), null=True, blank=True, editable=False
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name or f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.get_full_name() or self.email


class LoginFailure(models.Model):
    """One failed sign-in attempt, kept for the throttling window (see ``accounts.throttle``).

    Rows live in the database so every app process sees the same counts.
    """

    username = models.CharField(_("e-mail address"), max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    attempted_at = models.DateTimeField(_("attempted at"), default=timezone.now)

    class Meta:
        verbose_name = _("failed sign-in attempt")
        verbose_name_plural = _("failed sign-in attempts")
        indexes = [
            models.Index(fields=["username", "attempted_at"], name="accounts_failure_user_idx"),
            models.Index(fields=["ip_address", "attempted_at"], name="accounts_failure_ip_idx"),
            models.Index(fields=["attempted_at"], name="accounts_failure_time_idx"),
        ]

    def __str__(self):
        return f"{self.username or '-'} from {self.ip_address or '-'} at {self.attempted_at:%Y-%m-%d %H:%M:%S}"


class RecoveryCodes(ThrottlingMixin, Device):
    """A user's set of single-use recovery codes, as a django-otp device.

    Verifying one of its codes verifies the session like the authenticator app does. The codes
    themselves are never stored: only their SHA-256 digests (``RecoveryCode``); a code is random
    (about 79 bits), so its digest needs no salt.
    """

    class Meta:
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def get_throttle_factor(self):
        return 1

    def verify_token(self, token):
        from accounts.twofactor import normalise_recovery_code, recovery_digest

        code = normalise_recovery_code(token)
        if code is None:
            return False
        if not self.verify_is_allowed()[0]:
            return False
        used = RecoveryCode.objects.filter(device=self, digest=recovery_digest(code), used_at__isnull=True).update(
            used_at=timezone.now()
        )  # one conditional UPDATE: two sessions racing with the same code cannot both win
        if used:
            self.throttle_reset()
            return True
        self.throttle_increment()
        return False


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodes, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self):
        return f"{self.digest[:8]}… ({'used' if self.used_at else 'unused'})"


class RateCount(models.Model):
    """How many times something happened to one key (a hashed address or IP) in one window (``accounts.ratelimit``).

    In the database, so every app process counts together; old windows are deleted now and then.
    """

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("rate count")
        verbose_name_plural = _("rate counts")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key", "window_start"], name="accounts_one_rate_count")
        ]
        indexes = [models.Index(fields=["window_start"], name="accounts_rate_window_idx")]

    def __str__(self):
        return f"{self.scope} {self.key[:8]}… {self.count} since {self.window_start:%H:%M}"
