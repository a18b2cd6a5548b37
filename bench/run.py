"""`make bench`: server time, SQL queries and page weight of the pages officers use most, plus PDF and
signing rates, on a generated data set in a separate benchmark database.

    .venv/bin/python bench/run.py                          # SQLite file /tmp/custodia-bench.sqlite3
    .venv/bin/python bench/run.py --courses 20 --officers 5000 --samples 100
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/custodia_bench .venv/bin/python bench/run.py
    .venv/bin/python bench/run.py --reuse                  # keep the database seeded by the last run

The database is dropped and rebuilt (``migrate`` + ``manage.py seed_bench_data``) unless ``--reuse``
finds one seeded with the same options. It never touches the developer's ``db.sqlite3`` nor the
``custodia`` / ``test_custodia`` PostgreSQL databases (it refuses them). Requests go through Django's
test Client in-process (routing, middleware, Wagtail, templates, the database: everything but the
network), with the test settings. Results are printed as a table and written to
``bench/results/bench-<database>-<time>.json``; the previous run's figures are shown beside them.
"""

import argparse
import contextlib
import gzip
import io
import json
import logging
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
DEFAULT_URL = "sqlite:////tmp/custodia-bench.sqlite3"
FORBIDDEN = {"custodia", "test_custodia"}
BUDGET_FIRST_KB, BUDGET_REPEAT_KB = 60, 15


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--courses", type=int, default=8)
    parser.add_argument("--officers", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=60, help="timed requests per page")
    parser.add_argument("--pdfs", type=int, default=4, help="PDFs per language")
    parser.add_argument("--signatures", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--reuse", action="store_true", help="reuse the database if seeded with the same options")
    return parser.parse_args()


def check_target(url):
    parsed = urlparse(url)
    if parsed.scheme.startswith("sqlite"):
        path = Path(parsed.path)
        if path.resolve() == (ROOT / "db.sqlite3").resolve():
            sys.exit("bench: refusing the developer's db.sqlite3; use another file")
        return "sqlite", path
    name = parsed.path.lstrip("/")
    if name in FORBIDDEN or not name:
        sys.exit(f"bench: refusing the database {name!r}; use a dedicated one such as custodia_bench")
    return "postgres", name


def recreate(url, kind, target):
    if kind == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    parsed = urlparse(url)
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{target}"')


def summary(samples, counts):
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 2),
        "queries_median": statistics.median(counts),
        "queries_min": min(counts),
        "queries_max": max(counts),
    }


class Timer:
    """Times ``fn(i)`` (a test-client call) ``warm + n`` times, counting SQL queries; the warm-up is dropped."""

    def __init__(self, connection):
        self.connection = connection

    def run(self, fn, n, warm=3, expect=(200,), prepare=None):
        from django.db import reset_queries
        from django.test.utils import CaptureQueriesContext

        samples, counts = [], []
        for i in range(warm + n):
            if prepare is not None:
                prepare(i)  # e.g. sign the officer in: not part of the request's time
            reset_queries()
            with CaptureQueriesContext(self.connection) as captured:
                start = time.perf_counter()
                response = fn(i)
                elapsed = (time.perf_counter() - start) * 1000
            if response.status_code not in expect:
                raise AssertionError(f"{response.status_code} for {response.request['PATH_INFO']}")
            if i >= warm:
                samples.append(elapsed)
                counts.append(len(captured))
        return summary(samples, counts)


# Page weight -------------------------------------------------------------------------------------
ASSET = re.compile(r"""<(?:link[^>]*\brel=["']stylesheet["'][^>]*\bhref|script[^>]*\bsrc)=["']([^"']+)["']""")


def compressed(data, html):
    import brotli

    # HTML is compressed on the fly (proxy defaults); static files ahead of time at the highest levels (WhiteNoise).
    return {
        "raw": len(data),
        "gzip": len(gzip.compress(data, 6 if html else 9)),
        "brotli": len(brotli.compress(data, quality=5 if html else 11)),
    }


