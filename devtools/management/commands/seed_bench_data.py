"""Generate a deterministic benchmark / load-test data set (never for a real database).

    python manage.py seed_bench_data --courses 20 --officers 2000 --seed 1

Courses with modules, lessons and one quiz each, every learner-visible field in the six
languages; officers (``officerNNNNN@bench.invalid``, one shared password) enrolled on the first
course (the "exam course") and on ``--enrolments - 1`` others, lesson progress, finished quiz
attempts (through the attempt engine), course completions and a few issued certificates.
Pages go through treebeard (they must), learner rows through ``bulk_create``.

It refuses to run on a database that holds users other than generated ones (``--force`` to
override), so it cannot be pointed at a developer's or a production database by mistake.
"""

import json
import random
import time
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

BENCH_DOMAIN = "bench.invalid"
DEFAULT_PASSWORD = "bench-pass-phrase-2026"  # noqa: S105 - generated officers only
BATCH = 2000

# One sentence per language: enough real script (Arabic, Cyrillic, CJK) to weigh like real content.
SENTENCES = {
    "en": "Preserve the device in its current state, record every action in the custody log and compute a hash "
    "of each image before analysis.",
    "fr": "Préservez l'appareil dans son état actuel, consignez chaque action dans le registre de la chaîne de "
    "possession et calculez l'empreinte de chaque image avant l'analyse.",
    "es": "Preserve el dispositivo en su estado actual, registre cada acción en el registro de custodia y "
    "calcule el hash de cada imagen antes del análisis.",
    "ru": "Сохраните устройство в текущем состоянии, фиксируйте каждое действие в журнале хранения и "
    "вычисляйте хеш каждого образа перед анализом.",
    "ar": "احفظ الجهاز على حالته الراهنة، وسجّل كل إجراء في سجل حفظ الأدلة، واحسب قيمة التجزئة لكل صورة قبل التحليل.",
    "zh-hans": "保持设备的当前状态，在保管记录中记录每一项操作，并在分析前计算每个镜像的哈希值。",
}
WORDS = {
    "en": ("Course", "Module", "Lesson", "Quiz", "Question", "Answer"),
    "fr": ("Cours", "Module", "Leçon", "Quiz", "Question", "Réponse"),
    "es": ("Curso", "Módulo", "Lección", "Cuestionario", "Pregunta", "Respuesta"),
    "ru": ("Курс", "Модуль", "Урок", "Тест", "Вопрос", "Ответ"),
    "ar": ("دورة", "وحدة", "درس", "اختبار", "سؤال", "إجابة"),
    "zh-hans": ("课程", "单元", "课", "测验", "问题", "答案"),
}


def _six(make):
    """``{field_suffix: make(code)}`` for the six platform languages."""
    from elearning.languages import PLATFORM_LANGUAGES

    return {language.field_suffix: make(language.code) for language in PLATFORM_LANGUAGES}


def _set(obj, field, texts):
    for suffix, text in texts.items():
        setattr(obj, f"{field}_{suffix}", text)
    setattr(obj, field, texts["en"])


def _word(code, index):
    return WORDS[code][index]


def _body(code, rng, paragraphs):
    sentence = SENTENCES[code]
    stream = [{"type": "heading", "value": f"{_word(code, 2)}"}]
    for _n in range(paragraphs):
        stream.append({"type": "paragraph", "value": "<p>" + " ".join([sentence] * rng.randint(2, 5)) + "</p>"})
    stream.append({"type": "callout", "value": {"kind": "tip", "title": _word(code, 5), "text": f"<p>{sentence}</p>"}})
    stream.append(
        {"type": "glossary_term", "value": {"term": _word(code, 4), "definition": f"<p>{sentence}</p>"}},
    )
    return stream


