"""The healthy deployment serving many virtual hosts (bench/fleet.bench.ts): every name under fleet.test.

Several gunicorn workers answer, so sessions live in signed cookies, which any of them can read.
"""
from .healthy_wsgi_scheme import *  # noqa: F401,F403

ALLOWED_HOSTS = [".fleet.test"]
# Django accepts a same-origin Origin on its own; there is no single site to trust besides.
CSRF_TRUSTED_ORIGINS = []
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
