"""Settings, read from the environment (twelve-factor).

The embedded default is SQLite with tasks run in-process, so `make run` needs no other
service. Production sets DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis); the
README lists every variable.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)


def _secret_key() -> str:
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. In a development checkout, export DEBUG=true "
            "(as `make run` and `make simulate` do) and a throwaway key is kept in .dev-secret-key."
        )
    # A throwaway key for development, kept in a git-ignored file so that the
    # auto-reloader does not log everybody out on each code change.
    key_file = BASE_DIR / ".dev-secret-key"
    if not key_file.exists():
        key_file.write_text(get_random_secret_key())
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc for /api/docs/, served by us
    "django_htmx",
    "bootstrap",  # django-bootstrap-static: Bootstrap's CSS and JS, served by us
    "tickets",
    "social",
    "feedback",
    "intelligence",
    "listening",  # what is said about IT without addressing the desk (issue 12)
    "webhooks",
    "accounts",
    "notifications",  # e-mails to reporters and agents about their incidents
    "broadcasts",  # the desk speaking first: broadcasts under a policy, with records
    "status",  # the public status page, its feeds and e-mail subscriptions
    "axes",  # lockout after repeated failed logins (accounts.lockout)
    "csp",  # the Content-Security-Policy header (CONTENT_SECURITY_POLICY)
]

MIDDLEWARE = [
    # Before host validation and the HTTPS redirect: the health probe comes by address.
    "servicedesk.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: static files need neither; above the rest, so every page gets both.
    "csp.middleware.CSPMiddleware",
    "servicedesk.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After authentication (it counts per person) and CSRF (a forged post is not counted).
    "servicedesk.ratelimit.WriteRateLimitMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "servicedesk.urls"
WSGI_APPLICATION = "servicedesk.wsgi.application"

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
                "tickets.context_processors.roles",
                # After `roles`: it reuses the permissions that one loaded.
                "social.context_processors.account_alerts",
                "intelligence.spikes.context_processors.spike_alerts",
            ],
            # `|bidi` in every template, for user-given names and titles (servicedesk.text).
            "builtins": ["servicedesk.templatetags.bidi"],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and IMMEDIATE transactions let the web server and the in-process task
    # runner of `make run` write to the same file without "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The default cache: local memory (per process) unless CACHE_URL names a shared one
# (redis://host:6379/1). Rate limits count in their own alias, `ratelimit` (below).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first: it refuses a locked account or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins (the desk's and the admin's): an account is locked after LOGIN_FAILURE_LIMIT
# failures within LOGIN_LOCKOUT_MINUTES, an address after LOGIN_ADDRESS_FAILURE_LIMIT (an office
# shares one), until that many minutes pass without one. Failures are kept for the audit
# (admin: Axes, access failures); an admin unlocks by deleting the access attempts.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=50)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=15)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
# A locked person who keeps trying does not lengthen their own pause.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "accounts.lockout.AccountOrAddressHandler"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "servicedesk.clients.client_address"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False  # no banner on every start; lockouts are still logged

LOGIN_URL = "login"
# E-mail (password reset, spike alerts): printed on the console unless EMAIL_URL names a mail server, e.g.
# smtp+tls://user:password@mail.example.org:587 (smtp+ssl:// for port 465).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# The desk's public address, for links in the e-mails it sends.
DESK_URL = env.str("DESK_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Service desk <servicedesk@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves hashed, compressed files made by `collectstatic` (the Docker image
# runs it). Development and the test suite serve straight from the apps' folders.
STATIC_FROM_COLLECTSTATIC = env.bool("STATIC_FROM_COLLECTSTATIC", default=not DEBUG)
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles") if STATIC_FROM_COLLECTSTATIC else None
# Uploaded files (incident attachments). The file system by default, under MEDIA_ROOT, which
# nothing serves directly: every file goes out through tickets' attachment view, which checks
# who may see the incident. With ATTACHMENTS_S3_BUCKET set they go to S3 or any S3-compatible
# store (MinIO, Ceph...) through django-storages, private, with credentials from the
# environment as boto3 reads them (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, or a role).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
ATTACHMENTS_S3_BUCKET = env.str("ATTACHMENTS_S3_BUCKET", default="")
if ATTACHMENTS_S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": ATTACHMENTS_S3_BUCKET,
            "endpoint_url": env.str("ATTACHMENTS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("ATTACHMENTS_S3_REGION", default="") or None,
            "location": env.str("ATTACHMENTS_S3_PREFIX", default=""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_FROM_COLLECTSTATIC
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_FROM_COLLECTSTATIC

# HTTPS: on by default in production. Behind a TLS-terminating proxy that sets
# X-Forwarded-Proto; `make run` and the test suite serve plain HTTP and turn it off.
USE_HTTPS = env.bool("USE_HTTPS", default=not DEBUG)
if USE_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
# Content-Security-Policy (django-csp): scripts, styles, fonts and images only from the app
# itself; no inline script, no eval, no plugin, no framing, forms post only here. A view that
# needs more says so with csp_update (ReDoc, in servicedesk/urls.py). Bootstrap's CSS draws
# its icons as data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Celery: no broker configured means tasks run in-process (eager), which is what the
# embedded default wants. With a broker, real workers consume them.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or None
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only once it has finished, and a worker that dies mid-task
# gives it back to the queue: with idempotent tasks this is at-least-once, not at-most.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Short broker timeouts (Celery's default connection timeout is 4 s, kombu retries on top): a
# web request that publishes must not wait long on a broker that is down or hung.
BROKER_CONNECT_TIMEOUT = env.float("BROKER_CONNECT_TIMEOUT", default=1.0)
BROKER_SOCKET_TIMEOUT = env.float("BROKER_SOCKET_TIMEOUT", default=5.0)  # above kombu's 1 s BRPOP poll
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_CONNECT_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": BROKER_CONNECT_TIMEOUT,
    "socket_timeout": BROKER_SOCKET_TIMEOUT,
}
if CELERY_BROKER_URL and CELERY_BROKER_URL.startswith("redis://"):
    # kombu's Redis transport with a reconnection fix (servicedesk/broker.py).
    CELERY_BROKER_TRANSPORT = "servicedesk.broker:Transport"
CELERY_TIMEZONE = TIME_ZONE

# Rate limits (the API's per token, page writes per person, token guessing per address) count
# in the `ratelimit` cache, which every web process must share, or each counts alone and four
# workers let four times the rate through. Default: CACHE_URL when set, else the broker's
# Redis (the same database, under its own key prefix: never clear() this cache), else local
# memory (one process, as `make run`). A cache that does not answer lets requests through.
RATELIMIT_CACHE_URL = (
    env.str("RATELIMIT_CACHE_URL", default="")
    or env.str("CACHE_URL", default="")
    or (CELERY_BROKER_URL if (CELERY_BROKER_URL or "").startswith(("redis://", "rediss://")) else "")
    or "locmemcache://ratelimit"
)
CACHES["ratelimit"] = {**env.cache_url_config(RATELIMIT_CACHE_URL), "KEY_PREFIX": "ratelimit"}
# Who has an incident's page open (tickets/collaboration.py): a few seconds' records that
# every web process must share too, so in the same cache, under their own prefix.
CACHES["presence"] = {**env.cache_url_config(RATELIMIT_CACHE_URL), "KEY_PREFIX": "presence"}
for _shared_cache in (CACHES["ratelimit"], CACHES["presence"]):
    if _shared_cache["BACKEND"].endswith("RedisCache"):
        # Short timeouts: a Redis that hangs must not hold every request for long.
        _shared_cache.setdefault("OPTIONS", {}).update({"socket_connect_timeout": 0.5, "socket_timeout": 0.5})
# Proxies in front of the app that append the caller's address to X-Forwarded-For (the
# compose stack's nginx: 1). Rate limits and lockouts count per client address through them.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Writes through pages (forms, htmx) per person, or per address for the anonymous.
PAGE_WRITE_RATE = env.str("PAGE_WRITE_RATE", default="30/minute")
# Password reset requests per address (each one mails whoever it names).
PASSWORD_RESET_RATE = env.str("PASSWORD_RESET_RATE", default="5/hour")
CELERY_BEAT_SCHEDULE = {
    "flag-sla-breaches": {"task": "tickets.tasks.flag_sla_breaches", "schedule": 60.0},
    "close-resolved-incidents": {
        "task": "tickets.tasks.close_resolved_incidents",
        "schedule": 3600.0,
    },
    # Re-enqueue webhook deliveries a crash or a down worker left behind, and due retries.
    "sweep-webhook-deliveries": {"task": "tickets.webhooks.sweep", "schedule": 60.0},
    "prune-webhook-log": {"task": "tickets.webhooks.prune", "schedule": 24 * 3600.0},
    # Score the inbound messages whose scoring task was lost (they are scored on arrival).
    "score-unscored-messages": {"task": "feedback.tasks.score_unscored", "schedule": 300.0},
    # The dashboards' rollups: what changed since the last run (feedback.rollups.refresh).
    "refresh-rollups": {"task": "feedback.tasks.refresh_rollups", "schedule": 60.0},
    # Satisfaction surveys of resolved incidents: scheduled, then asked when due (feedback.surveys).
    "schedule-and-send-surveys": {"task": "feedback.tasks.schedule_and_send_surveys", "schedule": 60.0},
}

# Service desk policy.
# A resolved incident may be reopened by its reporter within this many days.
INCIDENT_REOPEN_DAYS = env.int("INCIDENT_REOPEN_DAYS", default=7)
# Resolved incidents close by themselves after this many days (0 turns it off).
INCIDENT_AUTO_CLOSE_DAYS = env.int("INCIDENT_AUTO_CLOSE_DAYS", default=14)

# Attachments: the largest file taken, and the kinds of file taken, each with the name endings
# it may have. The kind is found by reading the file's first bytes (tickets.services.attachments),
# and the name must agree with it: a program renamed to .png is refused. ATTACHMENT_TYPES
# (comma-separated content types) narrows the list. No HTML or SVG: they could run scripts.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENT_MAX_FILES = env.int("ATTACHMENT_MAX_FILES", default=10)  # in one upload
_ATTACHMENT_KNOWN_TYPES = {
    "image/png": ["png"],
    "image/apng": ["png", "apng"],
    "image/jpeg": ["jpg", "jpeg"],
    "image/gif": ["gif"],
    "image/webp": ["webp"],
    "application/pdf": ["pdf"],
    "text/plain": ["txt", "log", "csv", "json", "xml", "yaml", "yml", "ini", "conf", "cfg", "md", "out", "err"],
    "application/zip": ["zip"],
    "application/gzip": ["gz", "tgz"],
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ["docx"],
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ["xlsx"],
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ["pptx"],
    "application/vnd.oasis.opendocument.text": ["odt"],
    "application/vnd.oasis.opendocument.spreadsheet": ["ods"],
}
_attachment_types_wanted = env.list("ATTACHMENT_TYPES", default=list(_ATTACHMENT_KNOWN_TYPES))
_attachment_types_unknown = set(_attachment_types_wanted) - set(_ATTACHMENT_KNOWN_TYPES)
if _attachment_types_unknown:
    raise ImproperlyConfigured(
        f"ATTACHMENT_TYPES names types the desk does not know: {', '.join(sorted(_attachment_types_unknown))}. "
        f"Known: {', '.join(_ATTACHMENT_KNOWN_TYPES)}."
    )
ATTACHMENT_ALLOWED_TYPES = {kind: _ATTACHMENT_KNOWN_TYPES[kind] for kind in _attachment_types_wanted}

# How often the console's queue asks what changed, in seconds.
CONSOLE_LIVE_POLL_SECONDS = env.int("CONSOLE_LIVE_POLL_SECONDS", default=10)
# How often an open incident page asks what changed and says its viewer is still there, in
# seconds; somebody not heard of for INCIDENT_PRESENCE_SECONDS has left it.
INCIDENT_LIVE_POLL_SECONDS = env.int("INCIDENT_LIVE_POLL_SECONDS", default=3)
INCIDENT_PRESENCE_SECONDS = env.int("INCIDENT_PRESENCE_SECONDS", default=3 * INCIDENT_LIVE_POLL_SECONDS + 2)

# The REST API (/api/v1/): conventions shared by every app live in servicedesk.api.
REST_FRAMEWORK = {
    # Token first: an anonymous request is then told 401 with WWW-Authenticate: Token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "servicedesk.api.authentication.GuardedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["servicedesk.api.parsers.JSONBodyParser"],
    "DEFAULT_PAGINATION_CLASS": "servicedesk.api.pagination.KeysetPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "servicedesk.api.filtering.FilterBackend",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["servicedesk.api.throttling.TokenRateThrottle"],
    "EXCEPTION_HANDLER": "servicedesk.api.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "servicedesk.api.schema.ServiceDeskAutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests per token (per session user) and per address for the anonymous: N/second,
# minute, hour or day.
API_THROTTLE_RATES = {
    "user": env.str("API_THROTTLE_RATE", default="600/minute"),
    "anon": env.str("API_ANON_THROTTLE_RATE", default="60/minute"),
}
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1024 * 1024)
# Failed token authentications per address; past them, every token from there gets 429.
API_AUTH_FAILURE_RATE = env.str("API_AUTH_FAILURE_RATE", default="20/minute")

SPECTACULAR_SETTINGS = {
    "TITLE": "Social Service Desk API",
    "DESCRIPTION": (
        "Incidents, comments, the audit trail, problems, services, contacts, webhooks and social messages. "
        "Authenticate with `Authorization: Token <key>` (or a browser session). Lists are "
        "cursor-paginated; every error is JSON with `message`, `code` and per-field `errors`."
    ),
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "servicedesk.api.schema.forbid_nul_in_request_text",
        "servicedesk.api.schema.empty_query_parameter_is_not_given",
    ],
    "ENUM_NAME_OVERRIDES": {
        "IncidentStatusEnum": "tickets.models.IncidentStatus",
        "ProblemStatusEnum": "tickets.models.ProblemStatus",
        # Impact and urgency share one scale.
        "LevelEnum": "tickets.models.Impact",
        "PriorityEnum": "tickets.models.Priority",
        "VisibilityEnum": "tickets.models.Visibility",
        "NotIncidentKindEnum": "tickets.models.NotIncidentKind",
        "DeliveryStateEnum": "webhooks.models.DeliveryState",
        "WebhookEventTypeEnum": "webhooks.models.WebhookEventType",
        "SocialChannelEnum": "social.models.SOCIAL_CHANNELS",
        "MessageDirectionEnum": "social.models.Direction",
        "MessageKindEnum": "social.events.Kind.CHOICES",
        "MessageStateEnum": "social.models.MessageState",
        "BroadcastKindEnum": "broadcasts.models.BroadcastKind",
        "BroadcastStateEnum": "broadcasts.models.BroadcastState",
        "BroadcastPostStateEnum": "broadcasts.models.PostState",
        "BroadcastRecordKindEnum": "broadcasts.models.RecordKind",
    },
}

# Outgoing webhooks (the webhooks app).
# Allow webhook URLs on private, loopback and link-local addresses (off: SSRF protection).
WEBHOOK_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", default=False)
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", default=10)
# Retries back off from the base, doubling, up to the cap; then the delivery gives up.
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=12)
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=60)
WEBHOOK_RETRY_MAX_SECONDS = env.int("WEBHOOK_RETRY_MAX_SECONDS", default=6 * 3600)
# A subscription is disabled after this many failed attempts in a row, over at least this long.
WEBHOOK_DISABLE_AFTER_FAILURES = env.int("WEBHOOK_DISABLE_AFTER_FAILURES", default=50)
WEBHOOK_DISABLE_AFTER_HOURS = env.int("WEBHOOK_DISABLE_AFTER_HOURS", default=24)
WEBHOOK_LOG_RETENTION_DAYS = env.int("WEBHOOK_LOG_RETENTION_DAYS", default=30)

# Django's own "django" logger writes to a console handler of its own under DEBUG and then
# propagates to ours: every line twice. It gets ours alone. A refused request (403) is an
# everyday answer, not a fault: one line without the traceback that Django attaches to it.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"refusals_without_traceback": {"()": "servicedesk.logs.RefusalsWithoutTraceback"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["refusals_without_traceback"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO"), "propagate": False},
        "django.db.backends": {"level": "INFO"},
    },
}

# Social channels (social app). The default X account and Facebook page come from these;
# more are added in the admin, their tokens encrypted with SOCIAL_ENCRYPTION_KEY.
SOCIAL_ENCRYPTION_KEY = env.str("SOCIAL_ENCRYPTION_KEY", default="")
SOCIAL_ENCRYPTION_OLD_KEYS = env.list("SOCIAL_ENCRYPTION_OLD_KEYS", default=[])
TWITTER_ACCOUNT_ID = env.str("TWITTER_ACCOUNT_ID", default="")
TWITTER_HANDLE = env.str("TWITTER_HANDLE", default="")
TWITTER_CONSUMER_KEY = env.str("TWITTER_CONSUMER_KEY", default="")
TWITTER_CONSUMER_SECRET = env.str("TWITTER_CONSUMER_SECRET", default="")
TWITTER_BEARER_TOKEN = env.str("TWITTER_BEARER_TOKEN", default="")
TWITTER_ACCESS_TOKEN = env.str("TWITTER_ACCESS_TOKEN", default="")
TWITTER_ACCESS_TOKEN_SECRET = env.str("TWITTER_ACCESS_TOKEN_SECRET", default="")
# Self-serve X tiers (Free, Basic, Pro) only let an app reply to posts that mention or quote it.
TWITTER_SELF_SERVE_TIER = env.bool("TWITTER_SELF_SERVE_TIER", default=True)
TWITTER_POLL = env.bool("TWITTER_POLL", default=False)
# Listening's recent searches an X account may make per 15 minutes: 60 on the Basic tier
# (X's limit per app and per user; Pro allows 300, Free none).
TWITTER_SEARCH_REQUESTS = env.int("TWITTER_SEARCH_REQUESTS", default=60)
FACEBOOK_PAGE_ID = env.str("FACEBOOK_PAGE_ID", default="")
FACEBOOK_PAGE_NAME = env.str("FACEBOOK_PAGE_NAME", default="")
FACEBOOK_APP_SECRET = env.str("FACEBOOK_APP_SECRET", default="")
FACEBOOK_VERIFY_TOKEN = env.str("FACEBOOK_VERIFY_TOKEN", default="")
FACEBOOK_PAGE_ACCESS_TOKEN = env.str("FACEBOOK_PAGE_ACCESS_TOKEN", default="")
# The Graph API version every call names; see social/facebook/graph.py for why it is pinned.
FACEBOOK_GRAPH_VERSION = env.str("FACEBOOK_GRAPH_VERSION", default="v25.0")
FACEBOOK_POLL = env.bool("FACEBOOK_POLL", default=False)
# Mastodon: the desk's address (user@instance, its id at the desk), the instance's URL and an
# access token with read:notifications, read:statuses and write:statuses. Polled: no webhooks.
MASTODON_ACCOUNT = env.str("MASTODON_ACCOUNT", default="")
MASTODON_BASE_URL = env.str("MASTODON_BASE_URL", default="")
MASTODON_ACCESS_TOKEN = env.str("MASTODON_ACCESS_TOKEN", default="")
MASTODON_POLL = env.bool("MASTODON_POLL", default=True)
# Bluesky: the desk's handle and an app password (Settings → App passwords), on its PDS.
BLUESKY_PDS_URL = env.str("BLUESKY_PDS_URL", default="https://bsky.social")
BLUESKY_HANDLE = env.str("BLUESKY_HANDLE", default="")
BLUESKY_APP_PASSWORD = env.str("BLUESKY_APP_PASSWORD", default="")
BLUESKY_POLL = env.bool("BLUESKY_POLL", default=True)
# Listening's post searches a Bluesky account may make per 5 minutes. The AppView allows an
# address 3,000 requests per 5 minutes for everything; listening takes a small share of it.
BLUESKY_SEARCH_REQUESTS = env.int("BLUESKY_SEARCH_REQUESTS", default=100)
# E-mail: the desk's address (its id at the desk, and the From of its answers, sent through
# the mail backend above), the mailbox it polls over IMAP (imaps://user:password@host/INBOX;
# a password with reserved characters percent-encoded), and the bearer token a mail server's
# pipe or a provider's raw-MIME forwarding presents to POST /social/webhooks/email/.
EMAIL_DESK_ADDRESS = env.str("EMAIL_DESK_ADDRESS", default="")
EMAIL_DESK_NAME = env.str("EMAIL_DESK_NAME", default="Service desk")
EMAIL_IMAP_URL = env.str("EMAIL_IMAP_URL", default="")
EMAIL_INBOUND_TOKEN = env.str("EMAIL_INBOUND_TOKEN", default="")
EMAIL_POLL = env.bool("EMAIL_POLL", default=bool(EMAIL_IMAP_URL))
# A raw message (attachments included) above this is refused with 413 by the webhook, and
# left unread in the mailbox by the poll.
EMAIL_MAX_BYTES = env.int("EMAIL_MAX_BYTES", default=10 * 1024 * 1024)
# Webhook bodies above this are refused with 413 before they are read.
SOCIAL_WEBHOOK_MAX_BYTES = env.int("SOCIAL_WEBHOOK_MAX_BYTES", default=1024 * 1024)
# Under gunicorn, a webhook body that stops arriving for this many seconds is abandoned (400),
# so a client announcing more than it sends cannot hold a worker (servicedesk.request_body).
SOCIAL_WEBHOOK_READ_TIMEOUT = env.float("SOCIAL_WEBHOOK_READ_TIMEOUT", default=5.0)
# Inbound events processed per transaction, and how long a pending event may wait before the
# sweeper re-enqueues it (the broker lost its task, or Redis restarted).
SOCIAL_BATCH_SIZE = env.int("SOCIAL_BATCH_SIZE", default=500)
# After failing to publish (the broker is down), webhook intake stores events without trying
# the broker again for this long; the sweeper enqueues them once it is back.
SOCIAL_ENQUEUE_BACKOFF_SECONDS = env.float("SOCIAL_ENQUEUE_BACKOFF_SECONDS", default=5.0)
# Inbound threads are spread over this many shards, each drained by one worker process at a
# time: at least the number of worker processes; more only makes batches smaller.
SOCIAL_SHARDS = env.int("SOCIAL_SHARDS", default=4)
SOCIAL_SWEEP_GRACE_SECONDS = env.int("SOCIAL_SWEEP_GRACE_SECONDS", default=30)
CELERY_BEAT_SCHEDULE.update(
    {
        "social-sweep-inbox": {"task": "social.tasks.sweep_inbox", "schedule": 60.0},
        "notifications-sweep": {"task": "notifications.tasks.sweep_notifications", "schedule": 60.0},
        "social-sweep-outbox": {"task": "social.tasks.sweep_outbox", "schedule": 30.0},
        "social-poll-accounts": {"task": "social.tasks.poll_accounts", "schedule": 60.0},
        # People introduced by an id alone (Messenger) get their names from the platform.
        "social-fill-identity-names": {"task": "social.tasks.fill_identity_names", "schedule": 300.0},
    }
)

# Spikes (intelligence.spikes): inbound messages are counted per interval, overall and per
# service, and judged once an interval is closed and settled (late polls, sentiment scoring).
SPIKE_INTERVAL_SECONDS = env.int("SPIKE_INTERVAL_SECONDS", default=300)
SPIKE_SETTLE_SECONDS = env.int("SPIKE_SETTLE_SECONDS", default=60)
# How often the detector looks for closed intervals (cheap when there are none).
SPIKE_RUN_EVERY_SECONDS = env.int("SPIKE_RUN_EVERY_SECONDS", default=60)
# A first run learns from this much history; a worker back from an outage reads no further back.
SPIKE_BACKFILL_DAYS = env.int("SPIKE_BACKFILL_DAYS", default=7)
# Spikes older than this when judged (backfill, catching up) are learnt from, not raised.
SPIKE_STALE_SECONDS = env.int("SPIKE_STALE_SECONDS", default=3600)
# Fewer messages than this over the spike's window never alert, however surprising.
SPIKE_MIN_MESSAGES = env.int("SPIKE_MIN_MESSAGES", default=5)
# E-mail each alert to the managers (users of the manager role with an address), linking to
# SPIKE_ALERT_BASE_URL + the alert's page.
SPIKE_ALERT_EMAIL = env.bool("SPIKE_ALERT_EMAIL", default=False)
SPIKE_ALERT_BASE_URL = env.str("SPIKE_ALERT_BASE_URL", default="http://127.0.0.1:8000")
# Broadcasts: scheduled ones published when due; posts whose "sent" signal was lost.
CELERY_BEAT_SCHEDULE["publish-due-broadcasts"] = {"task": "broadcasts.tasks.publish_due_broadcasts", "schedule": 60.0}
# The status page: states recorded (and subscribers mailed) on every change, and this sweep.
CELERY_BEAT_SCHEDULE["record-service-states"] = {"task": "status.tasks.record_state_changes", "schedule": 30.0}
# How long the public status page and its feeds are served from the cache (a state change
# renders them afresh at once).
STATUS_CACHE_SECONDS = env.int("STATUS_CACHE_SECONDS", default=15)
# The address the status e-mails link to (their confirm and unsubscribe links).
STATUS_BASE_URL = env.str("STATUS_BASE_URL", default="http://127.0.0.1:8000")
CELERY_BEAT_SCHEDULE["detect-spikes"] = {
    "task": "intelligence.spikes.tasks.detect_spikes",
    "schedule": float(SPIKE_RUN_EVERY_SECONDS),
}

# Listening (listening/): what is said about IT without addressing the desk, heard on every
# active account of a platform that can listen, under the queries managers define.
LISTENING_ENABLED = env.bool("LISTENING_ENABLED", default=True)
LISTENING_RUN_EVERY_SECONDS = env.int("LISTENING_RUN_EVERY_SECONDS", default=60)
CELERY_BEAT_SCHEDULE["listen"] = {"task": "listening.tasks.listen", "schedule": float(LISTENING_RUN_EVERY_SECONDS)}

# Similar incidents (intelligence.similarity): indexed as they are written, by workers.
# The incident page and the API show open incidents and those resolved in the last this-many days.
SIMILAR_RESOLVED_DAYS = env.int("SIMILAR_RESOLVED_DAYS", default=30)
# Below this score an incident is not shown as similar (0 to 1.5; see docs/performance.md).
SIMILAR_MIN_SCORE = env.float("SIMILAR_MIN_SCORE", default=0.1)
# The sweep indexes what the on-commit tasks missed among incidents changed this far back.
SIMILAR_SWEEP_LOOKBACK_MINUTES = env.int("SIMILAR_SWEEP_LOOKBACK_MINUTES", default=60)
CELERY_BEAT_SCHEDULE["index-similar-incidents"] = {
    "task": "intelligence.similarity.tasks.index_pending",
    "schedule": 30.0,
}
# Problem candidates (intelligence.candidates): groups of similar incidents of this many recent
# hours that no problem holds, looked for every PROBLEM_CANDIDATE_RUN_EVERY_SECONDS.
PROBLEM_CANDIDATE_WINDOW_HOURS = env.int("PROBLEM_CANDIDATE_WINDOW_HOURS", default=48)
PROBLEM_CANDIDATE_MAX_INCIDENTS = env.int("PROBLEM_CANDIDATE_MAX_INCIDENTS", default=5000)
PROBLEM_CANDIDATE_RUN_EVERY_SECONDS = env.int("PROBLEM_CANDIDATE_RUN_EVERY_SECONDS", default=300)
CELERY_BEAT_SCHEDULE["refresh-problem-candidates"] = {
    "task": "intelligence.candidates.tasks.refresh_candidates",
    "schedule": float(PROBLEM_CANDIDATE_RUN_EVERY_SECONDS),
}

# Triage (intelligence.intent, intelligence.routing): praise, thanks and chatter that start a
# conversation on a social channel are kept as feedback and open no incident (off: every
# message opens one, as before).
TRIAGE_INTENT = env.bool("TRIAGE_INTENT", default=True)
# An incident with no service gets the suggested one when the suggestion is at least this
# confident (0–1); below it the suggestion is only shown.
TRIAGE_PREFILL_CONFIDENCE = env.float("TRIAGE_PREFILL_CONFIDENCE", default=0.5)
# How often a worker looks for new labels (services on resolved incidents) to learn from.
TRIAGE_TRAIN_EVERY_SECONDS = env.int("TRIAGE_TRAIN_EVERY_SECONDS", default=900)
CELERY_BEAT_SCHEDULE["train-service-model"] = {
    "task": "intelligence.routing.tasks.train_service_model",
    "schedule": float(TRIAGE_TRAIN_EVERY_SECONDS),
}

# Issue 12's judgement runs on a queue of its own, consumed by workers of its own (`worker-judgement`
# in docker-compose.yml, the second worker of `make run`): intake's drain and the tasks that answer
# people stay on Celery's default queue, `celery`, and never wait behind a backlog of suggestions
# and indexing. With the judgement on, service suggestion and similarity indexing of an intake
# batch took about 11 times the batch's own processing (docs/performance.md); on the shared queue
# a sustained intake would have waited behind them.
CELERY_TASK_DEFAULT_QUEUE = "celery"
JUDGEMENT_QUEUE = "judgement"
CELERY_TASK_ROUTES = {
    task: {"queue": JUDGEMENT_QUEUE}
    for task in (
        # What each intake batch enqueues once it commits:
        "intelligence.routing.tasks.suggest_for_incidents",
        "intelligence.routing.tasks.suggest_for_messages",
        "intelligence.similarity.tasks.index_incidents",
        # The same kind of work on a schedule (beat): the index's sweep, learning, candidates.
        "intelligence.similarity.tasks.index_pending",
        "intelligence.routing.tasks.train_service_model",
        "intelligence.candidates.tasks.refresh_candidates",
    )
}
