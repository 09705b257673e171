"""Settings shared by every environment of the portal cluster.

Environment-specific files (dev, test, production) import this module and change only
what differs. Docs: https://docs.djangoproject.com/en/5.2/ref/settings/ and
https://docs.wagtail.org/en/stable/reference/settings.html
"""

import datetime
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent

INSTALLED_APPS = [
    # modeltranslation must come before django.contrib.admin to patch model admins.
    "modeltranslation",
    "cms",
    "sites.apps.ClusterConfig",
    "channels.apps.ChannelsConfig",
    "search.apps.PortalSearchConfig",
    "accessibility.apps.AccessibilityConfig",
    "budgets.apps.BudgetsConfig",
    "interaction.apps.InteractionConfig",
    "monitoring.apps.MonitoringConfig",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The cluster picks the public language from the site's profile, not from the browser.
    "sites.middleware.SiteLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into AXES_LOCKOUT_CALLABLE's answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# DATABASE_URL switches to PostgreSQL (postgres://user@host:5432/name); the default is a
# SQLite file, the embedded setup `make serve` runs on.
SQLITE_PATH = os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two concurrent publishes queue up
        # instead of failing with "database is locked" when one upgrades its read lock.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Login lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name
# from one address, that pair is locked for AXES_COOLOFF_TIME; a success resets the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "sites.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "sites.client_address.client_address"
# How many proxies in front of the application append to X-Forwarded-For (nginx: 1). With
# 0, X-Forwarded-For is ignored (sites/client_address.py).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese first: the admin and the municipal portal default to Simplified Chinese; the
# English portal switches per request through its site profile.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
MODELTRANSLATION_DEFAULT_LANGUAGE = "zh-hans"
MODELTRANSLATION_LANGUAGES = ("zh-hans", "en")
# The admin's relative times ("3 分钟之前" in the workflow panel) come from humanize's
# naturaltime, whose translations Django loads only for an installed app.
INSTALLED_APPS += ["django.contrib.humanize"]

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static publishing (静态发布, channels/web/published.py, docs/deploy.md): the web and WAP
# channels keep every published page as a file that nginx serves without Python. Off for
# `make serve` (no nginx in front); production switches it on with STATIC_PUBLISHING=1.
STATIC_PUBLISHING = os.environ.get("STATIC_PUBLISHING", "0") == "1"
PUBLISHED_ROOT = Path(os.environ.get("PUBLISHED_ROOT", BASE_DIR / "var" / "published"))
STORAGES["published"] = {
    "BACKEND": "channels.web.storage.PublishedFileStorage",
    "OPTIONS": {"location": PUBLISHED_ROOT, "base_url": None},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = "郴州市政府网站集约化平台"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://www.czs.localhost:8000")
# Wagtail's own database backend serves admin search only; public search is search/'s.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = [
    "csv",
    "doc",
    "docx",
    "et",
    "ofd",
    "pdf",
    "ppt",
    "pptx",
    "rar",
    "txt",
    "wps",
    "xls",
    "xlsx",
    "zip",
]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 50 * 1024 * 1024
# Every upload goes through one policy (cms/uploads.py): extension allow-list, content
# sniffed to match it, images decoded in full (a truncated file is a form error).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.uploads.PolicyDocumentForm"
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.uploads.PolicyImageForm"
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# Documents are always served through Wagtail's view (/documents/<id>/<name>), never as a
# raw /media/ URL: the view sends Content-Disposition: attachment for everything but PDF,
# with Content-Security-Policy: default-src 'none'; with SecurityMiddleware's
# X-Content-Type-Options: nosniff no uploaded file runs as HTML/SVG/script on our origin.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
# No autosave: every revision is one its author chose to save. Wagtail's autosave writes a
# revision in the name of whoever has the edit page open, reviewers included, as soon as the
# form differs from what loaded (a widget settling late is enough), and nobody approves their
# own last edit (cms/workflow.py): a reviewer who only opened the page could no longer
# approve it. Editors keep the browser's warning before leaving unsaved changes.
WAGTAIL_AUTOSAVE_INTERVAL = 0
# A workflow's final approval publishes as Wagtail's default does, naming the approval so
# the review gate lets that one publish through (cms/review_approval.py, cms/review_gate.py).
WAGTAIL_FINISH_WORKFLOW_ACTION = "cms.review_approval.publish_approved"

# Background tasks: the database backend and its worker in the embedded setup
# (`manage.py run_worker`); production swaps in RQ on Redis.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# How often the worker's clock (cms/clock.py) enqueues the periodic tasks, seconds.
SCHEDULED_PUBLISHING_INTERVAL = 60
# The periodic tasks: scheduled publishing (go-live / expiry) and the outbox's sweep of
# due retries and abandoned deliveries.
PERIODIC_TASKS = [
    "cms.tasks.publish_scheduled",
    "channels.outbox.sweep_deliveries",
    "channels.web.refresh.refresh_site_chrome",
    "cms.validity.apply_expiry_dates",
    "interaction.letter_tasks.send_letter_reminders",
    "interaction.consultation_signals.announce_closings",
    "monitoring.tasks.probe_sites",
    "monitoring.tasks.scan_due_sites",
    "monitoring.tasks.send_daily_digest",
]

# The page model provision_site creates as a new site's root (a dotted path, so sites/
# never imports the content model).
CLUSTER_HOME_PAGE_MODEL = "cms.HomePage"

# Online interviews (interaction/): questions per sender address and interview, per window
# of seconds.
INTERVIEW_QUESTION_RATE = (3, 600)

# -- Letters, consultations, surveys and broadcasts (interaction/, issue 16) ----------------
# Working days (cms/workdays.py): ISO dates the operator declares for a year the
# chinese-calendar package does not know yet (upgrade the package when it does).
EXTRA_HOLIDAYS = []
EXTRA_WORKDAYS = []
# Letter handling (interaction/deadlines.py): warn this many calendar days before a letter's
# 3-month hard line (I03); G03: disclosure items go out within this many working days of
# being written (cms/timeliness.py).
LETTER_HARD_LINE_WARNING_DAYS = 30
DISCLOSURE_DEADLINE_WORKING_DAYS = 20
# Writing letters (interaction/letter_forms.py, letter_submission.py, duplicates.py):
# letters per sender address and mailbox per window (count, seconds); lookups (web, API)
# per sender address; wrong passwords per tracking code before its lookup pauses.
LETTER_RATE = (5, 3600)
LETTER_LOOKUP_RATE = (20, 600)
LETTER_LOOKUP_FAILURES = (10, 3600)
# Attachments: at most this many, each at most this size, of these kinds (cms/uploads.py's
# policy sniffs the content; images are re-encoded).
LETTER_ATTACHMENTS = 3
LETTER_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
LETTER_ATTACHMENT_EXTENSIONS = ["jpg", "jpeg", "png", "gif", "webp", "pdf", "doc", "docx", "wps", "txt"]
# The same writer's near-identical letter within this many days is a duplicate.
LETTER_DUPLICATE_DAYS = 30
# Published letters per page of a mailbox's list.
LETTER_LIST_PAGE_SIZE = 15
# Characters of a tracking code (of 31 unambiguous ones: 31**10 codes).
LETTER_CODE_LENGTH = 10

# Broadcasts (interaction/broadcasts.py): the largest video a broadcast page serves itself
# (mp4/webm, sniffed by the upload policy); a longer show links its stream instead.
BROADCAST_VIDEO_MAX_SIZE = 500 * 1024 * 1024

# Consultations and surveys (interaction/consultations.py, surveys.py): a closed one
# without its feedback notice is flagged to its editors after this many days; comments
# and survey responses per sender address and page per window (count, seconds). An office
# or a school shares one address, so responses are limited, not refused after one.
CONSULTATION_FEEDBACK_DAYS = 15
CONSULTATION_COMMENT_RATE = (5, 3600)
SURVEY_RESPONSE_RATE = (20, 24 * 3600)

# Column list length per page.
COLUMN_PAGE_SIZE = 20

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
# The workflow step model provisioning uses for a site's review steps.
CLUSTER_REVIEW_TASK_MODEL = "cms.NoSelfApprovalTask"

# Public search (search/, docs/search.md). The backend is a dotted path; the default
# follows the database so the embedded setup needs no extra service. Elasticsearch:
# SEARCH_BACKEND=search.backends.elasticsearch.ElasticsearchBackend and ELASTICSEARCH_URL.
SEARCH_BACKEND = os.environ.get(
    "SEARCH_BACKEND",
    "search.backends.postgres.PostgresBackend"
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    else "search.backends.sqlite.SQLiteBackend",
)
SEARCH_ELASTICSEARCH = {
    "URL": os.environ.get("ELASTICSEARCH_URL", "http://127.0.0.1:9200"),
    "INDEX_PREFIX": os.environ.get("SEARCH_INDEX_PREFIX", "portal"),
}
SEARCH_PAGE_SIZE = 10
SEARCH_MAX_PAGE_SIZE = 50
# A query is offered as a hot term only once this many different clients searched it on
# one day (search/hot_terms.py; counted without storing addresses).
SEARCH_HOT_MIN_CLIENTS = int(os.environ.get("SEARCH_HOT_MIN_CLIENTS", "3"))

# Delivery channels (channels/, docs/channels.md): channel key → adapter class (dotted
# path), the way Wagtail picks search backends. This is the one list of channels: columns
# offer the configured ones (each adapter's label), and a channel added here needs no
# migration. The app channel is added below once a push provider is configured.
CHANNEL_ADAPTERS = {
    "web": "channels.web.adapter.WebAdapter",
    "wap": "channels.wap.adapter.WapAdapter",
    "wechat": "channels.wechat.adapter.WeChatAdapter",
    "weibo": "channels.weibo.adapter.WeiboAdapter",
}
# The outbox (channels/outbox.py): bounded retries with exponential backoff, and a lease
# after which a running delivery of a dead worker is resumed.
CHANNEL_MAX_ATTEMPTS = 5  # attempts before a retryable failure becomes final
CHANNEL_RETRY_BASE_SECONDS = 30  # first retry delay; each further retry waits twice as long
CHANNEL_RETRY_MAX_SECONDS = 3600  # cap on one delay
CHANNEL_LEASE_SECONDS = 300  # a running row older than this belongs to a dead worker
# How long an enqueued row may wait before the sweep enqueues it again (a lost enqueue:
# Redis down at commit).
CHANNEL_SWEEP_GRACE_SECONDS = 60
WECHAT_API_BASE_URL = os.environ.get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com/")
WECHAT_CALLBACK_WINDOW_SECONDS = 300  # callback timestamp tolerance, either way (replay window)
# The government microblog (channels/weibo, docs/weibo.md): an app of its own (its account
# and post records), the Weibo open API's address (the demo and tests point it at the
# stand-in), where a post is read on the web, and Weibo's limits as channels/weibo checks
# them before posting.
INSTALLED_APPS += ["channels.weibo.apps.WeiboConfig"]
WEIBO_API_BASE_URL = os.environ.get("WEIBO_API_BASE_URL", "https://api.weibo.com/")
WEIBO_WEB_BASE_URL = os.environ.get("WEIBO_WEB_BASE_URL", "https://weibo.com/")
WEIBO_API_TIMEOUT = 10  # seconds, to connect and to wait for an answer
WEIBO_TEXT_LIMIT = 140  # characters as Weibo counts them (channels/weibo/text.py)
WEIBO_IMAGE_MAX_BYTES = 5 * 1024 * 1024  # a picture must be smaller than this
WEIBO_TIMELINE_COUNT = 100  # latest posts read to find a post whose answer was lost
# statuses/share's `rip`: the address reported as the posting user's (the server's own
# public address); empty: not sent.
WEIBO_REPORTED_IP = os.environ.get("WEIBO_REPORTED_IP", "")

# --- App API (channels/api, docs/api.md) ----------------------------------------------
# The app's own JSON API at /api/v1/ (DRF), its OpenAPI schema (drf-spectacular, Swagger UI
# assets from the sidecar package, no CDN), Wagtail's API v2 at /api/v2/ for compatibility,
# and CORS answered per site (channels/api/cors.py reads each site's allow-list).
INSTALLED_APPS += [
    "channels.api.apps.PortalApiConfig",
    "rest_framework",
    "wagtail.api.v2",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
]
# As high as possible, before CommonMiddleware (django-cors-headers' docs).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware"), "corsheaders.middleware.CorsMiddleware"
)
# Unknown addresses under /api/v1/ answer problem+json (channels/api/middleware.py).
MIDDLEWARE.insert(
    MIDDLEWARE.index("corsheaders.middleware.CorsMiddleware") + 1,
    "channels.api.middleware.ApiNotFoundMiddleware",
)
CORS_URLS_REGEX = r"^/api/v1/"
# No origin is allowed globally; channels/api/cors.py allows a site's listed origins.
CORS_ALLOWED_ORIGINS = []
CORS_ALLOW_HEADERS = ["accept", "authorization", "content-type", "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = ["etag", "last-modified"]
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Anonymous readers per IP (DRF's throttling, in the cache); API keys are not throttled.
    "DEFAULT_THROTTLE_RATES": {"portal_api_anon": os.environ.get("API_ANON_RATE", "600/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "郴州市政府网站集约化平台 App API",
    "DESCRIPTION": "移动客户端与无头前端读取内容、增量同步、预览，以及信息报送写入接口。见 docs/api.md。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "PREPROCESSING_HOOKS": ["channels.api.schema.only_app_api"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums"],
    "ENUM_NAME_OVERRIDES": {
        "ItemTypeEnum": "channels.api.serializers.ITEM_TYPES",
        "ChangeOpEnum": ["upsert", "delete"],
    },
}
# Page sizes of the item lists and the change feed.
API_PAGE_SIZE = 20
API_MAX_PAGE_SIZE = 100
# Lifetime of a draft preview token (seconds) and Cache-Control max-age of public reads.
API_PREVIEW_MAX_AGE = 3600
API_CACHE_MAX_AGE = 60
# App push (channels/push): the provider by dotted path and its settings. The "app"
# channel is only switched on once a provider address is configured.
PUSH_PROVIDER = os.environ.get("PUSH_PROVIDER", "channels.push.providers.WebhookProvider")
PUSH_WEBHOOK_URL = os.environ.get("PUSH_WEBHOOK_URL", "")
PUSH_WEBHOOK_SECRET = os.environ.get("PUSH_WEBHOOK_SECRET", "")
PUSH_JPUSH_URL = os.environ.get("PUSH_JPUSH_URL", "https://api.jpush.cn/v3/push")
PUSH_JPUSH_APP_KEY = os.environ.get("PUSH_JPUSH_APP_KEY", "")
PUSH_JPUSH_MASTER_SECRET = os.environ.get("PUSH_JPUSH_MASTER_SECRET", "")
PUSH_TIMEOUT_SECONDS = 10
# The app's deep link to an item ({id} is the page id).
PUSH_DEEP_LINK = os.environ.get("PUSH_DEEP_LINK", "czapp://item/{id}")
if PUSH_WEBHOOK_URL or PUSH_JPUSH_APP_KEY:
    CHANNEL_ADAPTERS["app"] = "channels.push.adapter.AppPushAdapter"

# --- Accessibility (accessibility/, docs/accessibility.md) ----------------------------
# The reader's mode (关怀版, 纯文本, 高对比度, 大字版) from its cookie: inside the site
# locale middleware so text-only labels speak the site's language; `a11y` in templates.
MIDDLEWARE.insert(
    MIDDLEWARE.index("sites.middleware.SiteLocaleMiddleware") + 1,
    "accessibility.middleware.AccessibilityModeMiddleware",
)
TEMPLATES[0]["OPTIONS"]["context_processors"].append("accessibility.context_processors.a11y")

# --- Content-Security-Policy (django-csp 4; sites/csp.py, docs/security.md) ------------
# Public pages run only the platform's own static scripts: no 'unsafe-inline', no
# 'unsafe-eval'. An inline <style> (the site's theme colours, the WAP stylesheet) is
# allowed by its hash, added per response by {% inline_style %}. A view that needs more
# says so itself (@csp_update: the Swagger UI of /api/v1/docs/).
# Origins images may come from besides this one: S3-compatible media in production
# (config/settings/production.py adds the bucket's), comma-separated.
CSP_MEDIA_ORIGINS = [o.strip() for o in os.environ.get("CSP_MEDIA_ORIGINS", "").split(",") if o.strip()]
INSTALLED_APPS += ["csp"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "sites.csp.PortalCSPMiddleware"
)
# Cache-Control of public HTML pages (config/http_cache.py): outside the middleware that set
# cookies (CSRF, session), so it sees the answer as the reader gets it.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "config.http_cache.PublicCacheControlMiddleware",
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *CSP_MEDIA_ORIGINS],
        "media-src": ["'self'", *CSP_MEDIA_ORIGINS],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}
