"""The learner journey: enrolments, lesson progress, activity results, completions, the statement outbox.

Relational state is the truth; ``StatementOutbox`` is the audit trail written in the same
transaction as each change. Uniqueness (one enrolment per officer and course, one progress row
per lesson and cycle, one completion per cycle, one statement per event) is enforced by the
database, never by in-memory locks.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, PageChooserPanel
from wagtail.models import Orderable


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class EnrolmentSource(models.TextChoices):
    SELF = "self", _("Self-enrolment")
    ADMIN = "admin", _("Enrolled by an administrator")
    ACADEMY = "academy", _("Enrolled through an academy")


class TouchedOnSave(models.Model):
    """Records the time of every change, so academy systems can sync with ``updated_since``.

    ``save(update_fields=...)`` writes it too; queryset ``update()`` calls must set it themselves.
    """

    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, db_index=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.updated_at = timezone.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)


class EnrolmentQuerySet(models.QuerySet):
    def active(self):
        """Actively enrolled: the enrolment is not withdrawn (``learning.enrolment.active_enrolment``)."""
        return self.filter(status=EnrolmentStatus.ACTIVE)


class Enrolment(TouchedOnSave):
    """One officer on one course. Withdrawing keeps the row (and its history); re-enrolling reactivates it.

    ``cycle`` counts completion cycles: renewing an expired completion starts a new cycle with a
    new xAPI ``registration``; progress and completions of earlier cycles stay untouched.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("learner"), on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(
        "courses.CoursePage", verbose_name=_("course"), on_delete=models.CASCADE, related_name="enrolments"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE
    )
    source = models.CharField(
        _("source"), max_length=12, choices=EnrolmentSource.choices, default=EnrolmentSource.SELF
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enrolled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    cycle = models.PositiveIntegerField(_("completion cycle"), default=1)
    cycle_started_at = models.DateTimeField(_("cycle started at"), default=timezone.now)
    registration = models.UUIDField(_("xAPI registration"), default=uuid.uuid4, editable=False)
    last_lesson = models.ForeignKey(
        "courses.LessonPage",
        verbose_name=_("last lesson viewed"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    seconds_spent = models.PositiveIntegerField(_("time spent in this cycle (seconds)"), default=0)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="learning_one_enrolment_per_course")]
        indexes = [models.Index(fields=["course", "status"], name="learning_enrol_course_status")]

    def __str__(self):
        return f"{self.user} · {self.course_id}"

    @property
    def is_active(self):
        return self.status == EnrolmentStatus.ACTIVE


class LessonProgress(TouchedOnSave):
    """A learner's state on one lesson in one completion cycle."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(
        "courses.LessonPage", verbose_name=_("lesson"), on_delete=models.CASCADE, related_name="+"
    )
    cycle = models.PositiveIntegerField(_("completion cycle"), default=1)
    first_viewed_at = models.DateTimeField(_("first viewed"), null=True, blank=True)
    last_viewed_at = models.DateTimeField(_("last viewed"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson", "cycle"], name="learning_one_progress_per_lesson")
        ]

    def __str__(self):
        return f"{self.enrolment_id} · {self.lesson_id} · {self.cycle}"

    @property
    def is_complete(self):
        return self.completed_at is not None


class Provenance(models.TextChoices):
    SERVER = "server", _("Graded on the server")
    BROWSER = "browser", _("Scored in the browser (e.g. H5P)")
    MANUAL = "manual", _("Entered by a trainer")
    IMPORT = "import", _("Imported")


class Launch(models.Model):
    """The server's record that an officer was handed a packaged activity (H5P, SCORM...) and its content was served.

    The row is written when the launch document is served on the content origin (``learning.launch.redeem``),
    from a signed token the lesson page issued (``issued_at``), so a lesson view alone writes nothing.
    A browser-scored result counts only under a launch of the same officer, page, activity and package,
    once (``result_at``), and not sooner than the activity could be done (see ``learning.launch.claim_result``).
    """

    uuid = models.UUIDField(_("launch id"), unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("learner"), on_delete=models.CASCADE, related_name="launches"
    )
    page = models.ForeignKey("wagtailcore.Page", verbose_name=_("page"), on_delete=models.CASCADE, related_name="+")
    activity_id = models.CharField(_("activity within the page"), max_length=255)
    kind = models.CharField(_("kind of activity"), max_length=20)
    package = models.CharField(_("package"), max_length=128, help_text=_("The content served, e.g. its SHA-256."))
    language = models.CharField(_("language"), max_length=20, blank=True)
    preview = models.BooleanField(
        _("preview"), default=False, help_text=_("Opened by a trainer: nothing is recorded.")
    )
    issued_at = models.DateTimeField(_("handed out at"))
    served_at = models.DateTimeField(_("served at"), default=timezone.now)
    result_at = models.DateTimeField(_("result recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("launch")
        verbose_name_plural = _("launches")
        indexes = [models.Index(fields=["user", "page", "activity_id"], name="learning_launch_activity")]

    def __str__(self):
        return f"{self.kind} · {self.user_id} · {self.page_id} · {self.activity_id}"


class ActivityResult(models.Model):
    """The generic result of a scored activity (quiz, H5P block...): assessments and H5P write here.

    Completion rules read only this table, so ``learning`` never imports the apps that grade.
    Rows are append-only: a new attempt is a new row.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("learner"), on_delete=models.CASCADE, related_name="activity_results"
    )
    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("activity page"), on_delete=models.CASCADE, related_name="+"
    )
    activity_id = models.CharField(
        _("activity within the page"), max_length=255, blank=True, help_text=_("e.g. the id of an H5P block.")
    )
    score = models.DecimalField(_("score"), max_digits=9, decimal_places=2)
    max_score = models.DecimalField(_("maximum score"), max_digits=9, decimal_places=2)
    passed = models.BooleanField(_("passed"))
    counts = models.BooleanField(
        _("counts towards completion"),
        default=True,
        help_text=_("Browser-scored results are practice unless a trainer marked the activity as counting."),
    )
    provenance = models.CharField(_("provenance"), max_length=12, choices=Provenance.choices)
    provenance_detail = models.CharField(_("provenance detail"), max_length=255, blank=True)
    launch = models.OneToOneField(
        Launch,
        verbose_name=_("launch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="result",
        help_text=_("For browser-scored activities: the launch the result was reported under."),
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity result")
        verbose_name_plural = _("activity results")
        indexes = [models.Index(fields=["user", "page"], name="learning_result_user_page")]
        constraints = [
            models.CheckConstraint(condition=models.Q(max_score__gt=0), name="learning_result_max_score_positive"),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=models.F("max_score")), name="learning_result_score_range"
            ),
        ]

    def __str__(self):
        return f"{self.user_id} · {self.page_id} · {self.score}/{self.max_score}"

    @property
    def percent(self):
        return (Decimal(self.score) * 100 / Decimal(self.max_score)).quantize(Decimal("0.01"))

    @property
    def seconds_taken(self):
        """Seconds between serving the launch and recording the result (None without a launch)."""
        if self.launch is None:
            return None
        return max(0, int((self.recorded_at - self.launch.served_at).total_seconds()))


