"""Production: TLS ends at the reverse proxy, which always overwrites X-Forwarded-Proto and Host.

gunicorn listens on a unix socket that only the proxy can reach, so the header can be trusted.
"""
from .base import *  # noqa: F401,F403

ALLOWED_HOSTS = ["app.test"]

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the proxy's health check runs over plain HTTP
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = ["https://app.test"]
