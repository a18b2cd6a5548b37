"""Admin: upload and list H5P packages (trusted roles only), approve or block library versions."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.views.generic import InspectView
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from h5p.blocks import H5PBlock
from h5p.models import H5PLibrary, H5PPackage, H5PResult
from h5p.services import import_package
from h5p.validation import PackageError, setting


class PackagePermissionPolicy(ModelPermissionPolicy):
    """Adding a package means uploading scripts: it needs ``h5p.upload_h5ppackage`` (or a superuser)."""

    def _get_permission_name(self, action):
        if action == "add":
            return "h5p.upload_h5ppackage"
        return super()._get_permission_name(action)


class NoAddPermissionPolicy(ModelPermissionPolicy):
    """Rows created by the system only (libraries come inside packages; results from the player)."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)


class PackageForm(WagtailAdminModelForm):
    """Upload (new package) or rename (existing one); the upload is validated fully before anything is kept."""

    upload = forms.FileField(
        label=_("H5P file (.h5p)"),
        required=False,
        help_text=_("The package is checked (structure, libraries, file types, sizes) before it is stored."),
        widget=forms.ClearableFileInput(attrs={"accept": ".h5p"}),
    )

    class Meta:
        model = H5PPackage
        fields = ["title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.imported = None
        if self.instance.pk is None:
            self.fields["title"].required = False
            self.fields["title"].help_text = _("Leave empty to use the title in the package.")
        else:
            del self.fields["upload"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None:
            return cleaned
        upload = cleaned.get("upload")
        if not upload:
            raise ValidationError({"upload": _("Choose an .h5p file to upload.")})
        if upload.size > setting("H5P_MAX_UPLOAD_BYTES"):
            raise ValidationError({"upload": _("The file is too large.")})
        try:
            package, created = import_package(upload, name=upload.name, user=getattr(self, "for_user", None))
        except PackageError as error:
            raise ValidationError({"upload": [ValidationError(message) for message in error.messages()]}) from None
        if not created:
            raise ValidationError(
                {"upload": _("This package is already stored: “%(title)s”.") % {"title": package.title}}
            )
        self.imported = package
        return cleaned

    def save(self, commit=True):
        if self.imported is None:
            return super().save(commit=commit)
        package = self.imported
        if self.cleaned_data.get("title"):
            package.title = self.cleaned_data["title"]
            package.save(update_fields=["title"])
        self.instance = package
        return package


class PackageInspectView(InspectView):
    def get_languages_display_value(self):
        return ", ".join(self.object.languages) or "-"

    def get_main_library_display_value(self):
        return self.object.main_library_version or self.object.main_library

    def get_field_label(self, field_name, field):
        if field_name == "languages":
            return _("Languages")
        return super().get_field_label(field_name, field)


class H5PPackageViewSet(SnippetViewSet):
    model = H5PPackage
    icon = "code"
    menu_label = _("Packages")
    list_display = ["title", "main_library", "language", "file_count", "created_at"]
    search_fields = ["title", "main_library"]
    list_filter = ["main_library", "language"]
    inspect_view_enabled = True
    inspect_view_class = PackageInspectView
    inspect_view_fields = [
        "title",
        "main_library",
        "language",
        "languages",
        "libraries",
        "sha256",
        "original_name",
        "file_size",
        "unpacked_size",
        "file_count",
        "uploaded_by",
        "created_at",
    ]
    edit_handler = ObjectList([FieldPanel("upload"), FieldPanel("title")], base_form_class=PackageForm)


class H5PLibraryViewSet(SnippetViewSet):
    """Library versions; approving a new version (or blocking one) is changing its status."""

    model = H5PLibrary
    icon = "cogs"
    menu_label = _("Libraries")
    list_display = ["machine_name", "version", "title", "status", "runnable", "created_at"]
    list_filter = ["status", "runnable"]
    search_fields = ["machine_name", "title"]
    inspect_view_enabled = True
    panels = [FieldPanel("status")]


class H5PResultViewSet(SnippetViewSet):
    """Results with their provenance: the launch they were reported under, when it was served, the time taken."""

    model = H5PResult
    icon = "tasks"
    menu_label = _("Results")
    list_display = ["user", "page", "package", "percent", "passed", "counts", "served_at", "created_at", "time_taken"]
    list_filter = ["counts", "passed"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "user",
        "page",
        "block_id",
        "package",
        "package_sha256",
        "language",
        "raw_score",
        "max_score",
        "percent",
        "minimum_score",
        "passed",
        "counts",
        "launch_id_display",
        "served_at",
        "created_at",
        "time_taken",
    ]
    panels = []

    def get_queryset(self, request):
        return H5PResult.objects.select_related("user", "page", "package", "launch")


class H5PViewSetGroup(SnippetViewSetGroup):
    items = (H5PPackageViewSet, H5PLibraryViewSet, H5PResultViewSet)
    menu_icon = "code"
    menu_label = _("H5P")
    menu_name = "h5p"


register_permission_policy(H5PPackage, PackagePermissionPolicy(H5PPackage))
register_permission_policy(H5PLibrary, NoAddPermissionPolicy(H5PLibrary))
register_permission_policy(H5PResult, NoAddPermissionPolicy(H5PResult))
register_snippet(H5PViewSetGroup)


@hooks.register("register_lesson_body_blocks")
def lesson_body_blocks():
    return [("h5p", H5PBlock())]
