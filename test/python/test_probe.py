"""Tests for python/proxytrust_probe.py, run with Django's test client and a real threaded WSGI server."""

import http.client
import json
import os
import sys
import threading
import unittest
from concurrent.futures import ThreadPoolExecutor
from socketserver import ThreadingMixIn
from unittest import mock
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
sys.path.insert(0, HERE)

import django  # noqa: E402
from django.conf import settings  # noqa: E402

import probe_test_app  # noqa: E402

if not settings.configured:
    settings.configure(**probe_test_app.SETTINGS)
    django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.test import AsyncClient, Client, RequestFactory, SimpleTestCase, override_settings  # noqa: E402

import proxytrust_probe  # noqa: E402

TOKEN = "t" * 40
PROBE_PATH = "/.well-known/proxytrust"
PROBE_LOGGER = "proxytrust.probe"
WITHOUT_PROBE = probe_test_app.APP_MIDDLEWARE
SECURITY_MIDDLEWARE, *LATER_MIDDLEWARE = probe_test_app.APP_MIDDLEWARE
NOT_FIRST = [SECURITY_MIDDLEWARE, probe_test_app.PROBE_MIDDLEWARE] + LATER_MIDDLEWARE


def token_env(token):
    """Patches the process environment the way an app server would set it."""
    values = {} if token is None else {proxytrust_probe.TOKEN_ENV_VAR: token}
    return mock.patch.dict(os.environ, values, clear=False)


def send(method="GET", path=PROBE_PATH, token=TOKEN, **meta):
    """One request through a freshly loaded middleware stack (middleware reads the env when loaded)."""
    if token is not None:
        meta["HTTP_X_PROXYTRUST_TOKEN"] = token
    meta.setdefault("HTTP_HOST", "testserver")
    return Client().generic(method, path, **meta)


class ProbeTestCase(SimpleTestCase):
    def setUp(self):
        os.environ.pop(proxytrust_probe.TOKEN_ENV_VAR, None)
        patcher = token_env(TOKEN)
        patcher.start()
        self.addCleanup(patcher.stop)

    def probe_json(self, response):
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json")
        return json.loads(response.content)

    def assert_app_answered(self, method="GET", path=PROBE_PATH, token=TOKEN, **meta):
        """The request gets exactly what the app answers when the probe is not installed."""
        answered = send(method, path, token, **meta)
        with override_settings(MIDDLEWARE=WITHOUT_PROBE):
            baseline = send(method, path, token, **meta)
        self.assertEqual(answered.status_code, baseline.status_code)
        self.assertEqual(answered.content, baseline.content)
        self.assertEqual(sorted(answered.headers.items()), sorted(baseline.headers.items()))
        self.assertNotIn(b"probe_version", answered.content)
        return answered


class SwitchedOffTests(ProbeTestCase):
    def test_without_env_var_the_app_answers(self):
        with token_env(None):
            os.environ.pop(proxytrust_probe.TOKEN_ENV_VAR)
            self.assertEqual(self.assert_app_answered().status_code, 404)

    def test_token_of_31_characters_keeps_it_off_with_one_warning(self):
        with token_env("s" * 31), self.assertLogs(PROBE_LOGGER, "WARNING") as logs:
            self.assert_app_answered(token="s" * 31)
        self.assertEqual(len(logs.records), 1)
        self.assertIn("OFF", logs.output[0])
        self.assertIn("31 characters", logs.output[0])

    def test_token_of_32_characters_turns_it_on(self):
        with token_env("s" * 32):
            self.probe_json(send(token="s" * 32))

    def test_whitespace_around_the_env_token_is_ignored(self):
        with token_env("  %s\n" % TOKEN):
            self.probe_json(send(token=TOKEN))

    def test_path_setting_without_leading_slash_keeps_it_off(self):
        with override_settings(PROXYTRUST_PROBE_PATH="well-known/proxytrust"):
            with self.assertLogs(PROBE_LOGGER, "WARNING") as logs:
                self.assert_app_answered(path="/well-known/proxytrust")
        self.assertIn("PROXYTRUST_PROBE_PATH", logs.output[0])


