#!/usr/bin/env bash
# Exam-start load test of the multi-process deployment, on this machine, in one command:
#   bash bench/loadtest.sh                 # 300 officers, two app processes, one RQ worker
#   USERS=50 SPAWN_RATE=5 bash bench/loadtest.sh
#
# Starts (and stops afterwards) what is not already running: PostgreSQL, Redis. Then, with the
# production settings: a dedicated database (custodia_load, dropped and re-created), Redis database
# $REDIS_DB (flushed), collectstatic, seeded officers enrolled on a course with a quiz, two gunicorn
# app processes on $PORTS and one RQ worker (with its scheduler). Locust (bench/locustfile.py,
# headless, loopback only, bounded by $RUN_TIME) signs the officers in, then they all open the same
# quiz, answer and submit, spread over both app processes. Afterwards it prints requests per
# second, p50/p95/p99 and errors, checks that every submitted attempt is in the database exactly
# once, and that the worker issued certificates, wrote an export and finished abandoned (timed-out) attempts.
set -euo pipefail
cd "$(dirname "$0")/.."

USERS=${USERS:-300}
SPAWN_RATE=${SPAWN_RATE:-2}         # sign-ins per second before the exam (PBKDF2 costs ~0.5-1.5 s of CPU each)
RUN_TIME=${RUN_TIME:-15m}           # hard bound; the test ends by itself when every officer has submitted
PORTS=${PORTS:-"8001 8002"}
WORKERS=${WORKERS:-2}               # gunicorn workers per app process
THREADS=${THREADS:-4}               # threads per worker
DB_NAME=${DB_NAME:-custodia_load}
REDIS_DB=${REDIS_DB:-5}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
OUT=${OUT:-/tmp/custodia-load}
case "$DB_NAME" in custodia|test_custodia) echo "Refusing the database $DB_NAME" >&2; exit 2 ;; esac

