#!/usr/bin/env bash
# The whole test suite: project checks, migrations, catalogs, then pytest (unit and browser tests).
# Uses SQLite unless DATABASE_URL points elsewhere (e.g. postgres://postgres@127.0.0.1:5432/custodia).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DJANGO_SETTINGS_MODULE=elearning.settings.test
echo "== Database: ${DATABASE_URL:-SQLite (default)}"
.venv/bin/python manage.py check --fail-level WARNING
.venv/bin/python manage.py makemigrations --check --dry-run -v 1
.venv/bin/lint-imports --no-cache  # the layer contract (.importlinter); tests/architecture checks the rest
bash scripts/check_catalogs.sh
.venv/bin/python -m courses.demo.validate
.venv/bin/python -m pytest "$@"
