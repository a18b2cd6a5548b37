"""Academy records: API tokens, exports, officer imports, the audit log and LRS forwarding.

The academies themselves, their signatories and memberships belong to ``organisations`` (lower in
the layers, so ``certificates`` can use them); this app keeps what academies do with their records.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from core import sealing
from organisations.models import Academy


class TokenScope(models.TextChoices):
    OFFICERS = "officers", _("Officers")
    ENROLMENTS = "enrolments", _("Enrolments")
    PROGRESS = "progress", _("Progress")
    COMPLETIONS = "completions", _("Completions")
    CERTIFICATES = "certificates", _("Certificates")


class ApiToken(models.Model):
    """A bearer token for one academy's systems. Only a SHA-256 hash is stored; the token is shown once."""

    academy = models.ForeignKey(
        Academy, verbose_name=_("academy"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. the HR system."))
    prefix = models.CharField(_("prefix"), max_length=12, editable=False, db_index=True)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.academy} · {self.name} ({self.prefix}…)"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    JSON = "json", "JSON"


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    REMOVED = "removed", _("File removed")


class ExportJob(models.Model):
    """A completion export written in the background; the file is downloaded when ready."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    academy = models.ForeignKey(Academy, verbose_name=_("academy"), on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    filters = models.JSONField(_("filters"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    total = models.PositiveIntegerField(_("records"), default=0)
    done = models.PositiveIntegerField(_("records written"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True, max_length=255)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.academy} · {self.format} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self):
        if self.status == JobStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0


class ImportBatch(models.Model):
    """An uploaded officer list, validated row by row (the dry run), applied at most once."""

    academy = models.ForeignKey(Academy, verbose_name=_("academy"), on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255)
    rows = models.JSONField(_("rows"), default=list)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("officer import")
        verbose_name_plural = _("officer imports")

    def __str__(self):
        return self.filename

    @property
    def rejected(self):
        return [row for row in self.rows if row["action"] == "reject"]

    @property
    def accepted(self):
        return [row for row in self.rows if row["action"] != "reject"]


class AuditAction(models.TextChoices):
    VIEWED = "viewed", _("Viewed")
    EXPORTED = "exported", _("Exported")
    IMPORTED = "imported", _("Imported")
    API = "api", _("Read through the API")


class AuditEntry(models.Model):
    """Who exported or viewed which officer records. Append-only; site administrators read it."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.ForeignKey(
        ApiToken, verbose_name=_("API token"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    academy = models.ForeignKey(
        Academy, verbose_name=_("academy"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    what = models.CharField(_("what"), max_length=200)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} · {self.actor or self.token} · {self.what}"


class LrsEndpoint(models.Model):
    """An academy's learning record store: its officers' statements are forwarded there."""

    academy = models.OneToOneField(Academy, verbose_name=_("academy"), on_delete=models.CASCADE, related_name="lrs")
    url = models.URLField(_("xAPI endpoint"), help_text=_("The base URL; statements are sent to …/statements."))
    username = models.CharField(_("user name (key)"), max_length=200, blank=True)
    password = models.CharField(
        _("password (secret)"),
        max_length=400,
        blank=True,
        help_text=_("Stored encrypted. Leave empty to keep the current password."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)

    SEALING_PURPOSE = "academies.lrs-password"

    panels = [
        FieldPanel("academy"),
        FieldPanel("url"),
        FieldPanel("username"),
        FieldPanel("password"),
        FieldPanel("enabled"),
    ]

    class Meta:
        verbose_name = _("learning record store")
        verbose_name_plural = _("learning record stores")

    def __str__(self):
        return f"{self.academy} → {self.url}"

    def save(self, *args, **kwargs):
        self.password = sealing.seal(self.password, self.SEALING_PURPOSE)
        super().save(*args, **kwargs)

    def plain_password(self):
        """For the HTTP Basic header only; raises ``core.sealing.UnsealError`` if the secret changed."""
        return sealing.unseal(self.password, self.SEALING_PURPOSE)


class LrsDelivery(models.Model):
    """One statement to one academy's LRS: unique, so each is sent exactly once by statement id."""

    academy = models.ForeignKey(Academy, verbose_name=_("academy"), on_delete=models.CASCADE, related_name="+")
    statement = models.ForeignKey(
        "learning.StatementOutbox", verbose_name=_("statement"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("statement delivery")
        verbose_name_plural = _("statement deliveries")
        constraints = [models.UniqueConstraint(fields=["academy", "statement"], name="academies_one_delivery")]
        indexes = [models.Index(fields=["academy", "delivered_at", "next_attempt_at"], name="academies_delivery_due")]

    def __str__(self):
        return f"{self.academy_id} · {self.statement_id}"
