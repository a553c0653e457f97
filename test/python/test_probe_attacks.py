"""The probe middleware under attack: guessing the token, timing the comparison, oversize headers."""

import json
import secrets
import string
import unittest
from unittest import mock

from django.test import override_settings

from test_probe import TOKEN, WITHOUT_PROBE, ProbeTestCase, send

import proxytrust_probe

TOKEN_ALPHABET = string.ascii_letters + string.digits + "-_"


def random_token():
    """A guess of the right length, from the alphabet docs/probe.md recommends."""
    while True:
        guess = "".join(secrets.choice(TOKEN_ALPHABET) for _ in TOKEN)
        if guess != TOKEN:
            return guess


class BruteForceTests(ProbeTestCase):
    def test_a_thousand_guesses_of_the_right_length_each_get_the_apps_own_404(self):
        with override_settings(MIDDLEWARE=WITHOUT_PROBE):
            app_404 = send(token=random_token())
        self.assertEqual(app_404.status_code, 404)
        for _ in range(1000):
            guess = random_token()
            answered = send(token=guess)
            self.assertEqual(answered.status_code, 404, guess)
            self.assertEqual(answered.content, app_404.content, guess)
            self.assertEqual(sorted(answered.headers.items()), sorted(app_404.headers.items()), guess)


class ConstantTimeTests(ProbeTestCase):
    def test_compare_digest_is_called_for_every_token_carrying_request(self):
        guesses = [TOKEN, TOKEN[:-1], TOKEN + "t", "x" * len(TOKEN), "", random_token()]
        with mock.patch.object(
            proxytrust_probe.hmac, "compare_digest", wraps=proxytrust_probe.hmac.compare_digest
        ) as compare:
            for guess in guesses:
                send(token=guess)
        self.assertEqual(
            [c.args for c in compare.call_args_list],
            [(guess.encode(), TOKEN.encode()) for guess in guesses],
        )

    def test_compare_digest_alone_decides(self):
        with mock.patch.object(proxytrust_probe.hmac, "compare_digest", return_value=True):
            self.assertIn(b"probe_version", send(token=random_token()).content)
        with mock.patch.object(proxytrust_probe.hmac, "compare_digest", return_value=False):
            refused = send(token=TOKEN)
        self.assertEqual(refused.status_code, 404)
        self.assertNotIn(b"probe_version", refused.content)


class OversizeHeaderTests(ProbeTestCase):
    def test_a_64_kib_x_forwarded_for_is_capped_in_the_answer(self):
        cap = proxytrust_probe.VALUE_CAP
        forwarded = ("203.0.113.7, " * 6000)[: 64 * 1024]
        response = send(HTTP_X_FORWARDED_FOR=forwarded)
        body = json.loads(response.content)
        self.assertEqual(body["headers"]["HTTP_X_FORWARDED_FOR"], forwarded[:cap])
        self.assertIn("headers.HTTP_X_FORWARDED_FOR", body["truncated"])
        self.assertLess(len(response.content), 8 * 1024)


if __name__ == "__main__":
    unittest.main()
