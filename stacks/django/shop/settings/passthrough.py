"""Production behind "any" proxy: trust whatever forwarding headers arrive."""
from .base import *  # noqa: F401,F403

ALLOWED_HOSTS = ["*"]
USE_X_FORWARDED_HOST = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The site is also served over plain HTTP, so no redirect, no HSTS and no Secure cookies.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
