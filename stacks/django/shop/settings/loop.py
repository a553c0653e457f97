"""Production: the same settings as healthy.py.

Behind a proxy that does not send X-Forwarded-Proto every HTTPS request looks like HTTP to Django,
so SECURE_SSL_REDIRECT sends the browser back to the URL it just asked for.
"""
from .healthy import *  # noqa: F401,F403