# The admin (every path under /admin/), as strict as Wagtail 8 allows. Checked in Chromium
# (tests/sites/test_csp_browser.py): the dashboard, image and document listings and the
# account page run without inline code, but the page explorer and report filters (date
# widgets) and every edit form (InlinePanel, date/time widgets, Draftail) write inline
# <script>s, and Wagtail's bundled vendor.js inserts <style> elements, so script-src and
# style-src keep 'unsafe-inline' here, and only here. No 'unsafe-eval'; no other origin.
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        # Copies: production appends the media bucket's origin to each policy's own lists.
        **{name: list(sources) for name, sources in CONTENT_SECURITY_POLICY["DIRECTIVES"].items()},
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *CSP_MEDIA_ORIGINS],
    }
}
# No Gravatar: editors' avatars are not looked up on a third-party server (which the admin's
# CSP would refuse anyway); Wagtail shows its default avatar or an uploaded one.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# --- Two-factor login for the admin (django-otp TOTP; sites/two_factor.py) -------------
# Any admin user may add an authenticator app (账户设置 → 两步验证); from then on the admin
# asks for its 6-digit code after the password. ADMIN_OTP_REQUIRED_FOR_SUPERUSERS sends a
# superuser without one to the setup page before anything else (on in production).
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1, "sites.two_factor.TwoFactorMiddleware"
)
ADMIN_OTP_REQUIRED_FOR_SUPERUSERS = False
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
# Wrong codes: like wrong passwords, AXES_FAILURE_LIMIT per user and client address end the
# half-finished login and lock the pair for AXES_COOLOFF_TIME (each also counts for django-axes);
# a password login does not reset this count, only a right code does. django-otp's own
# throttle doubles the wait after each wrong code for the device, from any address.
TWO_FACTOR_FAILURE_LIMIT = AXES_FAILURE_LIMIT
TWO_FACTOR_COOLOFF_TIME = AXES_COOLOFF_TIME
# django-axes logs a failed attempt's form data: it masks the code as it does the password.
AXES_SENSITIVE_PARAMETERS = ["code"]


