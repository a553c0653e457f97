"""Tests for python/proxytrust_settings_dump.py's pure parts: the env file reader, value encoding, redaction."""

import json
import os
import re
import sys
import unittest
from pathlib import Path

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))

import proxytrust_settings_dump as dump  # noqa: E402


class EnvFileTest(unittest.TestCase):
    def test_reads_bare_quoted_and_exported_values_and_skips_comments(self):
        text = "\n".join(
            [
                "# deployment",
                "",
                "DJANGO_ALLOWED_HOSTS=app.test,www.app.test  # both names",
                "export DEBUG=False",
                "SINGLE='a # kept \\n literally'",
                'DOUBLE="line\\nnext \\"quoted\\"" # comment',
                "URL=https://app.test/#fragment",
                "EMPTY=",
                "  SPACED = value  ",
            ]
        )
        self.assertEqual(
            dump.parse_env_file(text, ".env"),
            {
                "DJANGO_ALLOWED_HOSTS": "app.test,www.app.test",
                "DEBUG": "False",
                "SINGLE": "a # kept \\n literally",
                "DOUBLE": 'line\nnext "quoted"',
                "URL": "https://app.test/#fragment",
                "EMPTY": "",
                "SPACED": "value",
            },
        )

    def test_refuses_lines_it_cannot_read_with_the_line_number(self):
        for text, message in [
            ("A=1\nnot an assignment", ".env line 2 is not KEY=VALUE"),
            ('A="unclosed', ".env line 1: the quote is not closed"),
            ("A='x' y", ".env line 1: unexpected text after the closing quote"),
            ("1A=x", ".env line 1 is not KEY=VALUE"),
        ]:
            with self.subTest(text=text):
                with self.assertRaises(dump.DumpError) as caught:
                    dump.parse_env_file(text, ".env")
                self.assertEqual(str(caught.exception), message)


class EncodeTest(unittest.TestCase):
    def test_tags_what_json_would_lose(self):
        value = {
            "tuple": ("HTTP_X_FORWARDED_PROTO", "https"),
            "list": [1, 2.5, None, True],
            "set": {"a"},
            "pattern": re.compile(r"^healthz$"),
            "path": Path("/srv/static"),
            "nan": float("nan"),
            "object": object(),
        }
        encoded = json.loads(json.dumps(dump.encode(value), allow_nan=False))
        self.assertEqual(
            encoded,
            {
                "dict": [
                    ["tuple", {"tuple": ["HTTP_X_FORWARDED_PROTO", "https"]}],
                    ["list", {"list": [1, {"float": 2.5}, None, True]}],
                    ["set", {"set": ["a"]}],
                    ["pattern", "^healthz$"],
                    ["path", "/srv/static"],
                    ["nan", {"other": "nan"}],
                    ["object", {"other": "object object"}],
                ]
            },
        )


class RedactionTest(unittest.TestCase):
    def test_secret_key_becomes_its_shape(self):
        key = "django-insecure-" + "abcdefghij" * 5
        shape = dump.redacted("SECRET_KEY", key)
        self.assertEqual(shape, {"length": 66, "distinct": 16, "developmentPrefix": True})
        self.assertNotIn(key, json.dumps(shape))

    def test_other_secret_looking_names_are_withheld_entirely(self):
        for name in ["EMAIL_HOST_PASSWORD", "SENTRY_DSN", "API_TOKEN", "AWS_SECRET_ACCESS_KEY", "GCP_CREDENTIALS"]:
            with self.subTest(name=name):
                self.assertTrue(dump.SENSITIVE_NAME.search(name))
                self.assertEqual(dump.redacted(name, "hunter2"), {"withheld": True})
        self.assertFalse(dump.SENSITIVE_NAME.search("SECURE_HSTS_SECONDS"))


if __name__ == "__main__":
    unittest.main()