class RequiredActivity(Orderable):
    """A completion rule: pass this activity with at least this score. Edited in the course's admin form."""

    course = ParentalKey("courses.CoursePage", on_delete=models.CASCADE, related_name="required_activities")
    activity_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("activity"), on_delete=models.CASCADE, related_name="+"
    )
    minimum_score = models.DecimalField(
        _("minimum score (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("A passed result with at least this percentage satisfies the rule."),
    )

    panels = [PageChooserPanel("activity_page"), FieldPanel("minimum_score")]

    class Meta(Orderable.Meta):
        verbose_name = _("required activity")
        verbose_name_plural = _("required activities")

    def __str__(self):
        return f"{self.activity_page_id} ≥ {self.minimum_score}%"


class CourseCompletion(models.Model):
    """An immutable snapshot: editing the course later never changes what the officer completed."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="completions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="course_completions",
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="completions",
    )
    cycle = models.PositiveIntegerField(_("completion cycle"))
    course_title = models.CharField(_("course title"), max_length=255)
    course_revision_id = models.PositiveIntegerField(_("course page revision"), null=True)
    language = models.CharField(_("language"), max_length=10)
    completed_at = models.DateTimeField(_("completed at"))
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, null=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    expires_at = models.DateTimeField(_("expires at"), null=True)
    graded_on_server = models.BooleanField(
        _("met with server-graded results"),
        null=True,
        help_text=_(
            "Whether the completion rules were met counting only results graded on the server (quizzes), none "
            "scored in the browser (H5P, SCORM). Unknown for completions recorded before this was kept."
        ),
    )

    class Meta:
        verbose_name = _("course completion")
        verbose_name_plural = _("course completions")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "cycle"], name="learning_one_completion_per_cycle")
        ]
        ordering = ["-completed_at"]

    def __str__(self):
        return f"{self.user_id} · {self.course_title} · {self.completed_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("A course completion is a snapshot and cannot be changed."))
        super().save(*args, **kwargs)

    def is_expired(self, now=None):
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())


class StatementOutbox(models.Model):
    """An xAPI 1.0.3 statement appended in the same transaction as the change it records.

    ``event_key`` names the event (e.g. ``course-completed:<completion uuid>``); it is unique, so
    an event can never be recorded twice, and ``statement_id`` is derived from it (UUID 5).
    ``sent_at`` and ``attempts`` serve a later forwarder to an external LRS.
    """

    statement_id = models.UUIDField(_("statement id"), unique=True, editable=False)
    event_key = models.CharField(_("event key"), max_length=200, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        null=True,
        on_delete=models.CASCADE,
        related_name="learning_statements",
    )
    verb = models.CharField(_("verb"), max_length=200)
    statement = models.JSONField(_("statement"))
    created_at = models.DateTimeField(_("stored"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("delivery attempts"), default=0)
    last_error = models.TextField(_("last delivery error"), blank=True)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["sent_at", "created_at"], name="learning_outbox_unsent")]

    def __str__(self):
        return self.event_key
