"""The course tree: CourseIndexPage > CoursePage > ModulePage > LessonPage."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from courses.blocks import SHORT_RICH_TEXT_FEATURES, LessonBodyField
from courses.routing import RoutedAncestorsMixin, route_below
from courses.translation_status import missing_fields
from elearning.languages import LANGUAGE_CODES, get_language_info


class Audience(models.TextChoices):
    POLICE = "police", _("Police")
    PROSECUTORS = "prosecutors", _("Prosecutors")
    JUDGES = "judges", _("Judges")


class EnrolmentPolicy(models.TextChoices):
    OPEN = "open", _("Open: any signed-in officer can enrol")
    AUDIENCES = "audiences", _("Restricted to the course's audiences")
    INVITATION = "invitation", _("By invitation only: administrators enrol learners")


class CompletionMode(models.TextChoices):
    BUTTON = "button", _("The learner marks the lesson as complete")
    END = "end", _("Completed when the learner reaches the end of the lesson")


def extra_page_context(page, request, context):
    """Context contributed by other apps (e.g. learner progress) through the ``courses_page_context`` hook.

    ``courses`` knows nothing of learners: apps that do register a function
    ``fn(page, request, context) -> dict`` with ``@hooks.register("courses_page_context")``.
    The key ``page_panels`` (template names) adds sections to the page's main column, in hook
    order; the course and lesson templates include them without naming any higher app.
    Lessons in ``modules`` may be annotated with ``is_complete`` / ``is_locked`` (the outline shows them).
    """
    context.setdefault("page_panels", [])
    for fn in hooks.get_hooks("courses_page_context"):
        extra = dict(fn(page, request, context) or {})
        context["page_panels"] = [*context["page_panels"], *extra.pop("page_panels", [])]
        context.update(extra)
    return context


class Level(models.TextChoices):
    FOUNDATION = "foundation", _("Foundation")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


@register_snippet
class Topic(models.Model):
    """A subject area learners can filter the catalogue by."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=False)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        ordering = ["slug"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name_en or self.name)
        super().save(*args, **kwargs)


class TranslatedPageMixin(RoutedAncestorsMixin):
    """Helpers for pages whose learner-visible fields are translated with modeltranslation."""

    def missing_translation(self, language=None):
        """True when the page lacks text in ``language`` (so English is shown instead)."""
        return bool(missing_fields(self, language or get_language()))


