"""Development: SQLite by default, console e-mail, debug on. Never use in production."""

import os

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "dev-only-insecure-key-change-me"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_AUTOREFRESH = True
# Pages on 127.0.0.1, packaged activities on localhost (another origin reaching the same server).
CUSTODIA_CONTENT_ORIGIN = CUSTODIA_CONTENT_ORIGIN or "http://localhost:8000"  # noqa: F405