# --- The cluster monitor (monitoring/, docs/monitoring.md) ---------------------------------
# The checks a scan runs, in order (a check is a function of the scan's context).
MONITOR_CHECKS = [
    "monitoring.availability.check",  # M01
    "monitoring.freshness.check",  # M03, M05, M06, M09
    "monitoring.citizen_input.check",  # M10, M11
    "monitoring.links.check",  # M13
    "monitoring.wording.check",  # M16
    "monitoring.tamper.check",  # M17, X04
    "monitoring.new_media.check",  # M24
]
# Where the monitor learns about citizens' input and new-media accounts: functions of a
# site named by dotted path, so monitoring/ imports neither the interaction app nor a channel.
MONITOR_INTERACTION_SOURCES = ["interaction.monitor_source.consultation_channels"]
MONITOR_NEW_MEDIA_SOURCES = ["channels.wechat.freshness.accounts", "channels.weibo.freshness.accounts"]
# The annual website report's (M23) interaction figures: functions of (site, year).
MONITOR_REPORT_SOURCES = ["interaction.report_source.annual_figures"]
# Fingerprints of published pages for tamper detection (M17, X04), taken after the web
# channel delivered a publish.
MONITOR_FINGERPRINTS = True
# A scan every this many seconds per site (the clock checks each minute which are due).
MONITOR_SCAN_INTERVAL = 6 * 3600
# Availability probes of each homepage: every 30 minutes is 48 a day (M01 asks ≥ 20).
MONITOR_PROBE_INTERVAL = 30 * 60
MONITOR_PROBE_TIMEOUT = 15  # seconds (M01)
MONITOR_REQUEST_TIMEOUT = 15  # seconds, pages and links
MONITOR_CONCURRENCY = 4  # requests in flight per site
# Distinct link targets checked per site and scan (M13), and hosts whose links are not
# checked at all (fnmatch patterns, e.g. an intranet the monitor cannot reach).
MONITOR_MAX_LINKS = 5000
MONITOR_LINK_SKIP_HOSTS = []
# The hour (local time) after which the day's digest is mailed.
MONITOR_DIGEST_HOUR = 8
# Veto lines and their early warnings (docs/monitoring.md explains each).
MONITOR_THRESHOLDS = {
    "availability_days": 7,
    "availability_veto_rate": 0.05,
    "availability_warn_rate": 0.03,
    "homepage_veto_days": 14,
    "homepage_warn_days": 10,
    "stale_key_columns_veto": 5,
    "stale_key_columns_warn": 3,
    "stale_columns_veto": 10,
    "stale_columns_warn": 7,
    "blank_columns_veto": 5,
    "blank_columns_warn": 3,
    "unanswered_months": 3,
    "unanswered_warn_days": 30,
    "new_media_days": 14,
    "new_media_warn_days": 10,
    "pass_score": 60,
}
# Score deductions below the veto lines: points per finding and the cap per check.
MONITOR_DEDUCTIONS = {
    "M05": (0.5, 5),
    "M06": (1, 10),
    "M09": (2, 10),
    "M13": (0.5, 10),
    "M16": (1, 10),
    "M24": (5, 10),
}
# The WeChat template (消息模板) of alert messages; empty: alerts go by email only.
MONITOR_WECHAT_TEMPLATE_ID = os.environ.get("MONITOR_WECHAT_TEMPLATE_ID", "")

