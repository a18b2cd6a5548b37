#!/usr/bin/env bash
# Every .po catalog complete: no untranslated and no fuzzy messages.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
status=0
for po in locale/*/LC_MESSAGES/django.po; do
  stats=$(msgfmt --check --statistics -o /dev/null "$po" 2>&1)
  case "$stats" in
    *untranslated*|*fuzzy*) echo "Incomplete catalog $po: $stats" >&2; status=1 ;;
  esac
done
[ $status -eq 0 ] && echo "Translation catalogs complete."
exit $status
