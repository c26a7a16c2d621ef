"""Settings for the campaign platform, driven by environment variables.

Defaults boot a laptop (embedded PostgreSQL, mail on the console); production is reached by
setting variables, never by editing this file. See README.md for the list.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from campaign.conf.mail_settings import anymail_settings, mail_transport
from campaign.core.country_names import country_name_overrides
from campaign.core.private_files import make_private, private_dir, write_private_once

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
    """A random key kept in var/ (0700, the file 0600), so a laptop needs no configuration."""
    private_dir(VAR_DIR)
    path = VAR_DIR / "secret_key"
    if not write_private_once(path, secrets.token_urlsafe(50).encode()):
        make_private(path)  # one written before files were made private
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
# Name and postal address of the data controller, as the privacy notices name it.
PRIVACY_CONTROLLER = os.environ.get(
    "PRIVACY_CONTROLLER", "Example Campaign Coalition, Example Street 1, 1000 Brussels, Belgium"
)
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
    "django.contrib.sitemaps",
    "django_countries",
    "csp",
    "anymail",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "campaign.campaigns",
    "petitions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "campaign.web.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    # ETag and 304 answers for every cacheable page, so a CDN or browser revalidates cheaply.
    "django.middleware.http.ConditionalGetMiddleware",
    # zstd, brotli or gzip for public HTML and JSON. Inside ConditionalGetMiddleware, unlike Django's
    # GZipMiddleware: its bodies are deterministic (the BREACH noise is a header), so an ETag
    # is per coding, and a 304 repeats the ETag and Vary that its 200 would carry.
    "campaign.web.compression.CompressionMiddleware",
    # A database outage answers a fast 503 with Retry-After instead of a 500 or a hang.
    "campaign.web.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "campaign.web.middleware.LocaleMiddleware",
    "campaign.web.middleware.PublicRequestMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "campaign.web.accounts.MfaRequiredMiddleware",
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
            # Tag libraries of the web layer, which is not an app of its own.
            "libraries": {
                "campaign_tags": "campaign.web.templatetags.campaign_tags",
                "account_tags": "campaign.web.templatetags.account_tags",
            },
        },
    },
]

# PostgreSQL always, from DATABASE_URL. Reading the settings starts nothing: without DATABASE_URL,
# manage.py and the make targets start the embedded server (campaign/devtools/embedded_db.py) first.
if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Run through `make` or `python manage.py`, which start the "
        "embedded PostgreSQL, or export DATABASE_URL=postgres://user@host:5432/name."
    )


def database(url: str) -> dict:
    config = dj_database_url.parse(
        url, conn_max_age=envint("DB_CONN_MAX_AGE", "60"), conn_health_checks=True
    )
    # Fail fast when the server is unreachable, so clients get a 503 rather than a hang.
    config.setdefault("OPTIONS", {})["connect_timeout"] = envint("DB_CONNECT_TIMEOUT", "3")
    return config


DATABASES = {"default": database(os.environ["DATABASE_URL"])}
# Optional read replica for heavy reads such as exports (see campaign/conf/dbrouting.py).
if DATABASE_REPLICA_URL := os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database(DATABASE_REPLICA_URL)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Table of the database cache, made by `migrate` (campaign/campaigns/apps.py runs createcachetable).
DATABASE_CACHE_TABLE = "campaign_cache"


def cache_settings(redis_url: str | None) -> dict:
    """The shared "default" cache and the per-process "pages" cache.

    "default" holds what every process must see alike: allauth's login rate limits and the
    TOTP codes already used (allauth uses django.core.cache.cache). Redis when REDIS_URL is
    set, else a PostgreSQL table, so several workers never count apart. "pages" is the public
    pages' short server cache (PAGE_CACHE_SECONDS): local memory, the fastest on the hot path.
    """
    if redis_url:
        default = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    else:
        default = {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": DATABASE_CACHE_TABLE,
            # Never cull live rate-limit counters, whatever number of keys an attacker makes.
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        }
    return {
        "default": default,
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    }


REDIS_URL = os.environ.get("REDIS_URL")
CACHES = cache_settings(REDIS_URL)

# Seconds the public campaign page and API are kept in this server's cache (0 turns it off).
PAGE_CACHE_SECONDS = envint("PAGE_CACHE_SECONDS", "5")
# Seconds a web process may reuse a campaign's rows on the sign path (0 turns it off).
CAMPAIGN_CACHE_SECONDS = envint("CAMPAIGN_CACHE_SECONDS", "5")

# Background tasks: "db" (PostgreSQL queue, worker `manage.py task_worker`, the default),
# "rq" (Redis through django-tasks-rq, worker `manage.py rqworker`, for scale-out) or "immediate".
TASK_BACKEND = os.environ.get("TASK_BACKEND", "db")
TASK_BACKENDS = {
    "db": "django_tasks_db.DatabaseBackend",
    "rq": "petitions.queue.backends.OnCommitRQBackend",
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

# Mail (campaign/conf/mail_settings.py): an SMTP server from EMAIL_URL, or an anymail ESP when EMAIL_ESP
# names one (its settings come from ANYMAIL_* variables, JSON values decoded); with neither, the
# console plus files in var/mail. EMAIL_BACKEND, when set, overrides both (benchmarks use it).
EMAIL_ESP = os.environ.get("EMAIL_ESP", "")
# Lower-case, so not a setting: the URL and the parsed transport hold the SMTP password, which
# Django's debug page and diffsettings would otherwise show (EMAIL_HOST_PASSWORD they hide).
_mail = mail_transport(email_url=os.environ.get("EMAIL_URL", ""), esp=EMAIL_ESP)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or _mail.backend
EMAIL_HOST = _mail.host
EMAIL_PORT = _mail.port
EMAIL_HOST_USER = _mail.username
EMAIL_HOST_PASSWORD = _mail.password
EMAIL_USE_TLS = _mail.use_tls
EMAIL_USE_SSL = _mail.use_ssl
EMAIL_TIMEOUT = _mail.timeout
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", VAR_DIR / "mail"))
# With DEBUG=0, mail that only reaches the console and files stops `check --deploy`, gunicorn and
# `make serve` (campaign/conf/checks.py) unless this is on: a benchmark or a demo, never real signers.
ALLOW_CONSOLE_MAIL = envbool("ALLOW_CONSOLE_MAIL", "0")
# Mail files in EMAIL_FILE_PATH (they hold live confirm and withdraw links) are deleted by the
# hourly purge after this many days.
MAIL_FILE_DAYS = envint("MAIL_FILE_DAYS", "2")
ANYMAIL = anymail_settings(os.environ)

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
# Country names from django-countries' catalogs, else from CLDR (Irish and Maltese have no
# catalog there; others miss a few names): see campaign/core/country_names.py.
COUNTRIES_OVERRIDE = country_name_overrides()
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
# Form tokens are stamped with the start of a window this long (at most a quarter of the max
# age), so a cached page keeps its bytes and ETag between count changes (petitions/tokens.py).
FORM_TOKEN_WINDOW = envint("FORM_TOKEN_WINDOW", "3600")
PUBLIC_CACHE_SECONDS = envint("PUBLIC_CACHE_SECONDS", "30")
EMAIL_RETRY_DELAYS = [10, 60, 300, 1800, 7200]
WEBHOOK_RETRY_DELAYS = [30, 120, 600, 3600, 6 * 3600, 24 * 3600]
# Partner webhooks go to public addresses only; networks listed here (CIDR, comma-separated)
# are allowed too, e.g. a receiver on the organisation's own private network.
WEBHOOK_ALLOWED_NETWORKS = envlist("WEBHOOK_ALLOWED_NETWORKS", "")
# Delivery packages (ZIPs for legislators) are kept this many days, then deleted.
DELIVERY_PACKAGE_DAYS = envint("DELIVERY_PACKAGE_DAYS", "7")

# `seed_campaigns` creates the demo partner (widget key demo-<slug>, guessable) only when asked:
# --demo-partner (`make run` passes it) or this.
SEED_DEMO_PARTNER = envbool("SEED_DEMO_PARTNER", "0")

# Retention (petitions/rights/retention.py, `manage.py purge_expired`, run hourly by the worker).
UNCONFIRMED_RETENTION_DAYS = envint("UNCONFIRMED_RETENTION_DAYS", "7")
ANONYMISE_AFTER_DAYS = envint("ANONYMISE_AFTER_DAYS", "180")
PURGE_INTERVAL_SECONDS = envint("PURGE_INTERVAL_SECONDS", "3600")
# A signature's IP hash serves only the review of held signatures: erased after this many days
# unless the signature is held (then when an organizer releases it).
IP_HASH_RETENTION_DAYS = envint("IP_HASH_RETENTION_DAYS", "7")
# Withdraw and data-copy links in every email to a signer.
SIGNER_LINK_MAX_AGE = envint("SIGNER_LINK_MAX_AGE", str(90 * 24 * 3600))
DATA_COPY_RATE = os.environ.get("DATA_COPY_RATE", "3/3600")
# Update emails (petitions/mailings/): how long their unsubscribe links work, recipients per
# batch task, and how long after a batch was handed to an ESP with idempotency keys a resume
# may send it again under the same key (Brevo keeps a key 15 to 30 minutes; past this window an
# interrupted batch is marked "unknown" instead, never resent).
UNSUBSCRIBE_LINK_MAX_AGE = envint("UNSUBSCRIBE_LINK_MAX_AGE", str(365 * 24 * 3600))
MAILING_BATCH_SIZE = envint("MAILING_BATCH_SIZE", "500")
MAILING_IDEMPOTENCY_WINDOW = envint("MAILING_IDEMPOTENCY_WINDOW", "900")

# Abuse resistance (petitions/abuse/rules.py). Limits are "events/seconds". Over a limit a signature
# is still accepted with the same answer, but held out of the counts for organizer review.
# Counters live in Redis when REDIS_URL is set, else in PostgreSQL (petitions/abuse/throttle.py).
RATE_LIMIT_STORE = os.environ.get("RATE_LIMIT_STORE", "cache" if REDIS_URL else "db")
RATE_LIMIT_CACHE = "default"
RATE_LIMIT_IP = os.environ.get("RATE_LIMIT_IP", "10/600")
RATE_LIMIT_DOMAIN = os.environ.get("RATE_LIMIT_DOMAIN", "20/600")
# Petition-wide: far above a viral surge (the machine takes a few hundred a second), so only
# a flood trips it.
RATE_LIMIT_PETITION = os.environ.get("RATE_LIMIT_PETITION", "60000/60")
# Confirmation emails per signature (so per address and petition) in a fixed window: the first
# and two re-sends a day, however often the address is typed in (docs/SECURITY.md).
CONFIRMATION_EMAIL_RATE = os.environ.get("CONFIRMATION_EMAIL_RATE", "3/86400")
# Re-send requests (/resend/, signing again with a pending address) per client address.
RATE_LIMIT_RESEND_IP = os.environ.get("RATE_LIMIT_RESEND_IP", "5/3600")
# Large mailbox providers where many real signers share a domain: no per-domain limit there
# (the per-address uniqueness and the per-IP limit still apply).
RATE_LIMIT_DOMAIN_EXEMPT = envlist(
    "RATE_LIMIT_DOMAIN_EXEMPT",
    "gmail.com,outlook.com,hotmail.com,live.com,yahoo.com,yahoo.com.br,icloud.com,me.com,"
    "gmx.de,gmx.net,web.de,t-online.de,orange.fr,free.fr,laposte.net,libero.it,wp.pl,"
    "o2.pl,onet.pl,seznam.cz,uol.com.br,bol.com.br,terra.com.br,proton.me,protonmail.com",
)
POW_DIFFICULTY_BITS = envint("POW_DIFFICULTY_BITS", "18")
# Reverse proxies of our own in front of the app; only then is X-Forwarded-For believed.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "0")

# Hardening. `manage.py check --deploy` is clean with DEBUG=0 and an https SITE_URL.
HTTPS = SITE_URL.startswith("https://")
if TRUSTED_PROXY_COUNT and HTTPS:
    # The proxy must set (and never pass through) X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "1" if HTTPS else "0")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", str(365 * 24 * 3600) if HTTPS else "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "1")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "1")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # widget frames (/embed/) opt out per view
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=(), "
    "browsing-topics=(), interest-cohort=()"
)
# No inline script or style anywhere; a response that already has its own CSP header (the
# partner widget's frames) keeps it: django-csp never overwrites an existing header.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        # The Mastodon share form submits here; its server is reached by a plain link.
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Organizer sessions (public pages set no cookie): secure over https, short, gone at close.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True

# Request size limits. Site-wide they stay at Django's 2.5 MB, as ESP webhooks arrive in
# batches; public forms are capped far lower (campaign.web.middleware.PublicRequestMiddleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2_621_440))
DATA_UPLOAD_MAX_NUMBER_FIELDS = envint("DATA_UPLOAD_MAX_NUMBER_FIELDS", "1000")
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
PUBLIC_FORM_MAX_BYTES = envint("PUBLIC_FORM_MAX_BYTES", str(16 * 1024))
# Organizers' image uploads (hero images, partner logos; campaign/campaigns/images.py): the
# file's size, and its pixels before anything is decoded (a small file can hold a huge image).
IMAGE_UPLOAD_MAX_BYTES = envint("IMAGE_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024))
IMAGE_MAX_PIXELS = envint("IMAGE_MAX_PIXELS", str(50_000_000))

# Accounts (django-allauth): email login, verified email, TOTP mandatory for organizer areas.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/organize/"
ACCOUNT_ADAPTER = "campaign.web.accounts.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Sessions end with the browser (and after SESSION_COOKIE_AGE at most): no "remember me".
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https://") else "http"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = envint("ACCOUNT_REAUTHENTICATION_TIMEOUT", "600")
# Anyone may sign up only when this is on; otherwise only people holding an invitation.
ACCOUNT_SIGNUP_OPEN = envbool("ACCOUNT_SIGNUP_OPEN", "0")
# Counted in the default cache (Redis, else PostgreSQL), which every process shares.
ACCOUNT_RATE_LIMITS = {
    "login": os.environ.get("RATE_LIMIT_LOGIN", "30/m/ip"),
    "login_failed": os.environ.get("RATE_LIMIT_LOGIN_FAILED", "10/m/ip,5/5m/key"),
    "signup": os.environ.get("RATE_LIMIT_SIGNUP", "20/m/ip"),
    "confirm_email": "1/3m/key",
    "reset_password": os.environ.get("RATE_LIMIT_RESET_PASSWORD", "20/m/ip,5/5m/key"),
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# TOTP secrets and recovery-code seeds are encrypted with this key (campaign/core/secrets.py),
# kept outside the database; unset, a key derived from SECRET_KEY (fine on a laptop, and
# `check --deploy` warns). Old keys in the fallbacks still decrypt during a rotation.
MFA_ADAPTER = "campaign.core.secrets.MFAAdapter"
MFA_ENCRYPTION_KEY = envsecret("MFA_ENCRYPTION_KEY", "")
MFA_ENCRYPTION_KEY_FALLBACKS = envlist("MFA_ENCRYPTION_KEY_FALLBACKS", "")
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "Petitions")
# Exporting personal data needs a TOTP check no older than this many seconds.
EXPORT_MFA_MAX_AGE = envint("EXPORT_MFA_MAX_AGE", "600")
INVITATION_MAX_AGE = envint("INVITATION_MAX_AGE", str(7 * 24 * 3600))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # fontTools logs every glyph subset of a PDF export at INFO.
        "fontTools": {"level": "WARNING"},
    },
}
