"""WSGI entry point, served by gunicorn (see gunicorn.conf.py next to each deployment)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings.healthy")

application = get_wsgi_application()
