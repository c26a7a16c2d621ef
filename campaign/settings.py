"""Settings for the campaign platform, driven by environment variables.

Defaults boot a laptop (embedded PostgreSQL, mail on the console); production is reached by
setting variables, never by editing this file. See README.md for the list.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def envbool(name: str, default: str) -> bool:
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.environ.get(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envsecret(name: str, default: str | None = None) -> str | None:
    """Read a secret from NAME, or from the file named by NAME_FILE (for Docker/systemd secrets)."""
    if path := os.environ.get(f"{name}_FILE"):
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


def local_secret_key() -> str:
    """A random key kept in var/, so a laptop needs no configuration and keeps sessions."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


DEBUG = envbool("DEBUG", "0")
SECRET_KEY = envsecret("SECRET_KEY") or local_secret_key()
# Keys for hashing IP addresses and signing links can be rotated independently of SECRET_KEY.
SECRET_KEY_FALLBACKS = envlist("SECRET_KEY_FALLBACKS", "")
PORT = envint("PORT", "8000")
SITE_URL = os.environ.get("SITE_URL", f"http://127.0.0.1:{PORT}").rstrip("/")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", SITE_URL)
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "privacy@example.org")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Petitions <petitions@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_countries",
    "anymail",
    "django_tasks",
    "django_tasks_db",
    "campaign",
    "petitions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # ETag and 304 answers for every cacheable page, so a CDN or browser revalidates cheaply.
    "django.middleware.http.ConditionalGetMiddleware",
    # A database outage answers a fast 503 with Retry-After instead of a 500 or a hang.
    "campaign.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "campaign.urls"
WSGI_APPLICATION = "campaign.wsgi.application"

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
            ],
        },
    },
]

# PostgreSQL always: DATABASE_URL, else the embedded server from the pgserver package.
if not os.environ.get("DATABASE_URL"):
    from campaign import embedded_db

    os.environ["DATABASE_URL"] = embedded_db.database_url()


def database(url: str) -> dict:
    config = dj_database_url.parse(
        url, conn_max_age=envint("DB_CONN_MAX_AGE", "60"), conn_health_checks=True
    )
    # Fail fast when the server is unreachable, so clients get a 503 rather than a hang.
    config.setdefault("OPTIONS", {})["connect_timeout"] = envint("DB_CONNECT_TIMEOUT", "3")
    return config


DATABASES = {"default": database(os.environ["DATABASE_URL"])}
# Optional read replica for heavy reads such as exports (see campaign/dbrouting.py).
if DATABASE_REPLICA_URL := os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database(DATABASE_REPLICA_URL)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if REDIS_URL := os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Seconds the public campaign page and API are kept in this server's cache (0 turns it off).
PAGE_CACHE_SECONDS = envint("PAGE_CACHE_SECONDS", "5")
# Seconds a web process may reuse a campaign's rows on the sign path (0 turns it off).
CAMPAIGN_CACHE_SECONDS = envint("CAMPAIGN_CACHE_SECONDS", "5")

# Background tasks: "db" (PostgreSQL queue, worker `manage.py db_worker`, the default),
# "rq" (Redis through django-tasks-rq, worker `manage.py rqworker`, for scale-out) or "immediate".
TASK_BACKEND = os.environ.get("TASK_BACKEND", "db")
TASK_BACKENDS = {
    "db": "django_tasks_db.DatabaseBackend",
    "rq": "petitions.task_backends.OnCommitRQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASK_BACKEND]}}
if TASK_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")
    TASKS["default"]["QUEUES"] = ["default"]
    RQ_QUEUES = {
        "default": {
            "URL": os.environ.get("RQ_REDIS_URL") or REDIS_URL or "redis://127.0.0.1:6379/0",
            "DEFAULT_TIMEOUT": 300,
        }
    }

# Mail: an anymail ESP when EMAIL_ESP names one (its settings come from ANYMAIL_* variables,
# e.g. EMAIL_ESP=mailgun with ANYMAIL_MAILGUN_API_KEY); otherwise the console plus files in var/mail.
EMAIL_ESP = os.environ.get("EMAIL_ESP", "")
if EMAIL_ESP:
    EMAIL_BACKEND = f"anymail.backends.{EMAIL_ESP}.EmailBackend"
else:
    EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "campaign.mail.ConsoleAndFileBackend")
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", VAR_DIR / "mail"))
ANYMAIL = {
    key.removeprefix("ANYMAIL_"): value
    for key, value in os.environ.items()
    if key.startswith("ANYMAIL_")
}

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("bg", "Български"),
    ("cs", "Čeština"),
    ("da", "Dansk"),
    ("de", "Deutsch"),
    ("el", "Ελληνικά"),
    ("en", "English"),
    ("es", "Español"),
    ("et", "Eesti"),
    ("fi", "Suomi"),
    ("fr", "Français"),
    ("ga", "Gaeilge"),
    ("hr", "Hrvatski"),
    ("hu", "Magyar"),
    ("it", "Italiano"),
    ("lt", "Lietuvių"),
    ("lv", "Latviešu"),
    ("mt", "Malti"),
    ("nl", "Nederlands"),
    ("pl", "Polski"),
    ("pt", "Português"),
    ("pt-br", "Português (Brasil)"),
    ("ro", "Română"),
    ("sk", "Slovenčina"),
    ("sl", "Slovenščina"),
    ("sv", "Svenska"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Petition behaviour.
SIGNATURE_CONFIRM_MAX_AGE = envint("SIGNATURE_CONFIRM_MAX_AGE", str(7 * 24 * 3600))
FORM_TOKEN_MAX_AGE = envint("FORM_TOKEN_MAX_AGE", str(24 * 3600))
PUBLIC_CACHE_SECONDS = envint("PUBLIC_CACHE_SECONDS", "30")
EMAIL_RETRY_DELAYS = [10, 60, 300, 1800, 7200]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = SITE_URL.startswith("https://")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
