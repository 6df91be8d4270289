"""tshoot settings, read from the environment.

Every variable has a default that runs the site on one machine with nothing to install:
SQLite and a filesystem Celery broker under DATA_DIR. Production sets DATABASE_URL,
CELERY_BROKER_URL, SECRET_KEY, DEBUG=0 and ALLOWED_HOSTS (see README.md).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def envbool(name, default):
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name, default):
    return int(os.getenv(name, default))


BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.getenv("TSHOOT_DATA_DIR", BASE_DIR / "data"))
# SQLite, the filesystem broker and beat keep their files here.
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = envbool("DEBUG", "1")
# The key itself, or a file holding it (`make run` makes one under the data folder).
SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY and os.getenv("SECRET_KEY_FILE"):
    SECRET_KEY = Path(os.environ["SECRET_KEY_FILE"]).read_text().strip()
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-not-secret-tshoot-development-key-change-me-in-production"
ALLOWED_HOSTS = [
    h for h in os.getenv("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.getenv("CSRF_TRUSTED_ORIGINS", "").split(",") if o
]
SITE_NAME = "tshoot"
# The knowledge base articles (Markdown with front matter) that sync_articles loads.
KB_CONTENT_DIR = Path(os.getenv("KB_CONTENT_DIR", BASE_DIR / "kb" / "content"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "kb",
    "analyzer",
    "accounts",
]

MIDDLEWARE = [
    # Outermost: JSON for every /api/ error, 503 for a locked database, and the
    # privacy headers on diagnoses (analyzer/middleware.py).
    "analyzer.middleware.ErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, which serves its own precompressed static files. A 2 MiB
    # diagnosis is ~4.5 MiB of HTML and ~0.7 MiB gzipped. BREACH needs a secret
    # and attacker-chosen text in one compressed response: the CSRF token is
    # masked afresh in every response, Django pads gzip output with random
    # bytes, and the pages that echo input (search) hold no other secret.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Authorization: Bearer <personal API token> on /api/ (accounts/middleware.py).
    "accounts.middleware.ApiTokenMiddleware",
    # Keyed on the signed-in user, so after authentication.
    "analyzer.middleware.LimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "tshoot.urls"

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

WSGI_APPLICATION = "tshoot.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", f"sqlite:///{DATA_DIR / 'tshoot.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", "0"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so a Celery worker process in the tests sees the same rows.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL lets the web server read while the worker writes.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL;"
    # How long a write waits for another writer before "database is locked"
    # (answered 503 on the web, retried by the task).
    DATABASES["default"]["OPTIONS"]["timeout"] = envint("SQLITE_TIMEOUT", "5")

# The rate limits' counters (django-ratelimit), shared by every web process: files
# under the data folder, or Redis with CACHE_URL=redis://… (several web hosts).
CACHE_URL = os.getenv("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            # One file per client and limit; culling at the default 300 would
            # forget counters under exactly the load they are for.
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
# Behind a proxy, the header holding the client's address (e.g. HTTP_X_REAL_IP);
# REMOTE_ADDR otherwise.
RATELIMIT_IP_META_KEY = os.getenv("RATELIMIT_IP_META_KEY") or None
# Submits (form and API) per client, signed-in user or address: "count/period" with
# period s, m, h or d. Over it: 429 with Retry-After.
ANALYZER_SUBMIT_RATE = os.getenv("ANALYZER_SUBMIT_RATE", "20/m")
# Diagnoses one client may have queued or running at once (0: no quota).
ANALYZER_CLIENT_QUEUE_QUOTA = envint("ANALYZER_CLIENT_QUEUE_QUOTA", "10")
ADMIN_LOGIN_RATE = os.getenv("ADMIN_LOGIN_RATE", "5/m")

# Content-Security-Policy (django-csp): scripts and style sheets from the site only,
# nothing inline. Style attributes stay allowed (style-src-attr): the numbered
# paste sets each chunk's line counter in one, and an attribute cannot run script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-elem": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Anonymous visitors may submit pastes (they get `link` diagnoses, readable by
# whoever has the permalink). Off, submitting needs an account; reading a `link`
# diagnosis never does.
ALLOW_ANONYMOUS = envbool("ALLOW_ANONYMOUS", "1")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "accounts-home"
LOGOUT_REDIRECT_URL = "/"
# Password reset mail. The console backend prints it (development, `make run`);
# production sets EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and
# EMAIL_HOST/EMAIL_PORT/EMAIL_HOST_USER/EMAIL_HOST_PASSWORD/EMAIL_USE_TLS.
EMAIL_BACKEND = os.getenv(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "0")
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "tshoot <tshoot@localhost>")

# Single sign-on through OpenID Connect, when a client id is given: the provider's
# endpoints and the client's credentials as the provider registered them.
OIDC_RP_CLIENT_ID = os.getenv("OIDC_RP_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.ModelBackend",
        "accounts.oidc.Backend",
    ]
    OIDC_RP_CLIENT_SECRET = os.getenv("OIDC_RP_CLIENT_SECRET", "")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ["OIDC_OP_AUTHORIZATION_ENDPOINT"]
    OIDC_OP_TOKEN_ENDPOINT = os.environ["OIDC_OP_TOKEN_ENDPOINT"]
    OIDC_OP_USER_ENDPOINT = os.environ["OIDC_OP_USER_ENDPOINT"]
    OIDC_OP_JWKS_ENDPOINT = os.getenv("OIDC_OP_JWKS_ENDPOINT", "")
    OIDC_RP_SIGN_ALGO = os.getenv("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = "openid email profile"
    OIDC_TIMEOUT = envint("OIDC_TIMEOUT", "10")
# What the sign-in page calls the single sign-on button.
OIDC_PROVIDER_NAME = os.getenv("OIDC_PROVIDER_NAME", "single sign-on")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", DATA_DIR / "staticfiles"))
# WhiteNoise warns on every start when the folder is missing (before collectstatic).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# One size limit for every way in (form, upload, API). Django's own request limits sit
# above it so the analyzer can answer 413 with a message instead of Django's 400.
ANALYZER_MAX_INPUT_BYTES = envint("ANALYZER_MAX_INPUT_BYTES", str(2 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = ANALYZER_MAX_INPUT_BYTES * 2 + 64 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = ANALYZER_MAX_INPUT_BYTES + 64 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# Diagnoses left queued or running longer than this are re-queued by the sweep.
ANALYZER_STALE_SECONDS = envint("ANALYZER_STALE_SECONDS", "120")
ANALYZER_MAX_ATTEMPTS = envint("ANALYZER_MAX_ATTEMPTS", "3")
ANALYZER_SWEEP_SECONDS = envint("ANALYZER_SWEEP_SECONDS", "30")
ANALYZER_TASK_SOFT_LIMIT = envint("ANALYZER_TASK_SOFT_LIMIT", "60")
ANALYZER_TASK_HARD_LIMIT = envint("ANALYZER_TASK_HARD_LIMIT", "90")
# A running analysis refreshes its row's heartbeat this often (seconds); the sweep
# re-queues a running row only when its heartbeat is older than the stale time.
ANALYZER_HEARTBEAT_SECONDS = envint("ANALYZER_HEARTBEAT_SECONDS", "10")
# A run cannot outlive the hard limit, so a heartbeat older than the hard limit plus
# two missed beats belongs to a dead run whatever happened to the beats; a shorter
# stale time could re-queue a live one.
STALE_MARGIN_SECONDS = 2 * ANALYZER_HEARTBEAT_SECONDS
if ANALYZER_HEARTBEAT_SECONDS < 1:
    raise ImproperlyConfigured("ANALYZER_HEARTBEAT_SECONDS must be at least 1")
if ANALYZER_TASK_SOFT_LIMIT >= ANALYZER_TASK_HARD_LIMIT:
    raise ImproperlyConfigured(
        f"ANALYZER_TASK_SOFT_LIMIT ({ANALYZER_TASK_SOFT_LIMIT}) must be below "
        f"ANALYZER_TASK_HARD_LIMIT ({ANALYZER_TASK_HARD_LIMIT})"
    )
if ANALYZER_STALE_SECONDS <= ANALYZER_TASK_HARD_LIMIT + STALE_MARGIN_SECONDS:
    raise ImproperlyConfigured(
        f"ANALYZER_STALE_SECONDS ({ANALYZER_STALE_SECONDS}) must be above "
        f"ANALYZER_TASK_HARD_LIMIT ({ANALYZER_TASK_HARD_LIMIT}) plus two "
        f"heartbeats ({STALE_MARGIN_SECONDS}): a live analysis would be re-queued"
    )
# Diagnoses older than this many days are deleted, pasted text and all, by a daily
# beat task (and `manage.py cleanup_diagnoses`); 0 keeps them until deleted by hand.
ANALYZER_RETENTION_DAYS = envint("ANALYZER_RETENTION_DAYS", "90")
# How often the beat task deletes diagnoses past the expiry chosen at submit (an
# expired one is refused on every read at once; this only frees the space).
ANALYZER_EXPIRE_SWEEP_SECONDS = envint("ANALYZER_EXPIRE_SWEEP_SECONDS", "300")

# Celery: configured from these settings through the CELERY_ namespace.
CELERY_BROKER_URL = os.getenv("CELERY_BROKER_URL", "filesystem://")
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", "0")
# The queue the site's tasks go to; another name lets two sites share one broker.
CELERY_TASK_DEFAULT_QUEUE = os.getenv("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fix-up closes the database connections around every task unless
# this is set; then it renews them every this many tasks, and the worker checks a
# kept one before each task (analyzer.tasks.drop_unusable_connections).
CELERY_DB_REUSE_MAX = 200
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "sweep-stale-diagnoses": {
        "task": "analyzer.tasks.sweep_stale_diagnoses",
        "schedule": float(ANALYZER_SWEEP_SECONDS),
    },
    "cleanup-old-diagnoses": {
        "task": "analyzer.tasks.cleanup_old_diagnoses",
        "schedule": 24 * 3600.0,
    },
    "expire-diagnoses": {
        "task": "analyzer.tasks.expire_diagnoses",
        "schedule": float(ANALYZER_EXPIRE_SWEEP_SECONDS),
    },
}
CELERY_TASK_ANNOTATIONS = {
    "analyzer.tasks.analyze_diagnosis": {
        "soft_time_limit": ANALYZER_TASK_SOFT_LIMIT,
        "time_limit": ANALYZER_TASK_HARD_LIMIT,
    },
}
# A web request hands a diagnosis to the broker once and waits at most about this
# long (seconds) for it to answer; a broker that is down, refuses or hangs costs the
# submit this, the diagnosis is saved all the same and the sweep publishes it once
# the broker is back. Also the timeout of every connect and socket operation.
ANALYZER_PUBLISH_TIMEOUT = float(os.getenv("ANALYZER_PUBLISH_TIMEOUT", "2"))
CELERY_BROKER_CONNECTION_TIMEOUT = ANALYZER_PUBLISH_TIMEOUT
# One try: retrying inside a request only multiplies the wait (the sweep retries).
CELERY_TASK_PUBLISH_RETRY = False
# Connection-establishing retries in kombu's default channel: none either.
_NO_CONNECT_RETRY = {"max_retries": 0, "interval_start": 0}
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = Path(os.getenv("CELERY_BROKER_DIR", DATA_DIR / "broker"))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    # kombu lists these folders on its first poll and fails if they are missing.
    for _folder in ("queue", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
elif CELERY_BROKER_URL.startswith("redis"):
    # Unacked messages come back after this many seconds if a worker dies.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": ANALYZER_STALE_SECONDS * 2,
        # Without these a frozen Redis (SIGSTOP, a dead NAT entry) blocks a
        # publish for ever: the kernel accepts the connection, nobody answers.
        "socket_timeout": ANALYZER_PUBLISH_TIMEOUT,
        "socket_connect_timeout": ANALYZER_PUBLISH_TIMEOUT,
        **_NO_CONNECT_RETRY,
    }
elif CELERY_BROKER_URL.startswith(("amqp", "pyamqp")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "read_timeout": ANALYZER_PUBLISH_TIMEOUT,
        "write_timeout": ANALYZER_PUBLISH_TIMEOUT,
        **_NO_CONNECT_RETRY,
    }

# PLAIN_HTTP=1: served over plain HTTP on a private host (as `make run` does), so
# no HTTPS redirect, no HSTS and no HTTPS-only cookies, which would lock a browser
# out of the forms; everything else is as in production.
PLAIN_HTTP = envbool("PLAIN_HTTP", "0")
# Production hardening; `check --deploy` is clean with DEBUG=0 and PLAIN_HTTP=0.
if not DEBUG and not PLAIN_HTTP:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "1")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
}
