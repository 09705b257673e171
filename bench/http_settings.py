"""Settings of the gunicorn workers bench/interaction.py writes letters to: the development
settings (Django's default password hasher, as in production) on the benchmark's own
PostgreSQL database, with the per-address limits raised, since every letter of the run
comes from 127.0.0.1."""

import os

from config.settings.dev import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
LETTER_RATE = (10**9, 60)
LETTER_LOOKUP_RATE = (10**9, 60)

if os.environ.get("BENCH_FAST_HASHER"):
    # The benchmark's second pass: the cost of a submission without the password hash.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
