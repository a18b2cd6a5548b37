"""Who belongs where: academies (the institutions that accredit courses), their signatories,
and the memberships that give people a role in an academy.

Low in the layers (above ``accounts``, below ``courses``) so that every app that needs to know an
officer's academy - certificates, academy records, enrolment grants - can import it directly.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.template import Context, Template, TemplateSyntaxError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable


def validate_certificate_template(source):
    """An override must at least compile as a Django template (rendered with frozen data only)."""
    try:
        Template(source).render(Context({}))
    except TemplateSyntaxError as error:
        raise ValidationError(_("This template does not compile: %(error)s"), params={"error": error}) from error


class Academy(ClusterableModel):
    """A police, prosecution or judicial training academy that accredits courses and signs certificates."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=80, unique=True, help_text=_("Used in public URLs (issuer profile, keys, status list).")
    )
    country = CountryField(_("country"), blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    certificate_template = models.TextField(
        _("certificate template (HTML)"),
        blank=True,
        validators=[validate_certificate_template],
        help_text=_(
            "Leave empty to use the platform's certificate. Otherwise a complete HTML page "
            "(Django template) rendered with the frozen certificate: see templates/certificates/pdf/default.html."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("country"),
        FieldPanel("website"),
        FieldPanel("logo"),
        InlinePanel("signatories", label=_("Signatory"), heading=_("Signatories")),
        MultiFieldPanel([FieldPanel("certificate_template")], heading=_("Certificate design")),
    ]

    class Meta:
        db_table = "academies_academy"  # created by the academies app, which owned it first
        verbose_name = _("academy")
        verbose_name_plural = _("academies")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(getattr(self, "name_en", None) or self.name)[:80]
        super().save(*args, **kwargs)


class Signatory(Orderable):
    """A person who signs the academy's certificates (printed name, title and signature image)."""

    academy = ParentalKey(Academy, on_delete=models.CASCADE, related_name="signatories")
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, help_text=_("e.g. Director of Training"))
    signature = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("signature image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [FieldPanel("name"), FieldPanel("title"), FieldPanel("signature")]

    class Meta(Orderable.Meta):
        db_table = "academies_signatory"
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")

    def __str__(self):
        return f"{self.name}, {self.title}"


class Role(models.TextChoices):
    ADMIN = "admin", _("Academy administrator")
    TRAINER = "trainer", _("Trainer")
    OFFICER = "officer", _("Officer")


class Membership(models.Model):
    """A user's place in an academy. Certificates are issued to officers of the accrediting academy."""

    academy = models.ForeignKey(
        Academy, verbose_name=_("academy"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="academy_memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.OFFICER)
    unit = models.CharField(_("unit"), max_length=200, blank=True)
    rank = models.CharField(_("rank"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    panels = [FieldPanel("academy"), FieldPanel("user"), FieldPanel("role"), FieldPanel("unit"), FieldPanel("rank")]

    class Meta:
        db_table = "academies_membership"
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["academy", "user"], name="academies_one_membership")]
        indexes = [
            models.Index(fields=["user", "role"], name="academies_member_user_role"),
            models.Index(fields=["academy", "unit"], name="academies_member_unit"),
        ]

    def __str__(self):
        return f"{self.user} · {self.academy} · {self.get_role_display()}"
