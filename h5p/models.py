"""H5P packages (stored once, content addressed), their libraries, learner state and results."""

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _


class LibraryStatus(models.TextChoices):
    APPROVED = "approved", _("Approved")
    PENDING = "pending", _("Awaiting approval")
    BLOCKED = "blocked", _("Blocked")


class H5PLibrary(models.Model):
    """One version of an H5P library (``Machine.Name`` major.minor.patch, and its exact files).

    Versions are immutable: files live in ``MEDIA_ROOT/h5p/libraries/<storage>/`` and are never
    replaced. A package is pinned to the versions it was imported with. The first version of a
    ``Machine.Name-major.minor`` is approved with its package (its uploader is trusted with scripts);
    another patch, or other bytes under the same version number, is a new version that waits for
    someone with ``h5p.change_h5plibrary`` to approve it, and packages using it are not shown until then.
    A blocked version is refused at upload and never served.
    """

    machine_name = models.CharField(_("machine name"), max_length=255)
    major_version = models.PositiveIntegerField(_("major version"))
    minor_version = models.PositiveIntegerField(_("minor version"))
    patch_version = models.PositiveIntegerField(_("patch version"), default=0)
    fingerprint = models.CharField(
        _("files fingerprint"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Identifies the library's files: the same version number with other files is another version."),
    )
    storage = models.CharField(_("folder"), max_length=255, editable=False)
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
        ordering = ["machine_name", "major_version", "minor_version", "patch_version", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["machine_name", "major_version", "minor_version", "patch_version", "fingerprint"],
                name="h5p_one_row_per_library_version",
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

    @property
    def is_approved(self):
        return self.status == LibraryStatus.APPROVED


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
    content_key = models.CharField(
        _("content address"),
        max_length=64,
        unique=True,
        editable=False,
        help_text=_("The package's files are served under this key (derived from its SHA-256 and the site's secret)."),
    )
    library_set = models.CharField(
        _("library set"),
        max_length=64,
        db_index=True,
        editable=False,
        help_text=_("Identifies the exact library versions the player loads (part of their files' addresses)."),
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

    def runtime_library_rows(self):
        """The pinned library versions the player loads, in loading order."""
        by_folder = {library.folder: library for library in self.libraries.all()}
        return [by_folder[folder] for folder in self.runtime_libraries if folder in by_folder]

    def blocked_libraries(self):
        return [library for library in self.runtime_library_rows() if library.is_blocked]

    def pending_libraries(self):
        return [library for library in self.runtime_library_rows() if library.status == LibraryStatus.PENDING]


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
    launch = models.OneToOneField(
        "learning.Launch",
        verbose_name=_("launch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="h5p_result",
        help_text=_("The launch the result was reported under: when the content was served to the officer."),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("H5P result")
        verbose_name_plural = _("H5P results")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "page", "block_id"], name="h5p_result_user_block")]

    def __str__(self):
        return f"{self.user_id} · {self.page_id} · {self.raw_score}/{self.max_score}"

    @property
    @admin.display(description=_("served at"))
    def served_at(self):
        return self.launch.served_at if self.launch_id else None

    @property
    def seconds_taken(self):
        """From serving the activity to recording this result (None for results older than launches)."""
        if not self.launch_id:
            return None
        return max(0, int((self.created_at - self.launch.served_at).total_seconds()))

    @property
    @admin.display(description=_("time taken"))
    def time_taken(self):
        seconds = self.seconds_taken
        if seconds is None:
            return "-"
        minutes, seconds = divmod(seconds, 60)
        return _("%(minutes)d min %(seconds)02d s") % {"minutes": minutes, "seconds": seconds}

    @property
    @admin.display(description=_("launch id"))
    def launch_id_display(self):
        return str(self.launch.uuid) if self.launch_id else "-"
