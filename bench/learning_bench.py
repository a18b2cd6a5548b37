"""Server time for a lesson view and a progress post, with 50 courses, 2,000 lessons, 10,000 officers.

    .venv/bin/python bench/learning_bench.py                      # SQLite (a throwaway test database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/custodia .venv/bin/python bench/learning_bench.py

Builds a deterministic data set (seeded random; pages with treebeard, learner rows with
bulk_create) in a fresh test database on the server DATABASE_URL names (Django's test-runner
machinery, so the real database is never touched), then times requests through Django's test
Client in-process (URL routing, middleware, Wagtail serving, templates, the database: everything
but the network) and writes JSON to bench/results/. Options: --officers N, --samples N.
"""

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elearning.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

SEED = 20261122
COURSES = 50
MODULES_PER_COURSE = 5
LESSONS_PER_MODULE = 8  # 50 × 5 × 8 = 2,000 lessons
COURSES_PER_OFFICER = 3
BATCH = 5000


def build_courses(rng):
    from decimal import Decimal

    from courses.demo.loader import ensure_catalogue
    from courses.models import CoursePage, LessonPage, ModulePage

    catalogue = ensure_catalogue()
    courses = []
    for c in range(COURSES):
        course = catalogue.add_child(
            instance=CoursePage(
                title=f"Bench course {c:02d}",
                slug=f"bench-course-{c:02d}",
                summary="A generated course.",
                learning_objectives="Measure things",
                estimated_hours=Decimal("4"),
                audience_police=c % 3 == 0,
                audience_prosecutors=c % 3 == 1,
                audience_judges=c % 3 == 2,
                sequential=c % 2 == 0,  # half the courses lock lessons in order
                validity_months=24 if c % 5 == 0 else None,
            )
        )
        for m in range(MODULES_PER_COURSE):
            module = course.add_child(instance=ModulePage(title=f"Module {m + 1}", slug=f"module-{m + 1}"))
            for n in range(LESSONS_PER_MODULE):
                text = "text " * rng.randint(50, 200)
                body = [{"type": "paragraph", "value": f"<p>Lesson {m + 1}.{n + 1}: {text}</p>"}]
                module.add_child(
                    instance=LessonPage(
                        title=f"Lesson {m + 1}.{n + 1}",
                        slug=f"lesson-{m + 1}-{n + 1}",
                        body=json.dumps(body),
                        optional=n == LESSONS_PER_MODULE - 1 and m % 2 == 1,
                    )
                )
        courses.append(course)
    from courses.tree import live_lessons_by_course

    lessons = live_lessons_by_course(courses)
    return courses, lessons


def build_learners(rng, courses, lessons, officers):
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import User
    from learning.models import Enrolment, LessonProgress

    password = make_password("bench-pass-phrase")
    professions = ["police", "prosecution", "judiciary", "other"]
    User.objects.bulk_create(
        [
            User(
                email=f"officer{n:05d}@bench.invalid",
                password=password,
                full_name=f"Officer {n:05d}",
                profession=professions[n % 4],
            )
            for n in range(officers)
        ],
        batch_size=BATCH,
    )
    users = list(User.objects.filter(email__endswith="@bench.invalid").order_by("email").values_list("pk", flat=True))
    now = timezone.now()
    enrolments = []
    for user_id in users:
        for course in rng.sample(courses, COURSES_PER_OFFICER):
            enrolments.append(
                Enrolment(
                    user_id=user_id,
                    course_id=course.pk,
                    enrolled_at=now - timedelta(days=rng.randint(1, 300)),
                    cycle_started_at=now - timedelta(days=300),
                    last_activity_at=now - timedelta(days=rng.randint(0, 30)),
                    seconds_spent=rng.randint(0, 20000),
                )
            )
    Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
    progress = []
    for enrolment in Enrolment.objects.order_by("pk").values("pk", "course_id"):
        course_lessons = lessons[enrolment["course_id"]]
        done = rng.randint(0, len(course_lessons) - 2)  # nobody has finished: completion stays possible
        for lesson in course_lessons[:done]:
            progress.append(
                LessonProgress(
                    enrolment_id=enrolment["pk"],
                    lesson_id=lesson.pk,
                    cycle=1,
                    first_viewed_at=now,
                    last_viewed_at=now,
                    completed_at=now,
                )
            )
        if len(progress) >= BATCH * 4:
            LessonProgress.objects.bulk_create(progress, batch_size=BATCH)
            progress = []
    LessonProgress.objects.bulk_create(progress, batch_size=BATCH)
    return users