def page_weight(html):
    from django.conf import settings
    from django.contrib.staticfiles import finders

    assets, missing = {}, []
    for url in dict.fromkeys(ASSET.findall(html)):
        path = urlparse(url).path
        if not path.startswith(settings.STATIC_URL):
            missing.append(url)  # not a static file (none expected: H5P and media are excluded)
            continue
        found = finders.find(path[len(settings.STATIC_URL) :])
        if found is None:
            missing.append(url)
            continue
        assets[path] = compressed(Path(found).read_bytes(), html=False)
    page = compressed(html.encode(), html=True)
    first = {key: page[key] + sum(asset[key] for asset in assets.values()) for key in page}
    return {
        "html": page,
        "assets": assets,
        "unresolved": missing,
        "first_visit": first,
        "repeat_visit": page,  # hashed static names with far-future caching: only the HTML again
        "within_budget": first["gzip"] <= BUDGET_FIRST_KB * 1024 and page["gzip"] <= BUDGET_REPEAT_KB * 1024,
    }


# Certificates ------------------------------------------------------------------------------------
def certificate_rates(pdfs, signatures):
    from cryptography.hazmat.primitives.asymmetric import ec

    from academies.preview import sample_certificate
    from certificates import jose, pdf
    from organisations.models import Academy

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # CSS it ignores, once per PDF: not news
    academy = Academy(slug="bench", name="Bench Academy", name_en="Bench Academy")
    pdf.render_pdf(sample_certificate(academy, "en"), academy=academy)  # fonts warm
    rates = {}
    for language in ("en", "ar", "zh-hans"):
        certificate = sample_certificate(academy, language)
        start = time.perf_counter()
        for _ in range(pdfs):
            pdf.render_pdf(certificate, academy=academy)
        rates[f"pdf_per_s_{language}"] = round(pdfs / (time.perf_counter() - start), 2)
    key = ec.generate_private_key(ec.SECP256R1())
    payload = {"type": ["VerifiableCredential", "OpenBadgeCredential"], "credentialSubject": {"name": "x" * 300}}
    start = time.perf_counter()
    for n in range(signatures):
        jose.sign({**payload, "jti": f"urn:uuid:{n}"}, key, {"typ": "JWT", "kid": "bench"})
    rates["es256_signatures_per_s"] = round(signatures / (time.perf_counter() - start))
    return rates


