"""The probe's request log (PROXYTRUST_PROBE_LOG=1), run with Django's test client."""

import json
import os
import unittest
from unittest import mock

from django.test import Client, SimpleTestCase, override_settings

from test_probe import TOKEN

import proxytrust_probe

REQUEST_LOGGER = "proxytrust.probe.requests"


def environment(log=None, token=None):
    """The app server's environment: the log switch and the probe token, each set or absent."""
    values = {}
    if log is not None:
        values[proxytrust_probe.LOG_ENV_VAR] = log
    if token is not None:
        values[proxytrust_probe.TOKEN_ENV_VAR] = token
    patcher = mock.patch.dict(os.environ, values, clear=False)
    for name in (proxytrust_probe.LOG_ENV_VAR, proxytrust_probe.TOKEN_ENV_VAR):
        if name not in values:
            os.environ.pop(name, None)
    return patcher


def get(path="/", **meta):
    meta.setdefault("HTTP_HOST", "testserver")
    return Client().get(path, **meta)


def logged(test, path="/", **meta):
    """The one record a request logged, parsed, and the line as written."""
    with test.assertLogs(REQUEST_LOGGER, "INFO") as logs:
        response = get(path, **meta)
    test.assertEqual(len(logs.records), 1, logs.output)
    line = logs.records[0].getMessage()
    return json.loads(line), line, response


class RequestLogTests(SimpleTestCase):
    def test_off_by_default_nothing_is_logged(self):
        with environment(), self.assertNoLogs(REQUEST_LOGGER, "DEBUG"):
            self.assertEqual(get().status_code, 200)
        with environment(log="0", token=TOKEN), self.assertNoLogs(REQUEST_LOGGER, "DEBUG"):
            get()

    def test_a_warning_at_start_up_while_it_is_on(self):
        with environment(log="1"), self.assertLogs("proxytrust.probe", "WARNING") as logs:
            get()
        self.assertTrue(any("request log is ON" in line for line in logs.output), logs.output)

    def test_one_line_with_what_django_believed_and_the_forwarding_headers(self):
        with environment(log="1"):
            record, _, _ = logged(
                self,
                "/some/path/?q=secret-query",
                HTTP_X_FORWARDED_PROTO="https",
                HTTP_X_FORWARDED_HOST="evil.example",
                HTTP_FORWARDED="for=1.2.3.4",
                HTTP_X_REAL_IP="1.2.3.4",
                HTTP_X_REQUESTED_WITH="XMLHttpRequest",
                REMOTE_ADDR="10.0.0.7",
            )
        self.assertEqual(record["proxytrust_request"], 1)
        self.assertEqual(record["method"], "GET")
        self.assertEqual(record["path"], "/some/path/")
        self.assertEqual(record["scheme"], "http")
        self.assertIs(record["is_secure"], False)
        self.assertEqual(record["host"], "testserver")
        self.assertIsNone(record["host_error"])
        self.assertEqual(record["remote_addr"], "10.0.0.7")
        self.assertEqual(
            record["headers"],
            {
                "HTTP_FORWARDED": "for=1.2.3.4",
                "HTTP_HOST": "testserver",
                "HTTP_X_FORWARDED_HOST": "evil.example",
                "HTTP_X_FORWARDED_PROTO": "https",
                "HTTP_X_REAL_IP": "1.2.3.4",
            },
        )

    def test_the_scheme_django_derives_is_logged(self):
        with environment(log="1"), override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
            record, _, _ = logged(self, HTTP_X_FORWARDED_PROTO="https")
        self.assertEqual(record["scheme"], "https")
        self.assertIs(record["is_secure"], True)

    def test_a_host_outside_allowed_hosts_is_logged_with_the_reason_and_still_refused(self):
        with environment(log="1"):
            record, _, response = logged(self, HTTP_HOST="evil.example")
        self.assertIsNone(record["host"])
        self.assertTrue(record["host_error"].startswith("DisallowedHost:"), record["host_error"])
        self.assertEqual(response.status_code, 400)

    def test_never_cookie_authorization_or_the_probe_token(self):
        with environment(log="1", token=TOKEN):
            _, line, _ = logged(
                self,
                HTTP_COOKIE="sessionid=cookie-secret",
                HTTP_AUTHORIZATION="Bearer auth-secret",
                HTTP_X_FORWARDED_ACCESS_TOKEN="idp-secret",
                HTTP_X_PROXYTRUST_TOKEN=TOKEN,
            )
        for secret in ("cookie-secret", "auth-secret", "idp-secret", TOKEN):
            self.assertNotIn(secret, line)

    def test_values_are_cut_and_control_characters_escaped_on_one_line(self):
        hostile = "\x1b[31mred\r\nFAKE LOG LINE\x00" + "x" * 5000
        with environment(log="1"):
            record, line, _ = logged(self, HTTP_X_FORWARDED_FOR=hostile)
        self.assertNotRegex(line, r"[\x00-\x1f\x7f]")
        self.assertEqual(record["headers"]["HTTP_X_FORWARDED_FOR"], hostile[: proxytrust_probe.LOG_VALUE_CAP])

    def test_responses_are_the_same_with_the_log_on(self):
        requests = [
            ("/", {}),
            ("/", {"HTTP_HOST": "evil.example"}),
            ("/missing/", {"HTTP_X_FORWARDED_PROTO": "https"}),
            ("/.well-known/proxytrust", {"HTTP_X_PROXYTRUST_TOKEN": TOKEN}),
        ]
        for path, meta in requests:
            with environment():
                baseline = get(path, **meta)
            with environment(log="1"), self.assertLogs(REQUEST_LOGGER, "INFO"):
                answered = get(path, **meta)
            self.assertEqual(answered.status_code, baseline.status_code, path)
            self.assertEqual(answered.content, baseline.content, path)
            headers = [(k, v) for k, v in answered.headers.items() if k != "Set-Cookie"]
            self.assertEqual(headers, [(k, v) for k, v in baseline.headers.items() if k != "Set-Cookie"])

    def test_with_the_log_on_and_no_token_the_probe_path_is_the_apps(self):
        with environment(log="1"), self.assertLogs(REQUEST_LOGGER, "INFO"):
            response = get("/.well-known/proxytrust", HTTP_X_PROXYTRUST_TOKEN=TOKEN)
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(b"probe_version", response.content)


if __name__ == "__main__":
    unittest.main()
