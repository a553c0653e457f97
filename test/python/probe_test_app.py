"""A small Django app for the probe's tests: URLconf, views and the settings they run under."""

from django.http import HttpResponse
from django.urls import path

PROBE_MIDDLEWARE = "proxytrust_probe.ProxytrustProbeMiddleware"
APP_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]

SETTINGS = {
    "DEBUG": False,
    "SECRET_KEY": "proxytrust-probe-tests-only-not-a-real-secret",
    "ALLOWED_HOSTS": ["testserver", "127.0.0.1", "app.example"],
    "ROOT_URLCONF": __name__,
    "MIDDLEWARE": [PROBE_MIDDLEWARE] + APP_MIDDLEWARE,
    "INSTALLED_APPS": [],
    "DATABASES": {},
    # Signed-cookie sessions need no database, and make the app set a cookie on "/".
    "SESSION_ENGINE": "django.contrib.sessions.backends.signed_cookies",
    "USE_TZ": True,
    # Keep test output quiet: 404s and DisallowedHost are expected here; tests read logs with assertLogs.
    "LOGGING": {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"null": {"class": "logging.NullHandler"}},
        "loggers": {
            "django": {"handlers": ["null"], "propagate": False},
            "proxytrust.probe": {"handlers": ["null"], "propagate": False},
        },
    },
}


def home(request):
    request.session["visited"] = True
    return HttpResponse("app home")


urlpatterns = [path("", home)]