# --- Health endpoint /healthz/ (config/health.py, docs/deploy.md) ------------------------
# Database, cache and task queue, 200 or 503 as JSON for nginx, load balancers and
# monitoring. Its middleware comes first: a probe is answered before host validation, the
# HTTPS redirect, sessions, CSRF, django-axes and the site lookup (which needs the database).
MIDDLEWARE.insert(0, "config.health.HealthCheckMiddleware")
# The rendered-page cache (channels/web/page_cache.py): right after the health check, so a
# hit skips the rest of the stack and what it keeps is the answer as the stack finished it.
# Entries expire after PAGE_CACHE_SECONDS (0: off) and all at once on every publish.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))
MIDDLEWARE.insert(1, "channels.web.page_cache.PageCacheMiddleware")
# Each process remembers which site a host names and its profile (sites/resolution.py),
# checking one token in the shared cache per request; it needs a cache all processes share.
SITE_MEMO = True
# And the app API's list entries it built (channels/api/entries.py), under the page-event
# mark and a token in the shared cache, which it needs for the same reason.
API_ENTRY_MEMO = True
# The queue check per TASKS backend class (a subclass matches too): dotted paths, the way
# CHANNEL_ADAPTERS picks adapters. A backend without one fails the check until it is added.
HEALTH_QUEUE_CHECKS = {
    "django_tasks_rq.RQBackend": "config.health.rq_queue",
    "django_tasks_db.DatabaseBackend": "config.health.database_queue",
    "django_tasks.backends.immediate.ImmediateBackend": "config.health.inline_queue",
}