class TokenTests(ProbeTestCase):
    def test_right_token_gets_the_probe_answer(self):
        body = self.probe_json(send())
        self.assertEqual(body["probe_version"], 1)
        self.assertEqual(body["scheme"], "http")
        self.assertIs(body["is_secure"], False)
        self.assertEqual(body["host"], "testserver")
        self.assertEqual(body["absolute_uri"], "http://testserver/")
        self.assertEqual(body["remote_addr"], "127.0.0.1")
        self.assertEqual(body["wsgi_url_scheme"], "http")
        self.assertEqual(body["headers"], {"HTTP_HOST": "testserver"})

    def test_wrong_token_gets_the_app_answer(self):
        self.assert_app_answered(token=TOKEN[:-1] + "x")

    def test_token_prefix_and_extension_get_the_app_answer(self):
        self.assert_app_answered(token=TOKEN[:-1])
        self.assert_app_answered(token=TOKEN + "t")

    def test_missing_token_gets_the_app_answer(self):
        self.assert_app_answered(token=None)

    def test_token_with_characters_outside_latin1_gets_the_app_answer(self):
        self.assert_app_answered(token="\u2603" * 40)

    def test_token_is_compared_in_constant_time_on_bytes(self):
        with mock.patch.object(
            proxytrust_probe.hmac, "compare_digest", wraps=proxytrust_probe.hmac.compare_digest
        ) as compare:
            self.probe_json(send())
        compare.assert_called_once_with(TOKEN.encode(), TOKEN.encode())

    def test_post_with_the_token_passes_through(self):
        self.assertEqual(self.assert_app_answered(method="POST").status_code, 404)

    def test_other_methods_with_the_token_pass_through(self):
        for method in ("PUT", "DELETE", "OPTIONS", "PATCH"):
            with self.subTest(method=method):
                self.assert_app_answered(method=method)

    def test_head_with_the_token_gets_headers_and_no_body(self):
        # Called directly: the test client drops HEAD bodies itself, and so do some servers but not all.
        app = mock.Mock(name="get_response")
        middleware = proxytrust_probe.ProxytrustProbeMiddleware(app)
        response = middleware(RequestFactory().head(PROBE_PATH, HTTP_X_PROXYTRUST_TOKEN=TOKEN))
        app.assert_not_called()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(response.content, b"")
        self.assertEqual(response["Cache-Control"], "no-store")

    def test_other_paths_with_the_token_pass_through(self):
        self.assertEqual(self.assert_app_answered(path="/").content, b"app home")
        self.assert_app_answered(path=PROBE_PATH + "/")
        self.assert_app_answered(path=PROBE_PATH.upper())


