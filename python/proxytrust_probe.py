"""proxytrust probe: shows what Django believes about a request after the reverse proxy.

Copy this file into your project, add it FIRST in MIDDLEWARE, and set the environment
variable PROXYTRUST_PROBE_TOKEN (at least 32 characters) in the app server's environment.
Then a GET to /.well-known/proxytrust carrying the header X-Proxytrust-Token: <token>
returns JSON with the scheme, host and forwarding headers Django saw. Every other
request, including one with a wrong or missing token, goes to your app unchanged.
Remove it when you are done.

With PROXYTRUST_PROBE_LOG=1 in the environment it also logs one JSON line per request (logger
"proxytrust.probe.requests", level INFO): method, path, scheme, is_secure(), get_host() or why
Django refused the host, REMOTE_ADDR and the forwarding headers received, never Cookie or
Authorization. `proxytrust logs FILE` reads those lines. Responses are never changed by it.

Requires only Django (3.2 or later) and Python 3.8 or later.
Documentation: docs/probe.md in the proxytrust source repository.
"""

from __future__ import annotations

import hmac
import json
import logging
import os

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpResponse, JsonResponse
from django.utils.deprecation import MiddlewareMixin
from django.utils.module_loading import import_string

PROBE_VERSION = 1
TOKEN_ENV_VAR = "PROXYTRUST_PROBE_TOKEN"
LOG_ENV_VAR = "PROXYTRUST_PROBE_LOG"
# Marks a request line, so the reader finds it behind any prefix a log format adds.
LOG_RECORD_KEY = "proxytrust_request"
# Request values in a log line are cut to this many characters.
LOG_VALUE_CAP = 256
TOKEN_META_KEY = "HTTP_X_PROXYTRUST_TOKEN"  # the X-Proxytrust-Token request header
PATH_SETTING = "PROXYTRUST_PROBE_PATH"
DEFAULT_PATH = "/.well-known/proxytrust"
MIN_TOKEN_LENGTH = 32
# Every string taken from the request is cut to this many characters before it is echoed.
VALUE_CAP = 1024

ANSWERED_METHODS = ("GET", "HEAD")
FORWARDING_META_KEYS = (
    "HTTP_HOST",
    "HTTP_FORWARDED",
    "HTTP_X_REAL_IP",
    "HTTP_X_SCHEME",
    "HTTP_X_URL_SCHEME",
    "HTTP_FRONT_END_HTTPS",
    "HTTP_CF_VISITOR",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_X_CLIENT_IP",
)
FORWARDED_FAMILY_PREFIX = "HTTP_X_FORWARDED_"
# Never echoed, even when SECURE_PROXY_SSL_HEADER names them.
NEVER_ECHOED_META_KEYS = frozenset(
    ("HTTP_COOKIE", "HTTP_AUTHORIZATION", "HTTP_PROXY_AUTHORIZATION", TOKEN_META_KEY)
)
# Identity-aware proxies put credentials in X-Forwarded-* headers
# (for example X-Forwarded-Access-Token); names containing these words are never echoed.
CREDENTIAL_NAME_PARTS = ("TOKEN", "AUTH", "SECRET", "PASSW", "COOKIE", "SESSION", "KEY", "JWT")

logger = logging.getLogger("proxytrust.probe")
request_logger = logging.getLogger("proxytrust.probe.requests")


class ProxytrustProbeMiddleware(MiddlewareMixin):
    """Answers the token-guarded probe path with what Django believes; passes everything else on."""

    def __init__(self, get_response):
        self.log_requests = os.environ.get(LOG_ENV_VAR, "").strip() == "1"
        token, self.path = _probe_settings()
        if token is None and not self.log_requests:
            raise MiddlewareNotUsed("%s is not set or not usable" % TOKEN_ENV_VAR)
        super().__init__(get_response)
        self._token = token.encode("utf-8") if token is not None else None
        if token is not None:
            logger.warning("proxytrust probe is ON at %s; remove it when you are done.", self.path)
        if self.log_requests:
            _route_request_log()
            logger.warning(
                "proxytrust request log is ON (%s=1): one line per request on the logger %r; "
                "turn it off when you are done.",
                LOG_ENV_VAR,
                request_logger.name,
            )
        if not self._is_first_middleware():
            logger.warning(
                "proxytrust probe is not first in MIDDLEWARE (first is %r): middleware before it, "
                "such as SecurityMiddleware's HTTPS redirect, may answer before it and hide what "
                "Django believes.",
                _first_middleware_path(),
            )

    def process_request(self, request):
        if self.log_requests:
            _log_request(request)
        if self._token is None:
            return None
        if request.method not in ANSWERED_METHODS or request.path_info != self.path:
            return None
        if not self._carries_token(request):
            return None
        return _probe_response(request)

    def _carries_token(self, request) -> bool:
        presented = request.META.get(TOKEN_META_KEY)
        if not isinstance(presented, str):
            return False
        try:
            # WSGI and ASGI servers decode header bytes as latin-1; this gives the raw bytes back.
            presented_bytes = presented.encode("latin-1")
        except UnicodeEncodeError:
            return False
        return hmac.compare_digest(presented_bytes, self._token)

    def _is_first_middleware(self) -> bool:
        first = _first_middleware_path()
        if first is None:
            return False
        try:
            # Django has imported every middleware by now, so this is a lookup, not a fresh import.
            return import_string(first) is type(self)
        except ImportError:
            return False


