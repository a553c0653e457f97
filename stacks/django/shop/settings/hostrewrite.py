"""Production: the proxy talks to gunicorn by address, so its upstream address arrives as Host."""
import os

from .base import *  # noqa: F401,F403

# "Invalid HTTP_HOST header" errors went away once the upstream address was allowed as well.
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "app.test").split(",")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