class AnswerTests(ProbeTestCase):
    def test_answer_is_never_cached_and_sets_no_cookie(self):
        response = send(HTTP_COOKIE="sessionid=abc")
        self.probe_json(response)
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertNotIn("Set-Cookie", response.headers)
        self.assertEqual(len(response.cookies), 0)

    def test_disallowed_host_is_reported_not_raised(self):
        response = send(HTTP_HOST="evil.example")
        body = self.probe_json(response)
        self.assertIsNone(body["host"])
        self.assertTrue(
            body["host_error"].startswith("DisallowedHost: Invalid HTTP_HOST header: 'evil.example'")
        )
        self.assertIsNone(body["absolute_uri"])
        self.assertIn("DisallowedHost", body["absolute_uri_error"])
        self.assertEqual(body["headers"]["HTTP_HOST"], "evil.example")
        # Without the token the app's own host validation answers.
        self.assertEqual(self.assert_app_answered(token=None, HTTP_HOST="evil.example").status_code, 400)

    def test_spoofed_proto_without_ssl_header_setting_stays_http(self):
        body = self.probe_json(send(HTTP_X_FORWARDED_PROTO="https"))
        self.assertEqual(body["scheme"], "http")
        self.assertIs(body["is_secure"], False)
        self.assertEqual(body["headers"]["HTTP_X_FORWARDED_PROTO"], "https")
        self.assertIsNone(body["settings"]["SECURE_PROXY_SSL_HEADER"])

    @override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
    def test_ssl_header_setting_makes_a_spoofed_proto_believed_and_shows_why(self):
        body = self.probe_json(send(HTTP_X_FORWARDED_PROTO="https"))
        self.assertEqual(body["scheme"], "https")
        self.assertIs(body["is_secure"], True)
        self.assertEqual(body["wsgi_url_scheme"], "http")
        self.assertEqual(body["absolute_uri"], "https://testserver/")
        self.assertEqual(body["settings"]["SECURE_PROXY_SSL_HEADER"], ["HTTP_X_FORWARDED_PROTO", "https"])

    @override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_EDGE_PROTO", "on"))
    def test_header_named_by_ssl_header_setting_is_echoed(self):
        body = self.probe_json(send(HTTP_X_EDGE_PROTO="on", HTTP_X_OTHER="no"))
        self.assertEqual(body["headers"]["HTTP_X_EDGE_PROTO"], "on")
        self.assertNotIn("HTTP_X_OTHER", body["headers"])
        self.assertIs(body["is_secure"], True)

    @override_settings(SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO")
    def test_malformed_ssl_header_setting_is_reported_not_raised(self):
        body = self.probe_json(send(HTTP_X_FORWARDED_PROTO="https"))
        self.assertIsNone(body["scheme"])
        self.assertIsNone(body["is_secure"])
        self.assertTrue(body["scheme_error"].startswith("ImproperlyConfigured"))
        self.assertEqual(body["settings"]["SECURE_PROXY_SSL_HEADER"], "HTTP_X_FORWARDED_PROTO")

    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_probe_answers_before_the_https_redirect(self):
        body = self.probe_json(send())
        self.assertIs(body["settings"]["SECURE_SSL_REDIRECT"], True)
        self.assertEqual(self.assert_app_answered(token=None).status_code, 301)

    @override_settings(
        ALLOWED_HOSTS=["*"], USE_X_FORWARDED_HOST=True, USE_X_FORWARDED_PORT=True, SECURE_SSL_REDIRECT=False
    )
    def test_settings_that_decide_host_and_scheme_are_reported(self):
        body = self.probe_json(send(HTTP_X_FORWARDED_HOST="public.example", HTTP_X_FORWARDED_PORT="8443"))
        self.assertEqual(
            body["settings"],
            {
                "SECURE_PROXY_SSL_HEADER": None,
                "USE_X_FORWARDED_HOST": True,
                "USE_X_FORWARDED_PORT": True,
                "SECURE_SSL_REDIRECT": False,
                "ALLOWED_HOSTS_contains_star": True,
            },
        )
        # Django takes the port from X-Forwarded-Port only for get_port(), never for get_host().
        self.assertEqual(body["host"], "public.example")
        self.assertEqual(body["absolute_uri"], "http://public.example/")

    def test_allowed_hosts_is_reported_as_a_boolean_never_the_list(self):
        response = send()
        self.assertIs(self.probe_json(response)["settings"]["ALLOWED_HOSTS_contains_star"], False)
        self.assertNotIn(b"app.example", response.content)

    def test_all_forwarding_headers_are_echoed(self):
        forwarding = {key: "value-of-" + key for key in proxytrust_probe.FORWARDING_META_KEYS}
        forwarding.update(
            HTTP_X_FORWARDED_FOR="203.0.113.7", HTTP_X_FORWARDED_SSL="on", HTTP_HOST="app.example"
        )
        body = self.probe_json(send(**forwarding))
        self.assertEqual(body["headers"], forwarding)

    @override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_AUTHORIZATION", "Bearer secret-auth"))
    def test_credentials_and_other_headers_are_never_echoed(self):
        secrets = {
            "HTTP_COOKIE": "sessionid=secret-cookie",
            "HTTP_AUTHORIZATION": "Bearer secret-auth",
            "HTTP_PROXY_AUTHORIZATION": "Basic secret-proxy-auth",
            "HTTP_X_FORWARDED_ACCESS_TOKEN": "secret-forwarded-token",
            "HTTP_X_FORWARDED_AUTHORIZATION": "secret-forwarded-auth",
            "HTTP_USER_AGENT": "secret-agent",
            "HTTP_X_API_KEY": "secret-api-key",
        }
        response = send(**secrets)
        body = self.probe_json(response)
        self.assertNotIn(b"secret", response.content.replace(b"secret-auth", b""))
        self.assertNotIn(TOKEN.encode(), response.content)
        self.assertEqual(set(body["headers"]), {"HTTP_HOST"})

    @override_settings(PROXYTRUST_PROBE_PATH="/_ops/trust")
    def test_path_is_configurable(self):
        self.probe_json(send(path="/_ops/trust"))
        self.assert_app_answered(path=PROBE_PATH)

    def test_schema_has_exactly_the_documented_fields(self):
        body = self.probe_json(send())
        self.assertEqual(
            set(body),
            {
                "probe_version",
                "scheme",
                "scheme_error",
                "is_secure",
                "host",
                "host_error",
                "absolute_uri",
                "absolute_uri_error",
                "remote_addr",
                "wsgi_url_scheme",
                "headers",
                "settings",
                "truncated",
            },
        )


class PositionTests(ProbeTestCase):
    def test_warns_once_when_not_first_in_middleware(self):
        with override_settings(MIDDLEWARE=NOT_FIRST), self.assertLogs(PROBE_LOGGER, "WARNING") as logs:
            client = Client()
            for _ in range(3):
                client.get(PROBE_PATH, HTTP_X_PROXYTRUST_TOKEN=TOKEN)
        not_first = [line for line in logs.output if "not first in MIDDLEWARE" in line]
        self.assertEqual(len(not_first), 1)
        self.assertIn("SecurityMiddleware", not_first[0])

    def test_no_position_warning_when_first(self):
        with self.assertLogs(PROBE_LOGGER, "WARNING") as logs:
            self.probe_json(send())
        self.assertEqual([line for line in logs.output if "not first" in line], [])
        self.assertIn("ON at /.well-known/proxytrust", logs.output[0])


class HostileInputTests(ProbeTestCase):
    def test_oversize_values_are_cut_at_the_cap(self):
        cap = proxytrust_probe.VALUE_CAP
        self.assertEqual(cap, 1024)
        huge_host = "h" * 5000 + ".example"
        response = send(HTTP_HOST=huge_host, HTTP_X_FORWARDED_FOR="1" * 5000, HTTP_X_REAL_IP="2" * cap)
        body = self.probe_json(response)
        self.assertEqual(body["headers"]["HTTP_X_FORWARDED_FOR"], "1" * cap)
        self.assertEqual(body["headers"]["HTTP_X_REAL_IP"], "2" * cap)
        self.assertEqual(len(body["headers"]["HTTP_HOST"]), cap)
        self.assertEqual(len(body["host_error"]), cap)
        self.assertEqual(
            sorted(body["truncated"]),
            ["absolute_uri_error", "headers.HTTP_HOST", "headers.HTTP_X_FORWARDED_FOR", "host_error"],
        )
        self.assertNotIn(b"1" * (cap + 1), response.content)
        self.assertNotIn(b"h" * (cap + 1), response.content)

    def test_malformed_hosts_never_crash_it(self):
        for host in ("", "[", "a b", "exa\x00mple", "::::", "example.com:99999999", "\u00e9.example"):
            with self.subTest(host=host):
                body = self.probe_json(send(HTTP_HOST=host))
                self.assertTrue((body["host"] is None) != (body["host_error"] is None))

    def test_many_concurrent_requests_through_a_real_wsgi_server_get_their_own_answers(self):
        with token_env(TOKEN):
            application = WSGIHandler()
        server = make_server("127.0.0.1", 0, application, ThreadingWSGIServer, QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(thread.join, 10)
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        port = server.server_address[1]

        def exchange(index):
            client_ip = "198.51.100.%d" % (index % 250)
            headers = {"X-Forwarded-For": client_ip, "X-Forwarded-Proto": "https" if index % 2 else "http"}
            if index % 3:
                headers["X-Proxytrust-Token"] = TOKEN
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                connection.request("GET", PROBE_PATH, headers=headers)
                response = connection.getresponse()
                return index, headers, response.status, response.getheader("Cache-Control"), response.read()
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=16) as pool:
            results = list(pool.map(exchange, range(240)))

        for index, sent, status, cache_control, content in results:
            if "X-Proxytrust-Token" not in sent:
                self.assertEqual(status, 404, index)
                self.assertNotIn(b"probe_version", content)
                continue
            self.assertEqual((status, cache_control), (200, "no-store"), index)
            body = json.loads(content)
            self.assertEqual(body["headers"]["HTTP_X_FORWARDED_FOR"], sent["X-Forwarded-For"], index)
            self.assertEqual(body["headers"]["HTTP_X_FORWARDED_PROTO"], sent["X-Forwarded-Proto"], index)
            self.assertEqual(body["host"], "127.0.0.1:%d" % port)
            self.assertEqual((body["scheme"], body["wsgi_url_scheme"]), ("http", "http"))


class AsyncStackTests(ProbeTestCase):
    async def test_probe_answers_under_asgi(self):
        response = await AsyncClient().get(PROBE_PATH, headers={"X-Proxytrust-Token": TOKEN})
        body = self.probe_json(response)
        self.assertEqual(body["scheme"], "http")
        self.assertIsNone(body["wsgi_url_scheme"])

    async def test_wrong_token_under_asgi_gets_the_app_answer(self):
        response = await AsyncClient().get(PROBE_PATH, headers={"X-Proxytrust-Token": "x" * 40})
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(b"probe_version", response.content)


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 64  # all client threads may connect at once


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature fixed by the base class
        pass


if __name__ == "__main__":
    unittest.main()