def _probe_settings():
    """(token, path), or (None, None) when the probe must stay off: no token, a short one, a bad path."""
    token = os.environ.get(TOKEN_ENV_VAR, "").strip()
    if not token:
        return None, None
    if len(token) < MIN_TOKEN_LENGTH:
        logger.warning(
            "proxytrust probe is OFF: %s has %d characters, at least %d are required.",
            TOKEN_ENV_VAR,
            len(token),
            MIN_TOKEN_LENGTH,
        )
        return None, None
    path = getattr(settings, PATH_SETTING, DEFAULT_PATH)
    if not isinstance(path, str) or not path.startswith("/"):
        logger.warning("proxytrust probe is OFF: %s must be a path starting with '/'.", PATH_SETTING)
        return None, None
    return token, path


def _route_request_log():
    """INFO lines must come out even where LOGGING only shows warnings, and somewhere when nothing is set up."""
    if request_logger.level == logging.NOTSET:
        request_logger.setLevel(logging.INFO)
    if not request_logger.hasHandlers():
        request_logger.addHandler(logging.StreamHandler())


def _log_request(request):
    def cut(value):
        return value[:LOG_VALUE_CAP] if isinstance(value, str) else value

    scheme, scheme_error = _attempt(lambda: request.scheme)
    host, host_error = _attempt(request.get_host)
    record = {
        LOG_RECORD_KEY: PROBE_VERSION,
        "method": cut(request.method),
        "path": cut(request.path),
        "scheme": scheme,
        "scheme_error": cut(scheme_error),
        "is_secure": _attempt(request.is_secure)[0],
        "host": cut(host),
        "host_error": cut(host_error),
        "remote_addr": cut(request.META.get("REMOTE_ADDR")),
        "wsgi_url_scheme": cut(request.META.get("wsgi.url_scheme")),
        "headers": {key: cut(request.META[key]) for key in _echoed_meta_keys(request.META)},
    }
    # ensure_ascii escapes control characters and everything beyond ASCII: one line, whatever was sent.
    request_logger.info(json.dumps(record, sort_keys=True, ensure_ascii=True))


def _first_middleware_path():
    middleware = getattr(settings, "MIDDLEWARE", None) or ()
    return middleware[0] if middleware else None


def _probe_response(request) -> HttpResponse:
    truncated = []

    def capped(field: str, value):
        if isinstance(value, str) and len(value) > VALUE_CAP:
            truncated.append(field)
            return value[:VALUE_CAP]
        return value

    scheme, scheme_error = _attempt(lambda: request.scheme)
    is_secure = _attempt(request.is_secure)[0]  # its error is the scheme_error
    host, host_error = _attempt(request.get_host)
    absolute_uri, absolute_uri_error = _attempt(lambda: request.build_absolute_uri("/"))
    body = {
        "probe_version": PROBE_VERSION,
        "scheme": scheme,
        "scheme_error": scheme_error,
        "is_secure": is_secure,
        "host": capped("host", host),
        "host_error": capped("host_error", host_error),
        "absolute_uri": capped("absolute_uri", absolute_uri),
        "absolute_uri_error": capped("absolute_uri_error", absolute_uri_error),
        "remote_addr": capped("remote_addr", request.META.get("REMOTE_ADDR")),
        "wsgi_url_scheme": capped("wsgi_url_scheme", request.META.get("wsgi.url_scheme")),
        "headers": {
            key: capped("headers." + key, request.META[key]) for key in _echoed_meta_keys(request.META)
        },
        "settings": _deciding_settings(),
    }
    body["truncated"] = truncated
    response = JsonResponse(body, json_dumps_params={"sort_keys": True})
    if request.method == "HEAD":
        response.content = b""
    response["Cache-Control"] = "no-store"
    return response


def _attempt(compute):
    """Returns (value, None) or (None, error message): a hostile request must never crash the probe."""
    try:
        return compute(), None
    except Exception as error:  # noqa: BLE001 - DisallowedHost, ImproperlyConfigured, anything else
        return None, "%s: %s" % (type(error).__name__, error)


def _echoed_meta_keys(meta) -> list:
    named = set(FORWARDING_META_KEYS)
    named.update(key for key in meta if key.startswith(FORWARDED_FAMILY_PREFIX))
    ssl_header = _ssl_header_name()
    if ssl_header is not None:
        named.add(ssl_header)
    return sorted(key for key in named if isinstance(meta.get(key), str) and _may_echo(key))


def _may_echo(meta_key: str) -> bool:
    if meta_key in NEVER_ECHOED_META_KEYS:
        return False
    if meta_key.startswith(FORWARDED_FAMILY_PREFIX):
        suffix = meta_key[len(FORWARDED_FAMILY_PREFIX) :]
        return not any(part in suffix for part in CREDENTIAL_NAME_PARTS)
    return True


def _ssl_header_name():
    value = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], str):
        return value[0]
    return None


def _deciding_settings() -> dict:
    return {
        "SECURE_PROXY_SSL_HEADER": _ssl_header_setting_as_json(),
        "USE_X_FORWARDED_HOST": bool(getattr(settings, "USE_X_FORWARDED_HOST", False)),
        "USE_X_FORWARDED_PORT": bool(getattr(settings, "USE_X_FORWARDED_PORT", False)),
        "SECURE_SSL_REDIRECT": bool(getattr(settings, "SECURE_SSL_REDIRECT", False)),
        "ALLOWED_HOSTS_contains_star": "*" in (getattr(settings, "ALLOWED_HOSTS", None) or ()),
    }


def _ssl_header_setting_as_json():
    value = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return [str(part) for part in value]
    # Malformed (Django raises ImproperlyConfigured on use); shown as text so the scanner can say so.
    return str(value)