def summary(samples):
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 2),
        "mean_ms": round(statistics.fmean(ordered), 2),
        "max_ms": round(ordered[-1], 2),
    }


def measure(samples, seed):
    from django.test import Client

    from courses.models import CoursePage
    from courses.tree import live_lessons
    from learning.models import Enrolment
    from learning.state import load_course_state

    rng = random.Random(seed)
    enrolment_ids = list(Enrolment.objects.order_by("pk").values_list("pk", flat=True))
    picked = Enrolment.objects.filter(pk__in=rng.sample(enrolment_ids, samples)).select_related("user")
    views, posts, view_queries, post_queries, anonymous_urls = [], [], [], [], []
    client = Client()
    courses = {}
    for index, enrolment in enumerate(picked):
        course = courses.setdefault(enrolment.course_id, CoursePage.objects.get(pk=enrolment.course_id))
        state = load_course_state(enrolment.user, course, live_lessons(course))
        lesson = state.first_incomplete_lesson
        lesson = type(lesson).objects.get(pk=lesson.pk)
        client.force_login(enrolment.user)
        url = lesson.url
        post_url = f"/en/learning/lessons/{lesson.pk}/complete/"
        warm = index < 10  # the first requests compile templates: not counted
        reset_queries()  # the query log is capped: start each count from an empty log
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, (url, response.status_code)
        if not warm:
            views.append(elapsed)
            view_queries.append(len(captured))
            if not course.sequential:  # anonymous visitors meet locks in sequential courses
                anonymous_urls.append(url)
        reset_queries()  # the query log is capped: start each count from an empty log
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.post(post_url)
            elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 302, (post_url, response.status_code)
        if not warm:
            posts.append(elapsed)
            post_queries.append(len(captured))
    # The same lessons for an anonymous visitor: what the page costs without any learner state.
    anonymous, anonymous_queries = [], []
    client.logout()
    for url in anonymous_urls:
        reset_queries()  # the query log is capped: start each count from an empty log
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            anonymous.append((time.perf_counter() - start) * 1000)
        anonymous_queries.append(len(captured))
    return {
        "lesson_view": summary(views) | queries(view_queries),
        "progress_post": summary(posts) | queries(post_queries),
        "lesson_view_anonymous": summary(anonymous) | queries(anonymous_queries),
    }


def queries(counts):
    return {"queries_max": max(counts), "queries_median": statistics.median(counts)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()

    from django.db.models.signals import post_delete, post_save
    from django.test.runner import DiscoverRunner
    from wagtail.search import signal_handlers

    from courses.models import LessonPage
    from learning.models import Enrolment, LessonProgress

    setup_test_environment()
    # Generated pages need no search index (the biggest part of creating pages).
    for model in ("courses.CoursePage", "courses.ModulePage", "courses.LessonPage"):
        post_save.disconnect(signal_handlers.post_save_signal_handler, sender=model)
        post_delete.disconnect(signal_handlers.post_delete_signal_handler, sender=model)
    runner = DiscoverRunner(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        rng = random.Random(SEED)
        started = time.perf_counter()
        courses, lessons = build_courses(rng)
        build_learners(rng, courses, lessons, args.officers)
        generated = time.perf_counter() - started
        counts = {
            "courses": len(courses),
            "lessons": LessonPage.objects.filter(path__startswith=courses[0].path[:-4]).count(),
            "officers": args.officers,
            "enrolments": Enrolment.objects.count(),
            "lesson_progress_rows": LessonProgress.objects.count(),
        }
        print(f"Database: {connection.vendor}; generated in {generated:.0f} s: {counts}")
        results = measure(args.samples + 10, SEED + 1)
        for name, figures in results.items():
            print(
                f"{name:<14} median {figures['median_ms']:7.2f} ms   p95 {figures['p95_ms']:7.2f} ms   "
                f"queries ≤ {figures['queries_max']}   (n={figures['n']})"
            )
        out = ROOT / "bench" / "results"
        out.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = out / f"learning-{connection.vendor}-{stamp}.json"
        path.write_text(
            json.dumps(
                {
                    "benchmark": "learning: lesson view and progress post (Django test Client, in-process)",
                    "database": connection.vendor,
                    "python": platform.python_version(),
                    "machine": platform.machine(),
                    "seed": SEED,
                    "data": counts,
                    "generation_seconds": round(generated, 1),
                    "results": results,
                },
                indent=1,
            ),
            "utf-8",
        )
        print(f"Wrote {path.relative_to(ROOT)}")
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()