# The measurements -------------------------------------------------------------------------------
def measure_pages(samples, seed):
    import random

    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from assessments import engine
    from assessments.models import Attempt, QuizPage
    from certificates.models import Certificate
    from courses.models import CourseIndexPage, CoursePage
    from courses.tree import live_lessons
    from learning.models import Enrolment
    from learning.state import load_course_state

    rng = random.Random(seed)
    timer = Timer(connection)
    client = Client()
    officers = list(User.objects.filter(email__endswith="@bench.invalid").order_by("pk"))
    catalogue = CourseIndexPage.objects.get()
    exam_course = CoursePage.objects.get(slug="bench-course-000")
    quiz = QuizPage.objects.descendant_of(exam_course).get()
    results, weights = {}, {}

    def as_officer(i):
        client.force_login(officers[(i * 7919) % len(officers)])

    def get(url):
        return lambda i: client.get(url(i) if callable(url) else url)

    results["catalogue"] = timer.run(get(catalogue.url), samples, prepare=as_officer)

    courses = list(CoursePage.objects.live().order_by("path"))
    results["course page"] = timer.run(get(lambda i: courses[i % len(courses)].url), samples, prepare=as_officer)

    # Lessons: sampled enrolments, each officer's first lesson not yet completed (a view is recorded).
    enrolments = list(Enrolment.objects.select_related("user").order_by("pk"))
    picked = rng.sample(enrolments, min(len(enrolments), samples + 3))
    state_cache = {}
    lesson_urls = []
    for enrolment in picked:
        course = state_cache.setdefault(enrolment.course_id, CoursePage.objects.get(pk=enrolment.course_id))
        state = load_course_state(enrolment.user, course, live_lessons(course))
        lesson_urls.append((enrolment.user, state.first_incomplete_lesson.specific.url))

    results["lesson"] = timer.run(
        lambda i: client.get(lesson_urls[i][1]), samples, prepare=lambda i: client.force_login(lesson_urls[i][0])
    )
    client.force_login(lesson_urls[0][0])
    weights["lesson"] = page_weight(client.get(lesson_urls[0][1]).content.decode())

    results["dashboard"] = timer.run(get("/en/learning/"), samples, prepare=as_officer)

    # Quiz: officers without an attempt start one (not timed), then answer saves and submissions are timed.
    fresh = [user for user in officers if not Attempt.objects.filter(user=user, quiz=quiz).exists()]
    takers = fresh[: samples + 3]
    attempts = [engine.start_attempt(user, quiz)[0] for user in takers]
    items = {a.pk: list(a.items.select_related("version").order_by("position")) for a in attempts}
    client.force_login(takers[0])
    weights["quiz attempt"] = page_weight(client.get(quiz.url + f"attempt/{attempts[0].uuid}/").content.decode())

    def answer(item):
        data = item.version.data
        first = str(data["choices"][0]["id"])
        return [first] if data["type"] == "multiple" else first

    def sign_in_taker(i):
        client.force_login(takers[i])

    def save(i):
        attempt = attempts[i]
        item = items[attempt.pk][i % len(items[attempt.pk])]
        url = quiz.url + f"attempt/{attempt.uuid}/save/"
        return client.post(url, {"sequence": "5", "positions": [item.position], f"q{item.position}": answer(item)})

    results["answer save"] = timer.run(save, samples, prepare=sign_in_taker)

    def submit(i):
        attempt = attempts[i]
        data = {"sequence": "6", "positions": [item.position for item in items[attempt.pk]]}
        data.update({f"q{item.position}": answer(item) for item in items[attempt.pk]})
        return client.post(quiz.url + f"attempt/{attempt.uuid}/submit/", data)

    results["quiz submission"] = timer.run(submit, samples, prepare=sign_in_taker)

    codes = list(Certificate.objects.order_by("pk").values_list("code", flat=True))
    client.logout()
    if codes:

        def verify(i):  # one client IP per request: the public rate limit is per IP
            return client.get(f"/en/verify/{codes[i % len(codes)]}/", REMOTE_ADDR=f"10.9.{i // 250}.{i % 250 + 1}")

        results["certificate verification"] = timer.run(verify, samples)
    return results, weights


# Exports ------------------------------------------------------------------------------------------
def export_rates(min_seconds=1.0):
    """Completion export throughput (rows/s) per format over the seeded completions, written to a
    scratch file as ``manage.py export_completions`` does; repeated until ``min_seconds`` have passed.
    The 1,000,000-row runs with their peak memory are ``bench/export_bench.py``."""
    import tempfile

    from academies import exports

    rates = {}
    total = exports.all_completions().count()
    if not total:
        return rates
    with tempfile.TemporaryDirectory() as scratch:
        for fmt in ("csv", "xlsx", "json"):
            rows_written, started = 0, time.perf_counter()
            while time.perf_counter() - started < min_seconds:
                rows = exports.iter_rows(exports.all_completions(), None, exports.Filters())
                exports.write(rows, fmt, f"{scratch}/export.{fmt}")
                rows_written += total
            rates[fmt] = round(rows_written / (time.perf_counter() - started))
    rates["rows"] = total
    return rates


def previous_result(vendor):
    runs = sorted(RESULTS.glob(f"bench-{vendor}-*.json"))
    return json.loads(runs[-1].read_text("utf-8")) if runs else None


