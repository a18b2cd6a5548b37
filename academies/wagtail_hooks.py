"""Site administrators manage academies, memberships and accreditations in the Wagtail admin,
see certificates (read-only: they are revoked, never edited or deleted) and preview an academy's
certificate design without saving anything."""

from django import forms
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from academies.models import AuditEntry, LrsEndpoint
from certificates.models import Accreditation, Certificate
from core.params import choice
from elearning.languages import LANGUAGE_CODES
from organisations.access import academies_for
from organisations.models import Academy, Membership


class AcademyViewSet(SnippetViewSet):
    model = Academy
    icon = "group"
    menu_label = _("Academies")
    list_display = ["name", "country", "slug"]
    search_fields = ["name"]


class MembershipViewSet(SnippetViewSet):
    model = Membership
    icon = "user"
    menu_label = _("Memberships")
    list_display = ["user", "academy", "role", "unit", "rank"]
    list_filter = ["role", "academy"]


class AccreditationViewSet(SnippetViewSet):
    model = Accreditation
    icon = "success"
    menu_label = _("Accreditations")
    list_display = ["number", "academy", "course", "contact_hours", "valid_from", "valid_until", "status"]
    list_filter = ["status", "academy"]


class CertificateViewSet(SnippetViewSet):
    """Read-only in the admin: revocation and reissue go through the audited academy screens."""

    model = Certificate
    icon = "doc-full"
    menu_label = _("Certificates")
    list_display = ["grouped_code", "holder_name", "academy", "issued_at", "revoked_at"]
    list_filter = ["academy"]
    search_fields = []
    inspect_view_enabled = True
    panels = [FieldPanel("holder_name", read_only=True), FieldPanel("revoked_reason", read_only=True)]
    # Read-only: certificates.policies.CertificatePolicy, registered for the model.


class AuditViewSet(SnippetViewSet):
    """Who exported or viewed which officer records (site administrators only: academies.policies)."""

    model = AuditEntry
    icon = "history"
    menu_label = _("Audit log")
    list_display = ["created_at", "actor", "token", "academy", "officer", "action", "what"]
    list_filter = ["action", "academy"]
    inspect_view_enabled = True


class LrsEndpointForm(WagtailAdminModelForm):
    """The password is never shown back (it is stored sealed); an empty field keeps the current one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].widget = forms.PasswordInput(
            render_value=False, attrs={"autocomplete": "new-password"}
        )
        self.fields["password"].required = False

    def clean_password(self):
        return self.cleaned_data.get("password") or (self.instance.password if self.instance.pk else "")


class LrsEndpointViewSet(SnippetViewSet):
    model = LrsEndpoint
    icon = "link"
    menu_label = _("Learning record stores")
    list_display = ["academy", "url", "enabled"]
    edit_handler = ObjectList(LrsEndpoint.panels, base_form_class=LrsEndpointForm)


class AcademyGroup(SnippetViewSetGroup):
    items = (
        AcademyViewSet,
        MembershipViewSet,
        AccreditationViewSet,
        CertificateViewSet,
        AuditViewSet,
        LrsEndpointViewSet,
    )
    menu_icon = "group"
    menu_label = _("Academies")
    menu_name = "academies"


register_snippet(AcademyGroup)


def preview_certificate(request, pk):
    """A sample certificate PDF for the academy, in the chosen language; nothing is saved."""
    academy = get_object_or_404(Academy, pk=pk)
    if not (request.user.is_superuser or request.user.has_perm("academies.change_academy")):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    language = choice(request.GET.get("language"), LANGUAGE_CODES, default="en")
    from academies.preview import sample_certificate_pdf  # the PDF stack (~11 MB) loads when first needed

    response = HttpResponse(sample_certificate_pdf(academy, language), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="preview-{academy.slug}-{language}.pdf"'
    return response


@hooks.register("register_admin_urls")
def register_preview_url():
    from academies import records_views

    return [
        path("academies/<id:pk>/certificate-preview/", preview_certificate, name="academies_certificate_preview"),
        path("academy-reports/", records_views.admin_index, name="academies_admin_reports"),
        path("academy-reports/<slug:slug>/", records_views.admin_report, name="academies_admin_report"),
    ]


class AcademyReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return academies_for(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_academy_reports_menu_item():
    return AcademyReportsMenuItem(
        _("Academy records"), reverse("academies_admin_reports"), icon_name="table", order=65
    )


@hooks.register("register_snippet_listing_buttons")
def preview_button(snippet, user, next_url=None):
    if isinstance(snippet, Academy):
        yield Button(
            _("Preview certificate"),
            reverse("academies_certificate_preview", args=[snippet.pk]),
            icon_name="view",
            priority=30,
        )
