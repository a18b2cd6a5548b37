"""Accreditations, signing keys, certificates (frozen at issue), their audit trail and verification throttle.

Academies, their signatories and memberships come from ``organisations`` (below this app); academy
records (reports, exports, the API) sit above it in ``academies``, which this app never refers to.
"""

import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, PageChooserPanel

from certificates import codes
from elearning.languages import DEFAULT_LANGUAGE
from organisations.models import Academy

# Credit conversions. The contact hour is the unit; 1 CEU = 10 contact hours (IACET);
# 1 ECTS credit = 25–30 hours of learner workload: Custodia uses 25 (documented in docs/certificates.md).
HOURS_PER_CEU = Decimal("10")
HOURS_PER_ECTS = Decimal("25")
# Bitstring Status List: at least 131,072 entries (16 KiB) per list, for group privacy.
STATUS_LIST_SIZE = 131_072


def _two_places(value):
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class AccreditationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Accreditation(models.Model):
    """An academy accredits a course for a number of contact hours. A course may carry several."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    academy = models.ForeignKey(
        Academy, verbose_name=_("academy"), on_delete=models.PROTECT, related_name="accreditations"
    )
    course = models.ForeignKey(
        "courses.CoursePage", verbose_name=_("course"), on_delete=models.PROTECT, related_name="accreditations"
    )
    number = models.CharField(_("accreditation number"), max_length=100)
    contact_hours = models.DecimalField(
        _("credit hours (contact hours)"),
        max_digits=6,
        decimal_places=1,
        help_text=_("CEU (÷10) and ECTS (÷25) are shown as conversions."),
    )
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=AccreditationStatus.choices, default=AccreditationStatus.ACTIVE
    )
    open_to_all = models.BooleanField(
        _("open to officers of other academies"),
        default=False,
        help_text=_("Officers who are not members may choose this academy for their certificate."),
    )
    server_graded_only = models.BooleanField(
        _("only server-graded activities count"),
        default=False,
        help_text=_(
            "Certificates are issued only for completions whose required activities were passed with results graded "
            "on the server (quizzes), not scored in the officer's browser (H5P, SCORM)."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [
        FieldPanel("academy"),
        PageChooserPanel("course", "courses.CoursePage"),
        FieldPanel("number"),
        FieldPanel("contact_hours"),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
        FieldPanel("status"),
        FieldPanel("open_to_all"),
        FieldPanel("server_graded_only"),
    ]

    class Meta:
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")
        constraints = [
            models.UniqueConstraint(fields=["academy", "number"], name="certificates_accreditation_number"),
            models.CheckConstraint(condition=Q(contact_hours__gt=0), name="certificates_accreditation_hours"),
        ]
        ordering = ["academy_id", "number"]

    def __str__(self):
        return f"{self.number} · {self.academy}"

    def clean(self):
        super().clean()
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end date must come after the start date.")})

    def accepts(self, completion):
        """Whether a certificate may be issued for ``completion`` under this accreditation's grading rule."""
        return not self.server_graded_only or completion.graded_on_server is True

    def in_force(self, on_date):
        return (
            self.status == AccreditationStatus.ACTIVE
            and self.valid_from <= on_date
            and (self.valid_until is None or on_date <= self.valid_until)
        )

    @property
    def ceu(self):
        return _two_places(self.contact_hours / HOURS_PER_CEU)

    @property
    def ects(self):
        return _two_places(self.contact_hours / HOURS_PER_ECTS)


