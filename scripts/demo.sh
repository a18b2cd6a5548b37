#!/usr/bin/env bash
# One command from a fresh clone to the demo site at http://127.0.0.1:8000 (SQLite).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DJANGO_SETTINGS_MODULE=elearning.settings.dev
# migrate also adds the translated columns of Wagtail's page table; its SQL listing is noise here.
.venv/bin/python manage.py migrate --noinput -v 0 > /dev/null
.venv/bin/python manage.py load_demo
echo "Serving the demo at http://127.0.0.1:8000/ (Ctrl+C to stop)"
exec .venv/bin/python manage.py runserver 127.0.0.1:8000