def print_table(results, weights, rates, exports, before):
    old = (before or {}).get("pages", {})
    print()
    print(f"{'page / action':<26}{'median ms':>10}{'p95 ms':>9}{'queries':>10}{'n':>5}   previous median")
    for name, row in results.items():
        queries = (
            f"{row['queries_min']}-{row['queries_max']}"
            if row["queries_min"] != row["queries_max"]
            else row["queries_max"]
        )
        prev = f"{old[name]['median_ms']:.2f} ms" if name in old else "-"
        print(f"{name:<26}{row['median_ms']:>10.2f}{row['p95_ms']:>9.2f}{queries!s:>10}{row['n']:>5}   {prev}")
    if exports:
        print(
            f"completion export ({exports['rows']} rows): "
            + ", ".join(f"{fmt} {exports[fmt]:,} rows/s" for fmt in ("csv", "xlsx", "json"))
            + "  (1,000,000 rows and peak memory: bench/export_bench.py)"
        )
    print()
    print(f"page weight (KiB; budget {BUDGET_FIRST_KB} first visit, {BUDGET_REPEAT_KB} repeat, gzip)")
    for name, weight in weights.items():
        first, repeat = weight["first_visit"], weight["repeat_visit"]
        verdict = "within budget" if weight["within_budget"] else "OVER BUDGET"
        print(
            f"  {name:<14} first visit gzip {first['gzip'] / 1024:6.1f}, brotli {first['brotli'] / 1024:6.1f} "
            f"(raw {first['raw'] / 1024:.0f}); repeat gzip {repeat['gzip'] / 1024:5.1f}, "
            f"brotli {repeat['brotli'] / 1024:5.1f}; {len(weight['assets'])} static files: {verdict}"
        )
    print()
    print(
        "certificates: PDFs/s "
        + ", ".join(f"{k.removeprefix('pdf_per_s_')} {v}" for k, v in rates.items() if k.startswith("pdf"))
        + f"; ES256 signatures/s {rates['es256_signatures_per_s']}"
    )


def main():
    args = parse_args()
    kind, target = check_target(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "elearning.settings.test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    options = {"courses": args.courses, "officers": args.officers, "seed": args.seed}
    stamp_file = Path(f"/tmp/custodia-bench-{kind}-{Path(str(target)).name}.json")  # noqa: S108 - a note, no secret
    reused = args.reuse and stamp_file.exists() and json.loads(stamp_file.read_text()) == options
    load_before = os.getloadavg()
    seed_seconds = None
    if not reused:
        connection.close()
        recreate(args.database_url, kind, target)
        print(f"bench: building {kind} database {target} ({options})")
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):  # wagtail-modeltranslation prints its column SQL
            call_command("migrate", "--noinput", verbosity=0)
        call_command(
            "seed_bench_data",
            courses=args.courses,
            officers=args.officers,
            seed=args.seed,
            attempts=min(100, args.officers // 4),
        )
        seed_seconds = round(time.perf_counter() - started, 1)
        stamp_file.write_text(json.dumps(options))
    else:
        print(f"bench: reusing {kind} database {target}")
    results, weights = measure_pages(args.samples, args.seed + 1)
    rates = certificate_rates(args.pdfs, args.signatures)
    export = export_rates()
    load_after = os.getloadavg()
    before = previous_result(connection.vendor)
    print_table(results, weights, rates, export, before)
    print(f"\nload average before {load_before[0]:.2f}, after {load_after[0]:.2f} ({os.cpu_count()} CPUs)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"bench-{connection.vendor}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(
        json.dumps(
            {
                "database": connection.vendor,
                "data": options,
                "seed_seconds": seed_seconds,
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "load_average": {"before": load_before, "after": load_after},
                "pages": results,
                "page_weight": weights,
                "certificates": rates,
                "completion_export_rows_per_s": export,
            },
            indent=1,
        ),
        "utf-8",
    )
    print(f"Wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