PY=.venv/bin/python
mkdir -p "$OUT" && rm -f "$OUT"/*.log "$OUT"/*.json "$OUT"/*.csv
export DJANGO_SETTINGS_MODULE=elearning.settings.production
DJANGO_SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_SECRET_KEY
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL="$PG_URL/$DB_NAME"
export REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB"
export DJANGO_MEDIA_ROOT="$OUT/media"
export DJANGO_LOG_LEVEL=WARNING

pids=()
started_pg="" started_redis=""
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$started_redis" ]; then redis-cli -p 6379 shutdown nosave >/dev/null 2>&1 || true; fi
  if [ -n "$started_pg" ]; then pg_ctlcluster --skip-systemctl-redirect "$started_pg" main stop || true; fi
}
trap cleanup EXIT

if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  started_pg=$(ls /etc/postgresql)
  echo "== Starting PostgreSQL $started_pg"
  pg_ctlcluster --skip-systemctl-redirect "$started_pg" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "== Starting Redis"
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save "" --appendonly no >/dev/null
  started_redis=1
  for _ in $(seq 1 30); do redis-cli -p 6379 ping >/dev/null 2>&1 && break; sleep 0.2; done
fi

echo "== Database $DB_NAME, Redis db $REDIS_DB, $USERS officers"
psql "$PG_URL/postgres" -q -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" -c "CREATE DATABASE $DB_NAME"
redis-cli -n "$REDIS_DB" flushdb >/dev/null
$PY manage.py migrate --noinput -v 0 >"$OUT/migrate.log"
$PY manage.py collectstatic --noinput -v 0
$PY manage.py seed_bench_data --courses 2 --modules 2 --lessons 3 --questions 10 --officers "$USERS" \
  --enrolments 2 --attempts 0 --completions 0 --certificates 0 --time-limit 30
QUIZ_URL=$($PY manage.py shell --no-imports -c "
from assessments.models import QuizPage
from courses.models import CoursePage
print(QuizPage.objects.descendant_of(CoursePage.objects.get(slug='bench-course-000')).get().url)")
echo "   exam quiz: $QUIZ_URL"

echo "== App processes on ports $PORTS ($WORKERS workers x $THREADS threads each) and one RQ worker"
hosts=()
for port in $PORTS; do
  .venv/bin/gunicorn elearning.wsgi:application --bind "127.0.0.1:$port" --workers "$WORKERS" \
    --threads "$THREADS" --timeout 60 --keep-alive 75 --access-logfile "$OUT/access-$port.log" \
    --error-logfile "$OUT/gunicorn-$port.log" &
  pids+=($!)
  hosts+=("http://127.0.0.1:$port")
done
$PY manage.py rqworker default --with-scheduler --job-class django_tasks_rq.backend.Job >"$OUT/worker.log" 2>&1 &
pids+=($!)
for port in $PORTS; do
  for _ in $(seq 1 60); do
    curl -fsS "http://127.0.0.1:$port/healthz" -H "X-Forwarded-Proto: https" >/dev/null 2>&1 && break
    sleep 1
  done
  curl -fsS "http://127.0.0.1:$port/healthz" -H "X-Forwarded-Proto: https" >/dev/null
done
# Static files: hashed names, pre-compressed, cached for ever.
css=$(curl -fsS "http://127.0.0.1:${PORTS%% *}/en/accounts/login/" -H "X-Forwarded-Proto: https" |
  grep -o '/static/css/site\.[0-9a-f]*\.css' | head -1)
echo "   $css: $(curl -sSI -H 'Accept-Encoding: br, gzip' -H 'X-Forwarded-Proto: https' "http://127.0.0.1:${PORTS%% *}$css" |
  grep -iE '^(cache-control|content-encoding):' | tr -d '\r' | tr '\n' ' ')"

echo "== Abandoned attempts (1-minute quiz, left open): the worker's scheduler must finish them"
$PY manage.py shell --no-imports -c "
from accounts.models import User
from assessments import engine
from assessments.models import QuizPage
from courses.models import CoursePage
quiz = QuizPage.objects.descendant_of(CoursePage.objects.get(slug='bench-course-001')).get()
QuizPage.objects.filter(pk=quiz.pk).update(time_limit_minutes=1)
quiz.refresh_from_db()
for user in User.objects.filter(email__endswith='@bench.invalid').order_by('email')[:5]:
    engine.start_attempt(user, quiz)
print('   5 attempts started on', quiz.url)"

echo "== Locust: $USERS officers sign in ($SPAWN_RATE/s), then take the exam (bound: $RUN_TIME)"
load_start=$(date +%s)
LOAD_HOSTS=$(IFS=,; echo "${hosts[*]}") EXAM_QUIZ_URL="$QUIZ_URL" \
  LOAD_SUBMITTED="$OUT/submitted.json" LOAD_SIGN_IN_STATS="$OUT/sign-in.json" \
  .venv/bin/locust -f bench/locustfile.py --headless --only-summary -u "$USERS" -r "$SPAWN_RATE" \
  --run-time "$RUN_TIME" --host "${hosts[0]}" --csv "$OUT/locust" --loglevel WARNING >"$OUT/locust.log" 2>&1 || true
echo "   finished in $(( $(date +%s) - load_start )) s; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== Certificates: five officers finish the course; the worker issues their certificates"
$PY manage.py shell --no-imports -c "
from accounts.models import User
from courses.models import CoursePage
from learning import services
course = CoursePage.objects.get(slug='bench-course-000')
for user in User.objects.filter(email__endswith='@bench.invalid').order_by('-email')[:5]:
    for lesson in services.ordered_lessons(course):
        services.complete_lesson(user, lesson, language='en')
print('   5 completions recorded')"

echo "== Export: an academy administrator asks for an XLSX of the completions; the worker writes it"
$PY manage.py shell --no-imports -c "
from academies import exports, jobs
from academies.models import Academy, Membership
from accounts.models import User
academy = Academy.objects.get(slug='bench-academy')
admin, _ = User.objects.get_or_create(email='load-admin@bench.invalid', defaults={'full_name': 'Load Admin'})
Membership.objects.get_or_create(academy=academy, user=admin, defaults={'role': 'admin'})
from django.db import transaction
with transaction.atomic():
    job = jobs.start_export(admin, academy, 'xlsx', exports.Filters())
print('   export job', job.uuid, 'queued:', job.total, 'records')"

echo "== Results"
$PY - "$OUT" "$QUIZ_URL" <<'EOF'
import csv, json, os, sys, time
from pathlib import Path
out, quiz_url = Path(sys.argv[1]), sys.argv[2]
rows = list(csv.DictReader((out / "locust_stats.csv").open()))
sign_in = json.loads((out / "sign-in.json").read_text()) if (out / "sign-in.json").exists() else {}
print(f"{'request':<16}{'count':>7}{'errors':>8}{'rps':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}")
for name, s in sign_in.items():
    print(f"{name:<16}{s['requests']:>7}{s['failures']:>8}{'':>8}{s['median_ms']:>8.0f}{s['p95_ms']:>8.0f}{s['p99_ms']:>8.0f}")
for row in rows:
    if row["Request Count"] == "0":
        continue  # the sign-in rows, emptied when the exam started (shown above)
    print(f"{row['Name']:<16}{row['Request Count']:>7}{row['Failure Count']:>8}{float(row['Requests/s']):>8.1f}"
          f"{row['50%']:>8}{row['95%']:>8}{row['99%']:>8}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elearning.settings.production")
sys.path.insert(0, ".")
import django
django.setup()
from assessments.models import Attempt, QuizPage
from certificates.models import Certificate
from learning.models import CourseCompletion
from courses.models import CoursePage
submitted = json.loads((out / "submitted.json").read_text()) if (out / "submitted.json").exists() else {}
exam = QuizPage.objects.descendant_of(CoursePage.objects.get(slug="bench-course-000")).get()
problems = []
for email, uuids in submitted.items():
    stored = list(Attempt.objects.filter(quiz=exam, user__email=email).values_list("uuid", "state"))
    if len(set(uuids)) != 1 or len(stored) != 1 or str(stored[0][0]) != uuids[0] or stored[0][1] != "finished":
        problems.append((email, uuids, stored))
finished = Attempt.objects.filter(quiz=exam, state="finished").count()
doubles = sum(1 for uuids in submitted.values() if len(uuids) > 1)
print(f"\nsubmitted attempts: {len(submitted)} officers ({doubles} double submissions); finished in the database: "
      f"{finished}; lost or duplicated: {len(problems) + abs(finished - len(submitted))}")
for problem in problems[:10]:
    print("   PROBLEM", problem)
abandoned = Attempt.objects.exclude(quiz=exam)
deadline = time.time() + 120
while abandoned.filter(state="in_progress").exists() and time.time() < deadline:
    time.sleep(2)
print(f"abandoned attempts finished by the worker: {abandoned.filter(finish_reason='timed_out').count()} of "
      f"{abandoned.count()}")
completions = CourseCompletion.objects.filter(course__slug="bench-course-000")
deadline = time.time() + 120
while Certificate.objects.filter(completion__in=completions).count() < completions.count() and time.time() < deadline:
    time.sleep(2)
print(f"certificates issued by the worker: {Certificate.objects.filter(completion__in=completions).count()} of "
      f"{completions.count()} completions")
from academies.models import ExportJob
deadline = time.time() + 120
while ExportJob.objects.filter(status__in=["pending", "running"]).exists() and time.time() < deadline:
    time.sleep(2)
for job in ExportJob.objects.all():
    print(f"export written by the worker: {job.get_status_display()}, {job.done} of {job.total} records, "
          f"file {job.file.name or '-'}")
EOF
echo "   (logs and Locust CSVs in $OUT)"
