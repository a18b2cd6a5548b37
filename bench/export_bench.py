"""Completion exports at scale: 1,000,000 completion records to CSV and XLSX (rows/s, peak RSS).

    .venv/bin/python bench/export_bench.py                        # scratch SQLite file in /tmp
    .venv/bin/python bench/export_bench.py --rows 100000 --formats csv,json
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/custodia_export .venv/bin/python bench/export_bench.py

Builds the data once (migrate, then bulk_create in chunks: officers of one academy, two courses,
ten completion cycles per enrolment) in a scratch database — by default the SQLite file
/tmp/custodia_export.sqlite3, or the PostgreSQL database DATABASE_URL names (use
``custodia_export``, never the real one). Each export then runs in its own fresh process (Django
set up, then the code ``manage.py export_completions --academy bench-academy`` and the background
task run), so the peak RSS reported is that export's alone. Results go to bench/results/.
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = "sqlite:////tmp/custodia_export.sqlite3"
CYCLES = 10
COURSES = 2
CHUNK = 20_000


def _env():
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", SCRATCH)
    env["DJANGO_SETTINGS_MODULE"] = "elearning.settings.test"  # DEBUG off, nothing sent
    if env["DATABASE_URL"].rstrip("/").endswith(("/custodia", "/test_custodia")):
        sys.exit("Refusing to run on the real database: use a scratch one such as custodia_export.")
    return env


def build(rows):
    """Create the data set (idempotent: an existing set of the right size is reused)."""
    os.environ.update(_env())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from decimal import Decimal

    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from courses.demo.loader import load_demo_courses
    from courses.models import CoursePage
    from learning.models import CourseCompletion, Enrolment
    from organisations.models import Academy, Membership, Role

    call_command("migrate", verbosity=0, interactive=False)
    academy, _created = Academy.objects.get_or_create(slug="bench-academy", defaults={"name": "Bench Academy"})
    if CourseCompletion.objects.count() == rows:
        return "reused"
    CourseCompletion.objects.all().delete()
    Enrolment.objects.all().delete()
    Membership.objects.filter(academy=academy).delete()
    User.objects.filter(email__endswith="@bench.invalid").delete()
    if CoursePage.objects.count() < COURSES:
        load_demo_courses(ROOT / "tests" / "fixtures" / "demo_content")
    courses = list(CoursePage.objects.order_by("pk")[:COURSES])
    officers = rows // (CYCLES * COURSES)
    names = ["أحمد المنصوري", "李伟", "María Fernández", "Иван Петров", "=cmd|' /C calc'!A0", "Daniel Okafor"]
    units = ["وحدة الجرائم الإلكترونية", "网络犯罪科", "Cyber", "Homicide", "+Forensics"]
    now = timezone.now()
    for start in range(0, officers, CHUNK):
        users = User.objects.bulk_create(
            User(email=f"o{i}@bench.invalid", full_name=names[i % len(names)], password="!")  # noqa: S106
            for i in range(start, min(start + CHUNK, officers))
        )
        Membership.objects.bulk_create(
            Membership(academy=academy, user=u, role=Role.OFFICER, unit=units[u.pk % len(units)], rank="Inspector")
            for u in users
        )
        enrolments = Enrolment.objects.bulk_create(
            Enrolment(user=u, course=c, cycle=CYCLES) for u in users for c in courses
        )
        titles = {c.pk: c.title for c in courses}
        batch = []
        for e in enrolments:
            for cycle in range(1, CYCLES + 1):
                batch.append(
                    CourseCompletion(
                        enrolment=e,
                        user_id=e.user_id,
                        course_id=e.course_id,
                        cycle=cycle,
                        course_title=titles[e.course_id],
                        language="en",
                        completed_at=now - timezone.timedelta(days=30 * (CYCLES - cycle)),
                        score=Decimal("87.50"),
                        hours=Decimal("12.0"),
                        expires_at=now + timezone.timedelta(days=365 - 30 * (CYCLES - cycle)),
                    )
                )
            if len(batch) >= CHUNK:
                CourseCompletion.objects.bulk_create(batch)
                batch.clear()
        CourseCompletion.objects.bulk_create(batch)
        print(f"  {min(start + CHUNK, officers):,} / {officers:,} officers", flush=True)
    return "built"


def export_in_child(fmt, output):
    """Runs in a fresh process: the code path of ``export_completions --academy bench-academy``."""
    os.environ.update(_env())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from academies import exports
    from core.visibility import visible
    from learning.models import CourseCompletion
    from organisations.access import InAcademy
    from organisations.models import Academy

    academy = Academy.objects.get(slug="bench-academy")
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    completions = visible(InAcademy(academy=academy), CourseCompletion, "export")
    rows = exports.iter_rows(completions, academy, exports.Filters())
    exports.write(rows, fmt, output)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "baseline_rss_mb": baseline, "peak_rss_mb": peak}))


def export(fmt, output):
    """One export in a child process; returns its timings and peak RSS (MB)."""
    done = subprocess.run(  # noqa: S603 - this script
        [sys.executable, __file__, "--export", fmt, str(output)],
        env=_env(),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--formats", default="csv,xlsx")
    args = parser.parse_args()
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 - building in a child keeps this process's memory out of the picture
        [sys.executable, __file__, "--build-only", str(args.rows)], env=_env(), check=True, stdout=subprocess.DEVNULL
    )
    print(f"data: {args.rows:,} completions ready in {time.perf_counter() - started:.0f} s", flush=True)
    results = {
        "rows": args.rows,
        "database": _env()["DATABASE_URL"].split("@")[-1],
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "formats": {},
    }
    for fmt in args.formats.split(","):
        output = Path(tempfile.gettempdir()) / f"custodia_export_bench.{fmt}"
        measured = export(fmt, output)
        seconds, rss, baseline = measured["seconds"], measured["peak_rss_mb"], measured["baseline_rss_mb"]
        results["formats"][fmt] = {
            "seconds": round(seconds, 1),
            "rows_per_second": round(args.rows / seconds),
            "peak_rss_mb": round(rss, 1),
            "rss_after_django_setup_mb": round(baseline, 1),
            "file_mb": round(output.stat().st_size / 1e6, 1),
        }
        print(
            f"{fmt}: {args.rows / seconds:,.0f} rows/s, peak RSS {rss:.0f} MB "
            f"({baseline:.0f} MB after Django set-up), {output.stat().st_size / 1e6:.0f} MB file",
            flush=True,
        )
        output.unlink()
    out = ROOT / "bench" / "results" / "export_bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--export":
        export_in_child(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "--build-only":
        print(build(int(sys.argv[2])))
        print(f"builder peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    else:
        main()