class CourseIndexPage(TranslatedPageMixin, Page):
    """The course catalogue: filters by audience, language, topic and a text search."""

    introduction = RichTextField(_("introduction"), blank=True, features=SHORT_RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("course catalogue")

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        return route_below(self, request, path_components)

    def get_context(self, request, *args, **kwargs):
        from courses.catalogue import CatalogueFilter

        context = super().get_context(request, *args, **kwargs)
        catalogue = CatalogueFilter(request.GET, parent=self)
        context["catalogue"] = catalogue
        context["courses"] = catalogue.courses()
        return context


class CoursePage(TranslatedPageMixin, Page):
    """A self-paced course made of modules."""

    summary = models.TextField(_("summary"), help_text=_("One to three sentences shown in the catalogue."))
    learning_objectives = models.TextField(
        _("learning objectives"), help_text=_("One objective per line: what officers will be able to do.")
    )
    audience_police = models.BooleanField(_("police officers"), default=False)
    audience_prosecutors = models.BooleanField(_("prosecutors"), default=False)
    audience_judges = models.BooleanField(_("judges"), default=False)
    estimated_hours = models.DecimalField(
        _("estimated hours"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0.1), MaxValueValidator(999)],
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.FOUNDATION)
    prerequisites = models.TextField(_("prerequisites"), blank=True)
    sensitivity_notice = models.TextField(
        _("content-sensitivity notice"),
        blank=True,
        help_text=_("Shown before the course content, e.g. when it deals with child sexual abuse."),
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cover_image_alt = models.CharField(_("cover image alternative text"), max_length=300, blank=True)
    topics = ParentalManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="courses")
    enrolment_policy = models.CharField(
        _("who can enrol"), max_length=20, choices=EnrolmentPolicy.choices, default=EnrolmentPolicy.OPEN
    )
    sequential = models.BooleanField(
        _("lessons in order"),
        default=False,
        help_text=_("Each lesson stays locked until the learner has completed the required lessons before it."),
    )
    required_courses = ParentalManyToManyField(
        "self",
        verbose_name=_("courses to complete first"),
        symmetrical=False,
        blank=True,
        related_name="required_by",
        help_text=_("Learners can enrol only after completing these courses."),
    )
    minimum_minutes = models.PositiveIntegerField(
        _("minimum time spent (minutes)"),
        default=0,
        help_text=_("0 for none. Time is measured on the server from the learner's activity in the course."),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("validity (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
        help_text=_("Leave empty if a completion never expires. Otherwise learners are invited to renew."),
    )
    available_languages = models.CharField(
        _("languages available"),
        max_length=100,
        default=",en,",
        editable=False,
        help_text=_("Languages in which the whole course is translated; kept up to date on publish."),
    )

    search_fields = Page.search_fields + [index.SearchField("summary")]
    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("learning_objectives"),
        MultiFieldPanel(
            [FieldPanel("audience_police"), FieldPanel("audience_prosecutors"), FieldPanel("audience_judges")],
            heading=_("Audiences"),
        ),
        FieldPanel("estimated_hours"),
        FieldPanel("level"),
        FieldPanel("topics"),
        FieldPanel("prerequisites"),
        FieldPanel("sensitivity_notice"),
        MultiFieldPanel([FieldPanel("cover_image"), FieldPanel("cover_image_alt")], heading=_("Cover image")),
        MultiFieldPanel(
            [
                FieldPanel("enrolment_policy"),
                FieldPanel("required_courses"),
                FieldPanel("sequential"),
                FieldPanel("minimum_minutes"),
                FieldPanel("validity_months"),
                # The rule rows live in the learning app (learning.RequiredActivity, ParentalKey).
                InlinePanel("required_activities", label=_("Required activity"), heading=_("Required activities")),
            ],
            heading=_("Enrolment and completion"),
        ),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage"]

    class Meta:
        verbose_name = _("course")

    @property
    def audiences(self):
        flags = {
            Audience.POLICE: self.audience_police,
            Audience.PROSECUTORS: self.audience_prosecutors,
            Audience.JUDGES: self.audience_judges,
        }
        return [audience for audience, chosen in flags.items() if chosen]

    @property
    def objectives_list(self):
        return [line.strip() for line in (self.learning_objectives or "").splitlines() if line.strip()]

    @property
    def language_codes(self):
        return [code for code in LANGUAGE_CODES if f",{code}," in self.available_languages]

    @property
    def languages(self):
        return [get_language_info(code) for code in self.language_codes]

    def clean(self):
        super().clean()
        if self.pk and any(course.pk == self.pk for course in self.required_courses.all()):
            from django.core.exceptions import ValidationError

            raise ValidationError({"required_courses": _("A course cannot require itself.")})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        from courses.tree import cached_outline

        context["modules"] = cached_outline(self)
        return extra_page_context(self, request, context)


class ModulePage(TranslatedPageMixin, Page):
    """A section of a course grouping related lessons."""

    introduction = RichTextField(_("introduction"), blank=True, features=SHORT_RICH_TEXT_FEATURES)
    estimated_minutes = models.PositiveIntegerField(_("estimated time (minutes)"), default=30)

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("estimated_minutes")]
    parent_page_types = ["courses.CoursePage"]
    # No subpage_types: lessons and activity pages of higher apps (quizzes) name ModulePage as their parent.

    class Meta:
        verbose_name = _("module")

    @property
    def course(self):
        from courses.tree import course_of

        return course_of(self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["course"] = self.course
        # Lessons and any other activity (quizzes) in the order the trainer arranged them.
        context["items"] = self.get_children().live().order_by("path").specific()
        return context


class LessonPage(TranslatedPageMixin, Page):
    """One self-paced lesson: a body of blocks."""

    summary = models.TextField(_("summary"), blank=True)
    estimated_minutes = models.PositiveIntegerField(_("estimated time (minutes)"), default=15)
    body = LessonBodyField(verbose_name=_("body"), blank=True)
    optional = models.BooleanField(
        _("optional lesson"), default=False, help_text=_("Optional lessons do not count towards completion.")
    )
    completion_mode = models.CharField(
        _("how the lesson is completed"), max_length=10, choices=CompletionMode.choices, default=CompletionMode.BUTTON
    )

    search_fields = Page.search_fields + [index.SearchField("summary")]
    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("optional"), FieldPanel("completion_mode")], heading=_("Completion")),
    ]
    parent_page_types = ["courses.ModulePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")

    @cached_property
    def navigation(self):
        """Breadcrumbs, outline, previous/next: computed once per request (other apps' hooks reuse it)."""
        from courses.navigation import lesson_navigation

        return lesson_navigation(self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(self.navigation)
        return extra_page_context(self, request, context)
