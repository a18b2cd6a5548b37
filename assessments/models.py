"""Question bank, quizzes and attempts.

* ``Question`` (with its ``Choice`` rows) is what trainers edit. Grading never reads it: every
  attempt item points to an immutable ``QuestionVersion`` whose ``data`` is a snapshot of the
  question in all six languages. Editing a question that attempts have used creates a new version
  the next time it is drawn; old attempts keep the version they saw.
* ``QuizPage`` lives in a course module; ``QuizSlot`` rows say which questions it asks (a fixed
  question, or N drawn at random from a category).
* ``Attempt`` / ``AttemptItem`` are the officer's work: saved on the server as it is given, guarded
  by a sequence number, graded once on submission.
"""

import hashlib
import json
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Orderable, Page

from assessments import qtypes
from courses.routing import RoutedAncestorsMixin
from courses.tree import course_of
from elearning.languages import PLATFORM_LANGUAGES


class Difficulty(models.TextChoices):
    EASY = "easy", _("Easy")
    MEDIUM = "medium", _("Medium")
    HARD = "hard", _("Hard")


class Scoring(models.TextChoices):
    PARTIAL = "partial", _("Partial credit")
    ALL_OR_NOTHING = "all", _("All or nothing")


class UnitHandling(models.TextChoices):
    OPTIONAL = "optional", _("Units optional (a number alone is read in the first unit)")
    REQUIRED = "required", _("A unit is required (a missing or unknown unit costs the unit penalty)")


class UnitPosition(models.TextChoices):
    RIGHT = "right", _("After the number (20 days)")
    LEFT = "left", _("Before the number ($ 20)")


class TextFormat(models.TextChoices):
    PLAIN = "plain", _("Plain text")
    HTML = "html", _("HTML (sanitised; images and media from this site)")


class BlankKind(models.TextChoices):
    TEXT = "text", _("Typed text")
    NUMERIC = "numeric", _("Typed number")
    CHOICE = "choice", _("Choice from a list")


class BlankLayout(models.TextChoices):
    DROPDOWN = "dropdown", _("Drop-down list")
    VERTICAL = "vertical", _("Buttons, one per line")
    HORIZONTAL = "horizontal", _("Buttons in a row")


class QuestionCategory(models.Model):
    """A folder of the question bank (nested by ``parent``); random draws pick from one category."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("parent"), FieldPanel("description")]

    class Meta:
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        ordering = ["slug"]

    def __str__(self):
        return self.path_label

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(QuestionCategory, self.name_en or self.name or "category")
        super().save(*args, **kwargs)

    def path_parts(self):
        names, node, seen = [], self, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            names.append(node.name_en or node.name or node.slug)
            node = node.parent
        return list(reversed(names))

    @property
    def path_label(self):
        return " / ".join(self.path_parts())

    @classmethod
    def for_path(cls, path):
        """The category for a slash-separated path (``Evidence/Seizure``), created as needed."""
        parent = None
        for part in [p.strip() for p in path.split("/") if p.strip()]:
            category = cls.objects.filter(parent=parent, name_en=part).first()
            if category is None:
                category = cls(parent=parent, name=part, name_en=part)
                category.save()
            parent = category
        return parent


def unique_slug(model, text, max_length=190):
    base = slugify(text, allow_unicode=False)[:max_length] or "item"
    slug, counter = base, 2
    while model.objects.filter(slug=slug).exists():
        slug = f"{base}-{counter}"
        counter += 1
    return slug


class Competency(ClusterableModel):
    """A skill a needs assessment measures; links to the courses or lessons that teach it."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    panels = [
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("description"),
        InlinePanel("resources", label=_("Course or lesson that teaches it")),
    ]

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["code"]

    def __str__(self):
        return self.name


class CompetencyResource(Orderable):
    competency = ParentalKey(Competency, on_delete=models.CASCADE, related_name="resources")
    page = models.ForeignKey("wagtailcore.Page", verbose_name=_("course or lesson"), on_delete=models.CASCADE)

    panels = [PageChooserPanel("page", ["courses.CoursePage", "courses.LessonPage", "courses.ModulePage"])]

    class Meta(Orderable.Meta):
        verbose_name = _("teaching resource")


class TaggedQuestion(TaggedItemBase):
    content_object = ParentalKey("assessments.Question", on_delete=models.CASCADE, related_name="tagged_items")