class Command(BaseCommand):
    help = "Generate a deterministic benchmark data set (courses ×6 languages, officers, attempts, completions)."

    def add_arguments(self, parser):
        parser.add_argument("--courses", type=int, default=20)
        parser.add_argument("--modules", type=int, default=4, help="modules per course")
        parser.add_argument("--lessons", type=int, default=6, help="lessons per module")
        parser.add_argument("--questions", type=int, default=10, help="questions per quiz")
        parser.add_argument("--time-limit", type=int, default=30, help="quiz time limit in minutes (0: none)")
        parser.add_argument("--officers", type=int, default=2000)
        parser.add_argument("--enrolments", type=int, default=3, help="courses per officer (the first included)")
        parser.add_argument("--attempts", type=int, default=100, help="finished quiz attempts (through the engine)")
        parser.add_argument("--completions", type=float, default=0.1, help="share of enrolments completed")
        parser.add_argument("--certificates", type=int, default=20, help="certificates issued (PDF and credential)")
        parser.add_argument("--password", default=DEFAULT_PASSWORD)
        parser.add_argument("--seed", type=int, default=20261122)
        parser.add_argument("--force", action="store_true", help="run even if the database has other users")

    def handle(self, *args, **options):
        from accounts.models import User
        from courses.models import CoursePage

        others = User.objects.exclude(email__endswith=f"@{BENCH_DOMAIN}").count()
        if others and not options["force"]:
            raise CommandError(
                f"This database has {others} users that are not generated: refusing to seed it "
                "(use a dedicated benchmark database, or --force)."
            )
        if CoursePage.objects.filter(slug="bench-course-000").exists():
            raise CommandError("Benchmark data is already there (bench-course-000): use a fresh database.")
        rng = random.Random(options["seed"])  # noqa: S311 - deterministic test data, not secrets
        started = time.perf_counter()
        self._quiet_search_index()
        courses, quizzes = self.build_courses(rng, options)
        self.stdout.write(f"courses: {len(courses)} in {time.perf_counter() - started:.1f} s")
        users = self.build_officers(options)
        enrolments = self.build_enrolments(rng, courses, users, options)
        self.stdout.write(f"officers: {len(users)}, enrolments: {enrolments} in {time.perf_counter() - started:.1f} s")
        attempts = self.build_attempts(rng, quizzes[0], users[: options["attempts"]], options)
        completions = self.build_completions(rng, courses, options)
        certificates = self.issue_certificates(courses[0], options["certificates"])
        self.stdout.write(
            f"attempts: {attempts}, completions: {completions}, certificates: {len(certificates)}; "
            f"done in {time.perf_counter() - started:.1f} s (seed {options['seed']})"
        )

    @staticmethod
    def _quiet_search_index():
        """Generated pages need no search index (the largest part of creating pages)."""
        from wagtail.search import signal_handlers

        for model in ("courses.CoursePage", "courses.ModulePage", "courses.LessonPage", "assessments.QuizPage"):
            post_save.disconnect(signal_handlers.post_save_signal_handler, sender=model)
            post_delete.disconnect(signal_handlers.post_delete_signal_handler, sender=model)

    # Content ----------------------------------------------------------------------------------
    @transaction.atomic
    def build_courses(self, rng, options):
        from courses.demo.loader import ensure_catalogue
        from courses.models import CoursePage, LessonPage, ModulePage
        from courses.signals import refresh_available_languages
        from elearning.languages import PLATFORM_LANGUAGES

        catalogue = ensure_catalogue()
        courses, quizzes = [], []
        for c in range(options["courses"]):
            course = CoursePage(
                slug=f"bench-course-{c:03d}",
                estimated_hours=Decimal(4 + c % 6),
                audience_police=c % 3 == 0,
                audience_prosecutors=c % 3 == 1,
                audience_judges=c % 3 == 2 or c == 0,
                sequential=c % 2 == 1,
                validity_months=24 if c % 4 == 0 else None,
            )
            _set(course, "title", _six(lambda code, c=c: f"{_word(code, 0)} {c:03d}"))
            _set(course, "summary", _six(lambda code: SENTENCES[code]))
            _set(course, "learning_objectives", _six(lambda code: "\n".join([SENTENCES[code]] * 3)))
            catalogue.add_child(instance=course)
            course.save_revision().publish()
            for m in range(options["modules"]):
                module = ModulePage(slug=f"module-{m + 1}", estimated_minutes=45)
                _set(module, "title", _six(lambda code, m=m: f"{_word(code, 1)} {m + 1}"))
                _set(module, "introduction", _six(lambda code: f"<p>{SENTENCES[code]}</p>"))
                course.add_child(instance=module)
                module.save_revision().publish()
                for n in range(options["lessons"]):
                    lesson = LessonPage(slug=f"lesson-{m + 1}-{n + 1}", estimated_minutes=15)
                    _set(lesson, "title", _six(lambda code, m=m, n=n: f"{_word(code, 2)} {m + 1}.{n + 1}"))
                    _set(lesson, "summary", _six(lambda code: SENTENCES[code]))
                    paragraphs = rng.randint(4, 10)
                    for language in PLATFORM_LANGUAGES:
                        setattr(
                            lesson,
                            f"body_{language.field_suffix}",
                            json.dumps(_body(language.code, random.Random(rng.random()), paragraphs)),  # noqa: S311
                        )
                    lesson.body = getattr(lesson, "body_en")  # noqa: B009
                    module.add_child(instance=lesson)
                    lesson.save_revision().publish()
                if m == options["modules"] - 1:
                    quizzes.append(self.build_quiz(course, module, c, options))
            refresh_available_languages(CoursePage.objects.get(pk=course.pk))
            courses.append(CoursePage.objects.get(pk=course.pk))
        return courses, quizzes

    def build_quiz(self, course, module, c, options):
        from assessments.models import Choice, Question, QuestionCategory, QuizPage, QuizSlot

        category = QuestionCategory(slug=f"bench-{c:03d}")
        _set(category, "name", _six(lambda code: f"{_word(code, 3)} {c:03d}"))
        category.save()
        quiz = QuizPage(
            slug="final-quiz",
            time_limit_minutes=options["time_limit"],
            pass_mark=Decimal("60"),
            max_attempts=0,
        )
        _set(quiz, "title", _six(lambda code: f"{_word(code, 3)} {c:03d}"))
        _set(quiz, "introduction", _six(lambda code: SENTENCES[code]))
        kinds = ["single", "multiple", "truefalse"]
        for q in range(options["questions"]):
            kind = kinds[q % len(kinds)]
            question = Question(category=category, name=f"Q{q + 1}", qtype=kind)
            _set(question, "text", _six(lambda code, q=q: f"{_word(code, 4)} {q + 1}: {SENTENCES[code]}"))
            question.save()
            for order in range(2 if kind == "truefalse" else 4):
                fraction = "1" if order == 0 else ("0.5" if kind == "multiple" and order == 1 else "0")
                if kind == "multiple" and order == 0:
                    fraction = "0.5"
                choice = Choice(question=question, sort_order=order, fraction=Decimal(fraction))
                _set(choice, "text", _six(lambda code, order=order: f"{_word(code, 5)} {order + 1}"))
                _set(choice, "feedback", _six(lambda code: ""))
                choice.save()
            quiz.slots.add(QuizSlot(sort_order=q, question=question))
        module.add_child(instance=quiz)
        quiz.save_revision().publish()
        return QuizPage.objects.get(pk=quiz.pk)

    # Learners ---------------------------------------------------------------------------------
    def build_officers(self, options):
        from accounts.models import User

        password = make_password(options["password"])
        professions = ["police", "prosecution", "judiciary", "other"]
        languages = ["en", "fr", "es", "ru", "ar", "zh-hans"]
        User.objects.bulk_create(
            [
                User(
                    email=f"officer{n:05d}@{BENCH_DOMAIN}",
                    password=password,
                    full_name=f"Officer {n:05d}",
                    profession=professions[n % 4],
                    preferred_language=languages[n % 6],
                )
                for n in range(options["officers"])
            ],
            batch_size=BATCH,
        )
        return list(User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").order_by("email"))

    def build_enrolments(self, rng, courses, users, options):
        from courses.tree import live_lessons_by_course
        from learning.models import Enrolment, LessonProgress

        lessons = {
            course_id: [lesson.pk for lesson in course_lessons]
            for course_id, course_lessons in live_lessons_by_course(courses).items()
        }
        now = timezone.now()
        rows = []
        for user in users:
            picked = [courses[0]] + rng.sample(courses[1:], min(len(courses) - 1, options["enrolments"] - 1))
            for course in picked:
                rows.append(
                    Enrolment(
                        user_id=user.pk,
                        course_id=course.pk,
                        enrolled_at=now - timedelta(days=rng.randint(1, 300)),
                        cycle_started_at=now - timedelta(days=300),
                        last_activity_at=now - timedelta(days=rng.randint(1, 30)),
                        seconds_spent=rng.randint(0, 20000),
                    )
                )
        Enrolment.objects.bulk_create(rows, batch_size=BATCH)
        progress = []
        for enrolment in Enrolment.objects.order_by("pk").values("pk", "course_id"):
            course_lessons = lessons[enrolment["course_id"]]
            done = rng.randint(0, max(0, len(course_lessons) - 2))
            for lesson_id in course_lessons[:done]:
                progress.append(
                    LessonProgress(
                        enrolment_id=enrolment["pk"],
                        lesson_id=lesson_id,
                        cycle=1,
                        first_viewed_at=now,
                        last_viewed_at=now,
                        completed_at=now,
                    )
                )
            if len(progress) >= BATCH * 5:
                LessonProgress.objects.bulk_create(progress, batch_size=BATCH)
                progress = []
        LessonProgress.objects.bulk_create(progress, batch_size=BATCH)
        return len(rows)

    def build_attempts(self, rng, quiz, users, options):
        """Finished attempts through the engine (items, grading, reports into learning), deterministic answers."""
        from assessments import engine

        for user in users:
            attempt, _created = engine.start_attempt(user, quiz, rng=random.Random(rng.random()))  # noqa: S311
            answers = {}
            for item in attempt.items.select_related("version"):
                ids = [str(choice["id"]) for choice in item.version.data["choices"]]
                pick = ids[rng.randrange(len(ids))]
                answers[str(item.position)] = [pick] if item.version.data["type"] == "multiple" else pick
            engine.save_answers(attempt.pk, user, 1, answers)
            engine.submit_attempt(attempt.pk, user)
        return len(users)

    def build_completions(self, rng, courses, options):
        """Completion snapshots for a share of the enrolments (bulk: the rules are benchmarked elsewhere)."""
        from learning.models import CourseCompletion, Enrolment

        by_pk = {course.pk: course for course in courses}
        now = timezone.now()
        enrolments = list(Enrolment.objects.order_by("pk").values_list("pk", "user_id", "course_id"))
        chosen = rng.sample(enrolments, int(len(enrolments) * options["completions"]))
        CourseCompletion.objects.bulk_create(
            [
                CourseCompletion(
                    enrolment_id=pk,
                    user_id=user_id,
                    course_id=course_id,
                    cycle=1,
                    course_title=by_pk[course_id].title,
                    course_revision_id=by_pk[course_id].live_revision_id,
                    language="en",
                    completed_at=now - timedelta(days=rng.randint(0, 200)),
                    score=Decimal(rng.randint(60, 100)),
                    hours=by_pk[course_id].estimated_hours,
                )
                for pk, user_id, course_id in chosen
            ],
            batch_size=BATCH,
        )
        return len(chosen)

    def issue_certificates(self, course, count):
        """An academy accrediting the exam course (every officer a member, so completions issue certificates by
        themselves), and ``count`` certificates issued now for its completions."""
        from accounts.models import User
        from certificates.models import Accreditation
        from certificates.services import issue_certificate
        from learning.models import CourseCompletion
        from organisations.models import Academy, Membership, Signatory

        academy = Academy(slug="bench-academy", country="NG")
        _set(academy, "name", _six(lambda code: f"{_word(code, 0)} Academy"))
        academy.save()
        Signatory.objects.create(academy=academy, name="Bench Signatory", title="Commandant", sort_order=0)
        accreditation = Accreditation.objects.create(
            academy=academy,
            number="BENCH-001",
            course=course,
            contact_hours=course.estimated_hours,
            valid_from=timezone.localdate() - timedelta(days=365),
        )
        officers = User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").values_list("pk", flat=True)
        Membership.objects.bulk_create(
            [Membership(academy=academy, user_id=pk, role="officer") for pk in officers], batch_size=BATCH
        )
        completions = CourseCompletion.objects.filter(course=course).select_related("user", "course").order_by("pk")
        return [issue_certificate(completion, accreditation)[0].code for completion in completions[: max(0, count)]]
