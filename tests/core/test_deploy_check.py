"""The production settings pass Django's deployment checklist and refuse to start without their secrets.

Each case runs ``manage.py`` in a subprocess with ``elearning.settings.production`` and a clean
environment (the test settings of this process are never touched). No database is opened.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
SECRET = "k" * 20 + "-deploy-check-only-" + "x7Qz" * 8  # long and varied enough for check --deploy


def manage(*args, **env):
    base = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "REDIS_", "AWS_"))}
    base.pop("DATABASE_URL", None)
    base["DJANGO_SETTINGS_MODULE"] = "elearning.settings.production"
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


REQUIRED = {
    "DJANGO_SECRET_KEY": SECRET,
    "DJANGO_ALLOWED_HOSTS": "custodia.example.org,content.example.org",
    "DATABASE_URL": "postgres://custodia@db.invalid:5432/custodia",
    "WAGTAILADMIN_BASE_URL": "https://custodia.example.org",
    "CUSTODIA_CONTENT_ORIGIN": "https://content.example.org",
}


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"REDIS_URL": "redis://redis.invalid:6379/0", "AWS_STORAGE_BUCKET_NAME": "custodia-media"},
    ],
    ids=["single-machine", "redis-rq-s3"],
)
def test_deploy_check_passes_with_production_settings(extra):
    result = manage("check", "--deploy", "--fail-level", "WARNING", **REQUIRED, **extra)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_select_redis_rq_and_s3_from_the_environment():
    code = (
        "from django.conf import settings as s;"
        "print(s.CACHES['default']['BACKEND'], s.SESSION_ENGINE, s.TASKS['default']['BACKEND'],"
        " s.STORAGES['default']['BACKEND'], s.STORAGES['staticfiles']['BACKEND'])"
    )
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        **REQUIRED,
        REDIS_URL="redis://redis.invalid:6379/0",
        AWS_STORAGE_BUCKET_NAME="b",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cache",
        "django_tasks_rq.RQBackend",
        "storages.backends.s3.S3Storage",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ]
    local = manage("shell", "--no-imports", "-c", code.replace("s.CACHES['default']['BACKEND'], ", ""), **REQUIRED)
    assert local.returncode == 0, local.stderr
    assert local.stdout.split()[1:] == [
        "django_tasks_db.DatabaseBackend",
        "django.core.files.storage.FileSystemStorage",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ]


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_settings_refuse_to_start_without(missing):
    env = {key: value for key, value in REQUIRED.items() if key != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert f"{missing} must" in result.stderr


@pytest.mark.parametrize(
    ("content_origin", "expected"),
    [("", "learning.E001"), ("https://custodia.example.org", "learning.E002")],
    ids=["unset", "the-platform-itself"],
)
def test_deploy_check_fails_without_a_separate_content_origin(content_origin, expected):
    result = manage("check", "--deploy", **{**REQUIRED, "CUSTODIA_CONTENT_ORIGIN": content_origin})
    assert result.returncode != 0
    assert expected in result.stderr + result.stdout
