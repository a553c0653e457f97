"""Production, gunicorn on TCP: gunicorn alone decides the scheme.

gunicorn sets wsgi.url_scheme from X-Forwarded-Proto only for connections from the proxy's dedicated
source address (forwarded_allow_ips), so Django must not read the header itself: anyone else who can
reach gunicorn could send it.
"""
from .healthy import *  # noqa: F401,F403

SECURE_PROXY_SSL_HEADER = None