class Question(ClusterableModel):
    """A question of the bank, translated into the six platform languages."""

    qtype = models.CharField(_("type"), max_length=12, choices=qtypes.choices, default="single")
    category = models.ForeignKey(
        QuestionCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="questions"
    )
    name = models.CharField(_("name"), max_length=255, help_text=_("A short label for the question bank."))
    text = models.TextField(
        _("question text"),
        help_text=_("For fill in the blanks, mark each blank as [[1]], [[2]]… matching the answers' blank numbers."),
    )
    text_format = models.CharField(
        _("text format"),
        max_length=8,
        choices=TextFormat.choices,
        default=TextFormat.PLAIN,
        help_text=_("Applies to the question text, feedback, explanation and the answers' text and feedback."),
    )
    general_feedback = models.TextField(_("general feedback"), blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    default_mark = models.DecimalField(
        _("mark"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    difficulty = models.CharField(
        _("difficulty"), max_length=10, choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    tags = ClusterTaggableManager(through=TaggedQuestion, blank=True, verbose_name=_("tags"))
    competencies = models.ManyToManyField(
        Competency, verbose_name=_("competencies"), blank=True, related_name="questions"
    )
    shuffle_options = models.BooleanField(_("shuffle options"), default=True)
    scoring = models.CharField(
        _("scoring (multiple response, ordering)"), max_length=10, choices=Scoring.choices, default=Scoring.PARTIAL
    )
    case_sensitive = models.BooleanField(_("case sensitive (short answer, blanks)"), default=False)
    units = models.TextField(
        _("units (numeric)"),
        blank=True,
        help_text=_(
            "One per line: a unit and its multiplier, e.g. “GB 1” then “MB 1024”; the first is the base. "
            "Give the units in each language: officers may type any of them."
        ),
    )
    unit_handling = models.CharField(
        _("unit handling"), max_length=10, choices=UnitHandling.choices, default=UnitHandling.OPTIONAL
    )
    unit_penalty = models.DecimalField(
        _("unit penalty"),
        max_digits=6,
        decimal_places=5,
        default=Decimal("0.1"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("When a unit is required: the share of the marks earned that a missing or unknown unit costs."),
    )
    unit_position = models.CharField(
        _("where the unit goes"), max_length=6, choices=UnitPosition.choices, default=UnitPosition.RIGHT
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    panels = [
        FieldPanel("qtype"),
        FieldPanel("category"),
        FieldPanel("name"),
        FieldPanel("text_format"),
        FieldPanel("text"),
        InlinePanel("choices", label=_("Answer"), heading=_("Answers")),
        InlinePanel("blanks", label=_("Blank"), heading=_("Blanks (fill in the blanks)")),
        FieldPanel("general_feedback"),
        FieldPanel("explanation"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("default_mark"), FieldPanel("difficulty")]),
                FieldPanel("tags"),
                FieldPanel("competencies"),
            ],
            heading=_("Classification"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("shuffle_options"),
                FieldPanel("scoring"),
                FieldPanel("case_sensitive"),
                FieldPanel("units"),
                FieldRowPanel([FieldPanel("unit_handling"), FieldPanel("unit_penalty"), FieldPanel("unit_position")]),
            ],
            heading=_("Grading options"),
        ),
    ]

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["category__slug", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        from assessments.grading import parse_units

        for language in PLATFORM_LANGUAGES:
            field = f"units_{language.field_suffix}"
            try:
                parse_units(getattr(self, field, ""))
            except ValueError as error:
                raise ValidationError({field: str(error)}) from error

    # Versions ----------------------------------------------------------------------------
    def snapshot(self, choices=None, competency_codes=None, blanks=None):
        """Everything grading and display need, in every language, as plain JSON.

        ``choices`` (in order), ``competency_codes`` and ``blanks`` may be given when loaded for many
        questions at once.
        """

        def all_languages(obj, field):
            values = {}
            for language in PLATFORM_LANGUAGES:
                value = getattr(obj, f"{field}_{language.field_suffix}", None)
                if value:
                    values[language.code] = value
            if not values and getattr(obj, field, None):
                values["en"] = getattr(obj, field)
            return values

        if choices is None:
            choices = self.choices.all().order_by("sort_order", "pk")
        if competency_codes is None:
            competency_codes = self.competencies.values_list("code", flat=True)
        if blanks is None:
            blanks = self.blanks.all().order_by("number") if qtypes.get(self.qtype).uses_blanks else []
        options = []
        for choice in choices:
            options.append(
                {
                    "id": choice.pk,
                    "text": all_languages(choice, "text"),
                    "match": all_languages(choice, "match_text"),
                    "feedback": all_languages(choice, "feedback"),
                    "fraction": str(choice.fraction),
                    "value": None if choice.value is None else str(choice.value),
                    "tolerance": str(choice.tolerance or 0),
                    "blank": choice.blank,
                }
            )
        return {
            "question": self.pk,
            "type": self.qtype,
            "name": self.name,
            "text": all_languages(self, "text"),
            "general_feedback": all_languages(self, "general_feedback"),
            "explanation": all_languages(self, "explanation"),
            "shuffle": self.shuffle_options,
            "scoring": self.scoring,
            "case_sensitive": self.case_sensitive,
            "format": self.text_format,
            "units": all_languages(self, "units"),
            "unit_handling": self.unit_handling,
            "unit_penalty": f"{Decimal(str(self.unit_penalty)).normalize():f}",
            "unit_position": self.unit_position,
            "competencies": sorted(competency_codes),
            "choices": options,
            "blanks": [blank.snapshot() for blank in blanks],
        }

    def current_version(self):
        """The version matching the question as it is now, created when the content changed."""
        return current_versions([self])[self.pk]

    def _new_version(self, data, digest):
        try:
            with transaction.atomic():
                number = (self.versions.aggregate(n=models.Max("number"))["n"] or 0) + 1
                return QuestionVersion.objects.create(question=self, number=number, content_hash=digest, data=data)
        except IntegrityError:  # a concurrent attempt created it (or took the number): read it back
            existing = self.versions.filter(content_hash=digest).first()
            if existing:
                return existing
            raise


def snapshot_digest(data):
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def snapshots_for(questions):
    """``{question id: snapshot()}`` for many questions in two queries (choices, competency codes), and a
    third only when some of them have blanks."""
    questions = list(questions)
    ids = [question.pk for question in questions]
    choices, codes, blanks = {}, {}, {}
    for choice in Choice.objects.filter(question_id__in=ids).order_by("sort_order", "pk"):
        choices.setdefault(choice.question_id, []).append(choice)
    links = Question.competencies.through.objects.filter(question_id__in=ids)
    for question_id, code in links.values_list("question_id", "competency__code"):
        codes.setdefault(question_id, []).append(code)
    with_blanks = [q.pk for q in questions if qtypes.get(q.qtype).uses_blanks]
    if with_blanks:
        for blank in QuestionBlank.objects.filter(question_id__in=with_blanks).order_by("number"):
            blanks.setdefault(blank.question_id, []).append(blank)
    return {q.pk: q.snapshot(choices.get(q.pk, []), codes.get(q.pk, []), blanks.get(q.pk, [])) for q in questions}


def current_versions(questions):
    """``{question id: current_version()}`` for many questions in three queries, not three per question."""
    questions = list(questions)
    ids = [question.pk for question in questions]
    snapshots = snapshots_for(questions)
    digests = {pk: snapshot_digest(data) for pk, data in snapshots.items()}
    stored = QuestionVersion.objects.filter(question_id__in=ids, content_hash__in=set(digests.values()))
    found = {(version.question_id, version.content_hash): version for version in stored}
    return {
        q.pk: found.get((q.pk, digests[q.pk])) or q._new_version(snapshots[q.pk], digests[q.pk]) for q in questions
    }


class Choice(Orderable):
    """An answer of a question. Which fields matter depends on the type:

    * single, multiple, true/false: ``text``, ``fraction`` (negative fractions are penalties);
    * short answer: ``text`` is an accepted answer (``*`` matches anything), ``fraction`` its credit;
    * numeric: ``value`` ± ``tolerance``, ``fraction``;
    * matching: ``text`` (left) goes with ``match_text`` (right); a row with no text is a distractor;
    * ordering: the rows' order is the correct order;
    * fill in the blanks: ``blank`` number, ``text`` an accepted answer for it, ``fraction``.
    """

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.TextField(_("answer text"), blank=True)
    match_text = models.CharField(_("matches (matching)"), max_length=500, blank=True)
    fraction = models.DecimalField(
        _("credit"),
        max_digits=8,
        decimal_places=5,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("-1")), MaxValueValidator(Decimal("1"))],
        help_text=_("1 for a fully correct answer, 0.5 for half credit, negative values are penalties."),
    )
    feedback = models.TextField(_("feedback"), blank=True)
    value = models.DecimalField(_("value (numeric)"), max_digits=20, decimal_places=8, null=True, blank=True)
    tolerance = models.DecimalField(
        _("tolerance (numeric)"), max_digits=20, decimal_places=8, default=Decimal("0"), blank=True
    )
    blank = models.PositiveSmallIntegerField(_("blank number (fill in the blanks)"), null=True, blank=True)

    panels = [
        FieldPanel("text"),
        FieldPanel("match_text"),
        FieldRowPanel([FieldPanel("fraction"), FieldPanel("value"), FieldPanel("tolerance"), FieldPanel("blank")]),
        FieldPanel("feedback"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self):
        return self.text[:60] or self.match_text[:60] or str(self.value)


class QuestionBlank(Orderable):
    """How one blank ``[[n]]`` of a fill-in-the-blanks question is answered and weighted (Moodle's Cloze
    sub-questions). A blank without a row is typed text worth 1."""

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="blanks")
    number = models.PositiveSmallIntegerField(_("blank number"), validators=[MinValueValidator(1)])
    kind = models.CharField(_("answered by"), max_length=8, choices=BlankKind.choices, default=BlankKind.TEXT)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Its share of the question's mark, relative to the other blanks."),
    )
    case_sensitive = models.BooleanField(_("case sensitive"), default=False)
    layout = models.CharField(
        _("choices shown as"), max_length=10, choices=BlankLayout.choices, default=BlankLayout.DROPDOWN
    )
    shuffle = models.BooleanField(_("shuffle the choices"), default=False)

    panels = [
        FieldRowPanel([FieldPanel("number"), FieldPanel("kind"), FieldPanel("weight")]),
        FieldRowPanel([FieldPanel("case_sensitive"), FieldPanel("layout"), FieldPanel("shuffle")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("blank")
        verbose_name_plural = _("blanks")
        constraints = [models.UniqueConstraint(fields=["question", "number"], name="assessments_blank_number")]

    def __str__(self):
        return f"[[{self.number}]]"

    def snapshot(self):
        return {
            "number": self.number,
            "kind": self.kind,
            "weight": str(self.weight),
            "case_sensitive": self.case_sensitive,
            "layout": self.layout,
            "shuffle": self.shuffle,
        }


class QuestionVersion(models.Model):
    """An immutable snapshot of a question: attempt items point here, so they keep what they saw."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    content_hash = models.CharField(max_length=64)
    data = models.JSONField(_("snapshot"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")
        ordering = ["question", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="assessments_version_number"),
            models.UniqueConstraint(fields=["question", "content_hash"], name="assessments_version_content"),
        ]

    def __str__(self):
        return f"{self.question_id} v{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("A question version is a snapshot and cannot be changed."))
        super().save(*args, **kwargs)


# Quizzes ----------------------------------------------------------------------------------
class GradingMethod(models.TextChoices):
    HIGHEST = "highest", _("Highest attempt")
    LAST = "last", _("Last attempt")
    AVERAGE = "average", _("Average of attempts")
    FIRST = "first", _("First attempt")


class Layout(models.TextChoices):
    ONE_PER_PAGE = "one", _("One question per page")
    ALL = "all", _("All questions on one page")


class QuizPage(RoutablePageMixin, RoutedAncestorsMixin, Page):
    """A quiz inside a course module, graded on the server."""

    introduction = models.TextField(_("introduction"), blank=True)
    diagnostic = models.BooleanField(
        _("needs assessment"),
        default=False,
        help_text=_(
            "A diagnostic quiz: the result lists the competencies to strengthen and what teaches them. "
            "Any signed-in officer may take it, enrolled or not."
        ),
    )
    layout = models.CharField(_("layout"), max_length=4, choices=Layout.choices, default=Layout.ALL)
    shuffle_options = models.BooleanField(
        _("shuffle options"), default=True, help_text=_("Each question's own setting must also allow it.")
    )
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), default=0, help_text=_("0 for unlimited."))
    delay_minutes = models.PositiveIntegerField(_("delay between attempts (minutes)"), default=0)
    time_limit_minutes = models.PositiveIntegerField(_("time limit (minutes)"), default=0, help_text=_("0 for none."))
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    pass_mark = models.DecimalField(
        _("pass mark (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("70"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    grading_method = models.CharField(
        _("grading method"), max_length=10, choices=GradingMethod.choices, default=GradingMethod.HIGHEST
    )
    review_score_after = models.BooleanField(_("score, after submitting"), default=True)
    review_correctness_after = models.BooleanField(_("whether each answer was right, after submitting"), default=True)
    review_feedback_after = models.BooleanField(_("feedback, after submitting"), default=True)
    review_answers_after = models.BooleanField(_("correct answers, after submitting"), default=False)
    review_score_closed = models.BooleanField(_("score, after the quiz closes"), default=True)
    review_correctness_closed = models.BooleanField(_("whether each answer was right, after it closes"), default=True)
    review_feedback_closed = models.BooleanField(_("feedback, after the quiz closes"), default=True)
    review_answers_closed = models.BooleanField(_("correct answers, after the quiz closes"), default=True)

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("diagnostic"),
        InlinePanel("slots", label=_("Question or random draw"), heading=_("Questions"), min_num=1),
        MultiFieldPanel(
            [
                FieldPanel("layout"),
                FieldPanel("shuffle_options"),
                FieldRowPanel([FieldPanel("max_attempts"), FieldPanel("delay_minutes")]),
                FieldPanel("time_limit_minutes"),
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("grading_method")]),
            ],
            heading=_("Attempts and grading"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("review_score_after"),
                FieldPanel("review_correctness_after"),
                FieldPanel("review_feedback_after"),
                FieldPanel("review_answers_after"),
                FieldPanel("review_score_closed"),
                FieldPanel("review_correctness_closed"),
                FieldPanel("review_feedback_closed"),
                FieldPanel("review_answers_closed"),
            ],
            heading=_("What officers see in the review"),
        ),
    ]
    parent_page_types = ["courses.ModulePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("quiz")

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            raise ValidationError({"closes_at": _("The quiz must close after it opens.")})

    @property
    def course(self):
        return course_of(self)

    def is_closed(self, now=None):
        return self.closes_at is not None and (now or timezone.now()) >= self.closes_at

    def review_options(self, now=None):
        """What the review may show now: the 'after it closes' set once the quiz has closed."""
        if self.is_closed(now):
            return {
                "score": self.review_score_closed,
                "correctness": self.review_correctness_closed,
                "feedback": self.review_feedback_closed,
                "answers": self.review_answers_closed,
            }
        return {
            "score": self.review_score_after,
            "correctness": self.review_correctness_after,
            "feedback": self.review_feedback_after,
            "answers": self.review_answers_after,
        }

    # Routes: the views live in assessments/views.py.
    @path("")
    def quiz_home(self, request):
        from assessments import views

        return views.quiz_home(request, self)

    @path("start/")
    def start_route(self, request):
        from assessments import views

        return views.start(request, self)

    @path("attempt/<uuid:attempt_id>/")
    def attempt_route(self, request, attempt_id):
        from assessments import views

        return views.attempt_page(request, self, attempt_id)

    @path("attempt/<uuid:attempt_id>/save/")
    def save_route(self, request, attempt_id):
        from assessments import views

        return views.autosave(request, self, attempt_id)

    @path("attempt/<uuid:attempt_id>/submit/")
    def submit_route(self, request, attempt_id):
        from assessments import views

        return views.submit(request, self, attempt_id)

    @path("attempt/<uuid:attempt_id>/review/")
    def review_route(self, request, attempt_id):
        from assessments import views

        return views.review(request, self, attempt_id)


class QuizSlot(Orderable):
    """One place in a quiz: a fixed question, or ``draw_count`` questions drawn from a category."""

    quiz = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="slots")
    question = models.ForeignKey(
        Question, verbose_name=_("question"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("or draw from category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    draw_count = models.PositiveSmallIntegerField(_("questions to draw"), default=1)
    include_subcategories = models.BooleanField(_("include subcategories"), default=False)
    mark = models.DecimalField(
        _("mark per question"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: the question's own mark."),
    )

    panels = [
        FieldPanel("question"),
        FieldRowPanel([FieldPanel("category"), FieldPanel("draw_count"), FieldPanel("include_subcategories")]),
        FieldPanel("mark"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("quiz question")

    def clean(self):
        super().clean()
        if bool(self.question_id) == bool(self.category_id):
            raise ValidationError(_("Choose either a question or a category to draw from."))


# Attempts ---------------------------------------------------------------------------------
class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    FINISHED = "finished", _("Finished")


class FinishReason(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted by the officer")
    TIMED_OUT = "timed_out", _("Time ran out: finished from the saved answers")
    CLOSED = "closed", _("The quiz closed: finished from the saved answers")


class Attempt(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    quiz = models.ForeignKey(QuizPage, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("officer"), on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    state = models.CharField(_("state"), max_length=12, choices=AttemptState.choices, default=AttemptState.IN_PROGRESS)
    language = models.CharField(_("language"), max_length=10, default="en")
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    last_saved_at = models.DateTimeField(_("last saved"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("last save sequence number"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    finish_reason = models.CharField(_("how it ended"), max_length=12, choices=FinishReason.choices, blank=True)
    score = models.DecimalField(_("score"), max_digits=9, decimal_places=4, null=True, blank=True)
    max_score = models.DecimalField(_("maximum score"), max_digits=9, decimal_places=4, default=Decimal("0"))
    percent = models.DecimalField(_("percent"), max_digits=6, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True)
    regraded_at = models.DateTimeField(_("regraded"), null=True, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["quiz", "user", "number"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "user", "number"], name="assessments_attempt_number"),
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=models.Q(state="in_progress"),
                name="assessments_one_open_attempt",
            ),
        ]
        indexes = [models.Index(fields=["state", "deadline"], name="assessments_attempt_deadline")]

    def __str__(self):
        return f"{self.user_id} · {self.quiz_id} · #{self.number}"

    @property
    def is_finished(self):
        return self.state == AttemptState.FINISHED

    def seconds_left(self, now=None):
        if self.deadline is None:
            return None
        return max(0, int((self.deadline - (now or timezone.now())).total_seconds()))


class AttemptItem(models.Model):
    """One question of an attempt: the version seen, the order of its options, the response, the grade."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"))
    slot_number = models.PositiveSmallIntegerField(_("slot"))
    version = models.ForeignKey(QuestionVersion, verbose_name=_("question version"), on_delete=models.PROTECT)
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+")
    option_order = models.JSONField(_("option order"), default=list)
    mark = models.DecimalField(_("mark"), max_digits=6, decimal_places=2)
    response = models.JSONField(_("response"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    fraction = models.DecimalField(_("credit"), max_digits=8, decimal_places=7, null=True, blank=True)
    awarded = models.DecimalField(_("marks awarded"), max_digits=9, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("attempt item")
        ordering = ["attempt", "position"]
        constraints = [models.UniqueConstraint(fields=["attempt", "position"], name="assessments_item_position")]

    def __str__(self):
        return f"{self.attempt_id} · {self.position}"


# Imports of question files --------------------------------------------------------------------------
class ImportState(models.TextChoices):
    QUEUED = "queued", _("Waiting for a task worker")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Rejected: nothing imported")


class QuestionImport(models.Model):
    """A question file imported in the background (large files): its progress and outcome.

    The uploaded bytes are kept only until the import ends. Only the trainer who started it (and
    superusers) may see it.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="question_imports",
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    file_name = models.CharField(_("file"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    content = models.BinaryField(_("content"), default=b"", editable=False)
    category = models.CharField(_("parent category"), max_length=255, blank=True)
    language = models.CharField(_("language of the file"), max_length=10, default="en")
    ui_language = models.CharField(_("language of the report"), max_length=10, default="en")
    skip_unsupported = models.BooleanField(_("skip unsupported questions"), default=False)
    state = models.CharField(_("state"), max_length=8, choices=ImportState.choices, default=ImportState.QUEUED)
    total = models.PositiveIntegerField(_("questions in the file"), default=0)
    done = models.PositiveIntegerField(_("questions saved"), default=0)
    skipped = models.JSONField(_("skipped questions"), default=list, blank=True)
    errors = models.JSONField(_("problems"), default=list, blank=True)

    class Meta:
        verbose_name = _("question import")
        verbose_name_plural = _("question imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def is_finished(self):
        return self.state in (ImportState.DONE, ImportState.FAILED)

    @property
    def percent(self):
        return int(self.done * 100 / self.total) if self.total else 0
