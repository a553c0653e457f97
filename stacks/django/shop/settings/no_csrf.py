"""Production, gunicorn alone, and no CSRF protection at all: CsrfViewMiddleware left out.

The home page's form still renders a csrfmiddlewaretoken ({% csrf_token %} works without the
middleware), but no CSRF cookie is ever set and nothing checks a POST's token or Origin.
"""
from .healthy_wsgi_scheme import *  # noqa: F401,F403

MIDDLEWARE = [m for m in MIDDLEWARE if m != "django.middleware.csrf.CsrfViewMiddleware"]  # noqa: F405
