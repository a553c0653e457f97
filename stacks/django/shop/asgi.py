"""ASGI entry point, served by uvicorn or daphne (see stacks/app-servers.ts)."""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings.healthy")

application = get_asgi_application()
