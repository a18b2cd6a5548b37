"""Settings shared by every environment. Secrets and the database come from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from elearning.languages import DEFAULT_LANGUAGE, LANGUAGE_CODES, django_languages

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    # wagtail_modeltranslation's commands must win over Django's (see DESIGN.md).
    "wagtail_modeltranslation",
    "wagtail_modeltranslation.makemigrations",
    "wagtail_modeltranslation.migrate",
    "modeltranslation",
    "core",
    "accounts",
    "organisations",
    "courses",
    "learning",
    "h5p",
    "assessments",
    "certificates",
    "academies",
    "devtools",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "django_countries",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "learning.launch.ContentOriginMiddleware",  # the content host answers content paths only, before anything else
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "courses.page_cache.CachedSiteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.PreferredLanguageLocaleMiddleware",
    "core.middleware.RejectNulMiddleware",  # a NUL in any input is a 400 here, not a database error later
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "elearning.urls"
WSGI_APPLICATION = "elearning.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.language_table",
                "academies.context_processors.academy_records",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database under several threads: a write-ahead log (readers never wait for the writer,
    # one fsync per commit instead of the rollback journal's several; synchronous stays FULL, so a power
    # cut loses no answer already saved), write transactions that take the lock at BEGIN (no deadlock
    # between two upgrading readers) and a busy timeout instead of "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in throttling (accounts/throttle.py): counters live in the database, so every process agrees.
AUTHENTICATION_BACKENDS = ["accounts.backends.ThrottledModelBackend"]
CUSTODIA_LOGIN_FAILURE_LIMIT = int(os.environ.get("CUSTODIA_LOGIN_FAILURE_LIMIT", "5"))  # per account and IP
# Past this many failures of one account from anywhere, attempts wait 1, 2, 4... seconds (at most the maximum).
CUSTODIA_LOGIN_SLOWDOWN_AFTER = int(os.environ.get("CUSTODIA_LOGIN_SLOWDOWN_AFTER", "10"))
CUSTODIA_LOGIN_SLOWDOWN_MAX_SECONDS = int(os.environ.get("CUSTODIA_LOGIN_SLOWDOWN_MAX_SECONDS", "60"))
# Password-reset e-mails: at most this many an hour for one address, and requested from one IP.
CUSTODIA_RESET_EMAILS_PER_ACCOUNT = int(os.environ.get("CUSTODIA_RESET_EMAILS_PER_ACCOUNT", "3"))
CUSTODIA_RESET_REQUESTS_PER_IP = int(os.environ.get("CUSTODIA_RESET_REQUESTS_PER_IP", "20"))
CUSTODIA_LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("CUSTODIA_LOGIN_IP_FAILURE_LIMIT", "30"))  # per IP
CUSTODIA_LOGIN_LOCKOUT_SECONDS = int(os.environ.get("CUSTODIA_LOGIN_LOCKOUT_SECONDS", "900"))
CUSTODIA_TRUSTED_PROXY_COUNT = int(os.environ.get("CUSTODIA_TRUSTED_PROXY_COUNT", "0"))  # X-Forwarded-For hops
CUSTODIA_SIGNUP_CONFIRMATION_MAX_AGE = 60 * 60 * 24 * 3
# Staff, superusers and academy staff confirm a TOTP code after their password before any view that reads or
# changes other people's records (accounts/twofactor.py; on by default in production).
CUSTODIA_REQUIRE_STAFF_2FA = os.environ.get("CUSTODIA_REQUIRE_STAFF_2FA", "0") == "1"
OTP_TOTP_ISSUER = "Custodia"
WAGTAILADMIN_USER_LOGIN_FORM = "accounts.forms.AdminLoginForm"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Internationalisation: one table in elearning/languages.py.
LANGUAGE_CODE = DEFAULT_LANGUAGE
LANGUAGES = django_languages()
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_COOKIE_NAME = "custodia_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365

MODELTRANSLATION_DEFAULT_LANGUAGE = DEFAULT_LANGUAGE
MODELTRANSLATION_LANGUAGES = LANGUAGE_CODES
MODELTRANSLATION_FALLBACK_LANGUAGES = (DEFAULT_LANGUAGE,)
MODELTRANSLATION_CUSTOM_FIELDS = ("LessonBodyField",)  # courses.blocks: a StreamField whose blocks other apps register
WAGTAILMODELTRANSLATION_TRANSLATE_SLUGS = False
WAGTAILMODELTRANSLATION_LOCALE_PICKER = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Front-end packages installed by `npm ci` (served, never fetched from a CDN).
NODE_MODULES_DIR = BASE_DIR / "node_modules"
# Packaged activities (H5P, SCORM) run third-party scripts: they are served from their own origin, a sibling
# host name of the platform that reaches this site (docs/deploy.md), and that host answers only content paths
# (learning.launch.ContentOriginMiddleware). Unset: no package is shown, and `check --deploy` fails.
CUSTODIA_CONTENT_ORIGIN = (
    os.environ.get("CUSTODIA_CONTENT_ORIGIN") or os.environ.get("H5P_CONTENT_ORIGIN") or ""  # the older name
).rstrip("/")
CUSTODIA_CONTENT_URLCONF = "elearning.content_urls"
# Package files need the cookie their launch document sets (on when the content origin is the platform's site).
CUSTODIA_CONTENT_REQUIRE_COOKIE = os.environ.get("CUSTODIA_CONTENT_REQUIRE_COOKIE", "0") == "1"

WAGTAIL_SITE_NAME = "Custodia"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False  # one page tree; fields are translated by modeltranslation
WAGTAILADMIN_PERMITTED_LANGUAGES = [(code, name) for code, name in django_languages()]
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "xlsx", "ods", "pptx", "odp", "txt", "csv"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
if os.environ.get("DJANGO_EMAIL_HOST"):  # SMTP when a host is given
    EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    EMAIL_HOST = os.environ["DJANGO_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("DJANGO_EMAIL_USE_TLS", "1") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Custodia <no-reply@custodia.invalid>")

SITE_TAGLINE = _("Training on electronic evidence for the criminal-justice sector")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# `manage.py load_demo` runs these idempotent steps in order; each returns lines to print.
CUSTODIA_DEMO_STEPS = [
    "courses.demo.loader.demo_step",
    "accounts.demo.demo_step",
    "assessments.demo.demo_step",
    "certificates.demo.demo_step",
]

# Completion export files are deleted this many days after they were written (manage.py purge_exports, daily).
CUSTODIA_EXPORT_RETENTION_DAYS = int(os.environ.get("CUSTODIA_EXPORT_RETENTION_DAYS", "7"))
# Keys for secrets stored in the database (both fall back to SECRET_KEY when unset): certificate
# signing keys (certificates/jose.py) and secrets sent again later, such as LRS passwords (core/sealing.py).
CUSTODIA_CERTIFICATE_KEY_SECRET = os.environ.get("CUSTODIA_CERTIFICATE_KEY_SECRET", "")
CUSTODIA_SEALING_SECRET = os.environ.get("CUSTODIA_SEALING_SECRET", "")
