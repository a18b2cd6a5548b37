"""H5P packages (stored once, content addressed), their libraries, learner state and results."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LibraryStatus(models.TextChoices):
    APPROVED = "approved", _("Approved")
    BLOCKED = "blocked", _("Blocked")


class H5PLibrary(models.Model):
    """One H5P library version (``Machine.Name`` major.minor), shared by every package that uses it.

    Files live in ``MEDIA_ROOT/h5p/libraries/<Machine.Name-major.minor>/``; a newer patch version
    replaces an older one, as in H5P core. A blocked library is refused at upload and never served.
    """

    machine_name = models.CharField(_("machine name"), max_length=255)
    major_version = models.PositiveIntegerField(_("major version"))
    minor_version = models.PositiveIntegerField(_("minor version"))
    patch_version = models.PositiveIntegerField(_("patch version"), default=0)
    title = models.CharField(_("title"), max_length=255, blank=True)
    runnable = models.BooleanField(_("runnable"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=LibraryStatus.choices, default=LibraryStatus.APPROVED, db_index=True
    )
    languages = models.JSONField(_("interface languages"), default=list, blank=True)
    metadata = models.JSONField(_("library.json"), default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("first installed"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("H5P library")
        verbose_name_plural = _("H5P libraries")
        ordering = ["machine_name", "major_version", "minor_version"]
        constraints = [
            models.UniqueConstraint(
                fields=["machine_name", "major_version", "minor_version"], name="h5p_one_library_per_version"
            )
        ]

    def __str__(self):
        return f"{self.machine_name} {self.version}"

    @property
    def version(self):
        return f"{self.major_version}.{self.minor_version}.{self.patch_version}"

    @property
    def folder(self):
        return f"{self.machine_name}-{self.major_version}.{self.minor_version}"

    @property
    def is_blocked(self):
        return self.status == LibraryStatus.BLOCKED


class H5PPackage(models.Model):
    """An uploaded `.h5p`, validated and unpacked once into ``MEDIA_ROOT/h5p/content/<sha256>/``."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=255)
    main_library = models.CharField(_("main library"), max_length=255)
    language = models.CharField(_("content language"), max_length=20, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    unpacked_size = models.PositiveBigIntegerField(_("unpacked size (bytes)"), default=0)
    file_count = models.PositiveIntegerField(_("files"), default=0)
    h5p_json = models.JSONField(_("h5p.json"), default=dict, editable=False)
    libraries = models.ManyToManyField(
        H5PLibrary, verbose_name=_("libraries"), related_name="packages", blank=True, editable=False
    )
    runtime_libraries = models.JSONField(
        _("libraries loaded by the player"), default=list, editable=False, help_text=_("Dependency closure, in order.")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("H5P package")
        verbose_name_plural = _("H5P packages")
        ordering = ["-created_at"]
        default_permissions = ("change", "delete", "view")
        permissions = [("upload_h5ppackage", _("Can upload H5P packages (trusted to publish scripts)"))]

    def __str__(self):
        return f"{self.title} ({self.main_library_version or self.main_library})"

    @property
    def main_library_version(self):
        for dep in self.h5p_json.get("preloadedDependencies", []):
            if dep.get("machineName") == self.main_library:
                return f"{self.main_library} {dep.get('majorVersion')}.{dep.get('minorVersion')}"
        return ""

    @property
    def languages(self):
        """Languages of the main library's interface (from its language files), with the content's own."""
        codes = set()
        for library in self.libraries.all():
            if library.machine_name == self.main_library:
                codes.update(library.languages)
        return sorted(codes | ({self.language} if self.language and self.language != "und" else set()))

    def blocked_libraries(self):
        return [lib for lib in self.libraries.all() if lib.is_blocked and lib.folder in self.runtime_libraries]


class H5PUserData(models.Model):
    """Resume state saved by the player (H5P's contentUserData), per officer, lesson block and package."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    package = models.ForeignKey(H5PPackage, on_delete=models.CASCADE, related_name="+")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    block_id = models.CharField(max_length=64)
    sub_content_id = models.CharField(max_length=64, default="0")
    data_type = models.CharField(max_length=64)
    data = models.TextField()
    preload = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("H5P saved state")
        verbose_name_plural = _("H5P saved states")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "package", "page", "block_id", "sub_content_id", "data_type"],
                name="h5p_one_state_per_block",
            )
        ]

    def __str__(self):
        return f"{self.user_id} · {self.page_id} · {self.block_id} · {self.data_type}"


class H5PResult(models.Model):
    """A scored top-level xAPI statement from the player, with the score recomputed on the server."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("learner"), on_delete=models.CASCADE, related_name="h5p_results"
    )
    package = models.ForeignKey(
        H5PPackage, verbose_name=_("package"), null=True, on_delete=models.SET_NULL, related_name="results"
    )
    package_sha256 = models.CharField(_("package SHA-256"), max_length=64)
    page = models.ForeignKey("wagtailcore.Page", verbose_name=_("lesson"), on_delete=models.CASCADE, related_name="+")
    block_id = models.CharField(_("block"), max_length=64)
    language = models.CharField(_("language"), max_length=20, blank=True)
    verb = models.CharField(_("verb"), max_length=200)
    raw_score = models.DecimalField(_("score"), max_digits=9, decimal_places=2)
    max_score = models.DecimalField(_("maximum score"), max_digits=9, decimal_places=2)
    percent = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2)
    passed = models.BooleanField(_("passed"))
    counts = models.BooleanField(_("counts towards completion"))
    minimum_score = models.PositiveSmallIntegerField(_("minimum score (%)"))
    statement = models.JSONField(_("statement from the player"))
    activity_result_uuid = models.UUIDField(_("activity result"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("H5P result")
        verbose_name_plural = _("H5P results")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "page", "block_id"], name="h5p_result_user_block")]

    def __str__(self):
        return f"{self.user_id} · {self.page_id} · {self.raw_score}/{self.max_score}"