class SigningKey(models.Model):
    """An academy's P-256 key. The private half is encrypted at rest (``certificates.jose``)."""

    academy = models.ForeignKey(
        Academy, verbose_name=_("academy"), on_delete=models.PROTECT, related_name="signing_keys"
    )
    kid = models.CharField(_("key id (JWK thumbprint)"), max_length=64, unique=True)
    public_jwk = models.JSONField(_("public key (JWK)"))
    private_key_encrypted = models.TextField(_("private key (encrypted)"), editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    retired_at = models.DateTimeField(
        _("retired at"), null=True, blank=True, help_text=_("Retired keys no longer sign but stay published.")
    )

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["-created_at"]

    def __str__(self):
        return self.kid


class CertificateQuerySet(models.QuerySet):
    def delete(self):
        raise ProtectedError(_("Certificates are never deleted; revoke them instead."), set(self))


class Verdict(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


def _pdf_path(instance, filename):
    return f"certificates/{instance.issued_at:%Y/%m}/{instance.uuid}.pdf"


class Certificate(models.Model):
    """One certificate per completion and accreditation, frozen at issue: later edits change nothing.

    A reissue is a new certificate that ``replaces`` the revoked one; revoked certificates are kept.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("verification code"), max_length=codes.CODE_LENGTH, unique=True, editable=False)
    completion = models.ForeignKey(
        "learning.CourseCompletion",
        verbose_name=_("completion"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    accreditation = models.ForeignKey(
        Accreditation, verbose_name=_("accreditation"), on_delete=models.PROTECT, related_name="certificates"
    )
    academy = models.ForeignKey(
        Academy, verbose_name=_("academy"), on_delete=models.PROTECT, related_name="certificates"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("officer"), on_delete=models.PROTECT, related_name="certificates"
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    # The frozen snapshot.
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"))
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    holder_name = models.CharField(_("name on the certificate"), max_length=200)
    holder_surname = models.CharField(_("surname"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=10, default=DEFAULT_LANGUAGE)
    course_titles = models.JSONField(_("course title (all languages)"))
    academy_names = models.JSONField(_("academy name (all languages)"))
    academy_country = models.CharField(_("academy country"), max_length=2, blank=True)
    accreditation_number = models.CharField(_("accreditation number"), max_length=100)
    hours = models.DecimalField(_("contact hours"), max_digits=6, decimal_places=1)
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    signatories = models.JSONField(_("signatories"), default=list)
    status_list_index = models.PositiveIntegerField(_("status list index"))
    credential_jwt = models.TextField(_("Open Badges credential (VC-JWT)"))
    pdf = models.FileField(_("PDF"), upload_to=_pdf_path, max_length=255)
    # Revocation (the audit trail is CertificateEvent).
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["completion", "accreditation"],
                condition=Q(replaces__isnull=True),
                name="certificates_one_per_completion_and_accreditation",
            ),
            models.UniqueConstraint(fields=["academy", "status_list_index"], name="certificates_status_index"),
            models.CheckConstraint(
                condition=Q(status_list_index__lt=STATUS_LIST_SIZE), name="certificates_status_index_range"
            ),
        ]
        indexes = [models.Index(fields=["user", "issued_at"], name="certificates_user_issued")]

    def __str__(self):
        return f"{self.grouped_code} · {self.holder_name}"

    def delete(self, *args, **kwargs):
        raise ProtectedError(_("Certificates are never deleted; revoke them instead."), {self})

    @property
    def grouped_code(self):
        return codes.grouped(self.code)

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    def is_expired(self, now=None):
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def verdict(self, now=None):
        if self.is_revoked:
            return Verdict.REVOKED
        if self.is_expired(now):
            return Verdict.EXPIRED
        return Verdict.VALID

    def course_title(self, language=None):
        language = language or get_language() or DEFAULT_LANGUAGE
        return self.course_titles.get(language) or self.course_titles.get(DEFAULT_LANGUAGE) or ""

    def academy_name(self, language=None):
        language = language or get_language() or DEFAULT_LANGUAGE
        return self.academy_names.get(language) or self.academy_names.get(DEFAULT_LANGUAGE) or ""

    @property
    def ceu(self):
        return _two_places(self.hours / HOURS_PER_CEU)

    @property
    def ects(self):
        return _two_places(self.hours / HOURS_PER_ECTS)


class EventAction(models.TextChoices):
    ISSUED = "issued", _("Issued")
    REVOKED = "revoked", _("Revoked")
    REISSUED = "reissued", _("Reissued")


class CertificateEvent(models.Model):
    """The audit trail: who did what to which certificate, when and why. Append-only."""

    certificate = models.ForeignKey(
        Certificate, verbose_name=_("certificate"), on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("action"), max_length=12, choices=EventAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("by (as recorded)"), max_length=254, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("certificate event")
        verbose_name_plural = _("certificate events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} · {self.get_action_display()} · {self.certificate_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("The audit trail cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ProtectedError(_("The audit trail cannot be changed."), {self})


class VerificationHit(models.Model):
    """Per-client request counter for the public verification page, one row per client and window.

    In the database so every app process shares the count (``certificates.throttle``).
    """

    client = models.CharField(_("client"), max_length=64)
    window_start = models.DateTimeField(_("window start"))
    count = models.PositiveIntegerField(_("requests"), default=0)

    class Meta:
        verbose_name = _("verification request count")
        verbose_name_plural = _("verification request counts")
        constraints = [models.UniqueConstraint(fields=["client", "window_start"], name="certificates_one_hit_row")]
        indexes = [models.Index(fields=["window_start"], name="certificates_hit_window")]

    def __str__(self):
        return f"{self.client} · {self.window_start:%H:%M} · {self.count}"
