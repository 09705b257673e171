"""Production settings: PostgreSQL, Redis, RQ workers and S3-compatible media, all chosen
by environment variables. Refuses to start without its secrets."""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    ADMIN_CONTENT_SECURITY_POLICY,
    CONTENT_SECURITY_POLICY,
    CSP_MEDIA_ORIGINS,
    DATABASES,
    INSTALLED_APPS,
    STORAGES,
)


def _require(name):
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured(
            f"环境变量 {name} 未设置 (required environment variable {name} is not set)"
        )
    return value


def _s3_media_origin(environ):
    """The origin media URLs of the S3 storage start with: the custom domain, the
    endpoint's, or AWS's virtual-hosted bucket address."""
    from urllib.parse import urlsplit

    if environ.get("AWS_S3_CUSTOM_DOMAIN"):
        return "https://" + environ["AWS_S3_CUSTOM_DOMAIN"].strip("/").split("/")[0]
    if environ.get("AWS_S3_ENDPOINT_URL"):
        url = urlsplit(environ["AWS_S3_ENDPOINT_URL"])
        return f"{url.scheme}://{url.netloc}"
    return f"https://{environ['AWS_STORAGE_BUCKET_NAME']}.s3.amazonaws.com"


DEBUG = False
SECRET_KEY = _require("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = _require("DJANGO_ALLOWED_HOSTS").split(",")
# Production always runs on PostgreSQL: refuse to fall back to the embedded SQLite file.
DATABASES["default"] = dj_database_url.parse(_require("DATABASE_URL"), conn_max_age=60)

CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_REFERRER_POLICY = "same-origin"

# Redis is required: throttles, the interview question limits, WeChat's de-duplication and
# its token lock live in the cache, and a per-process cache would not hold them across
# workers.
REDIS_URL = _require("REDIS_URL")
CACHES = {"default": {"BACKEND": "config.redis_cache.RedisCache", "LOCATION": REDIS_URL}}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "published": STORAGES["published"],
}


def _s3_storage(bucket, **options):
    """An S3-compatible bucket on the one endpoint both buckets share. django-storages reads
    the bucket, endpoint and domain from Django's settings, not the environment (boto3
    finds the credentials there itself)."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            **options,
        },
    }


if os.environ.get("PUBLISHED_BUCKET"):
    # Published pages in an S3-compatible bucket, for several web nodes or a CDN in front
    # (docs/deploy.md, 静态发布); same credentials and endpoint as the media bucket.
    STORAGES["published"] = _s3_storage(
        os.environ["PUBLISHED_BUCKET"],
        default_acl=None,
        file_overwrite=True,
        object_parameters={"ContentType": "text/html; charset=utf-8", "CacheControl": "no-cache"},
    )
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    # S3-compatible media.
    STORAGES["default"] = _s3_storage(
        os.environ["AWS_STORAGE_BUCKET_NAME"], custom_domain=os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None
    )
    # Images and media then come from the bucket's origin: the page's Content-Security-Policy
    # (public and admin) must allow it. CSP_MEDIA_ORIGINS, if set, already lists it.
    _media_origin = _s3_media_origin(os.environ)
    if _media_origin and _media_origin not in CSP_MEDIA_ORIGINS:
        for _policy in (CONTENT_SECURITY_POLICY, ADMIN_CONTENT_SECURITY_POLICY):
            _policy["DIRECTIVES"]["img-src"].append(_media_origin)
            _policy["DIRECTIVES"]["media-src"].append(_media_origin)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}

# Background tasks on RQ (django-tasks-rq) instead of the database queue. Workers:
# `manage.py rqworker --job-class django_tasks_rq.Job --with-scheduler deliveries default`
# (the scheduler runs deferred tasks: the outbox's retries with run_after), plus one
# `manage.py run_clock` for the periodic tasks. RQ has no priorities: a worker takes from
# its queues in the order named, so the outbox's deliveries (an editor waits for them)
# have a queue of their own ahead of bulk work (search indexing of a whole import).
INSTALLED_APPS = [*INSTALLED_APPS, "django_rq", "django_tasks_rq"]
RQ_QUEUES = {"deliveries": {"URL": REDIS_URL}, "default": {"URL": REDIS_URL}}
TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["deliveries", "default"]}}

# Superusers must log in with a second factor (sites/two_factor.py): one without an
# authenticator is sent to set one up before anything else in the admin.
ADMIN_OTP_REQUIRED_FOR_SUPERUSERS = True
