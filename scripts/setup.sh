#!/usr/bin/env bash
# Set up everything Custodia needs on a fresh machine; safe to run again (it skips what is done).
#   - Debian packages for PDFs, browser tests and catalogs (installed when running as root)
#   - a Python 3.11 virtual environment with the pinned packages
#   - Ralph (a learning record store) in .venv/lrs, for the LRS forwarding test
#   - front-end packages from npm (`npm ci`)
#   - compiled translation catalogs
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(chromium fonts-noto-core fonts-noto-cjk gettext poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 zbar-tools)
missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Missing Debian packages: ${missing[*]}" >&2
    echo "Install them with: sudo apt-get install ${missing[*]}" >&2
    echo "(the platform runs without them; PDF and browser tests need them)" >&2
  fi
fi

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || { echo "Python 3.11 is required ($PYTHON not found)." >&2; exit 1; }
if [ ! -x .venv/bin/python ]; then
  echo "Creating the virtual environment in .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha256
wanted=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "Installing Python packages (requirements.txt)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements.txt
  echo "$wanted" > "$stamp"
fi

# Ralph, a real learning record store, in its own environment for the LRS forwarding test.
lrs_stamp=.venv/lrs/.requirements.sha256
lrs_wanted=$(sha256sum requirements-lrs.txt | cut -d' ' -f1)
if [ "$(cat "$lrs_stamp" 2>/dev/null)" != "$lrs_wanted" ]; then
  echo "Installing the test LRS (requirements-lrs.txt) in .venv/lrs"
  "$PYTHON" -m venv .venv/lrs
  .venv/lrs/bin/python -m pip install -q -r requirements-lrs.txt
  echo "$lrs_wanted" > "$lrs_stamp"
fi

npm_stamp=node_modules/.package-lock.sha256
npm_wanted=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$npm_stamp" 2>/dev/null)" != "$npm_wanted" ]; then
  command -v npm >/dev/null || { echo "npm is required for the front-end packages." >&2; exit 1; }
  echo "Installing front-end packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$npm_wanted" > "$npm_stamp"
fi

if [ -d locale ]; then
  .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
fi
