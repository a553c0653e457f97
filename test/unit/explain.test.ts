import assert from "node:assert/strict";
import { test } from "node:test";
import { explainText } from "../../src/cli/explain-command.js";
import { UsageError } from "../../src/cli/usage-error.js";

test("explain prints a clause's contract and every proxy's fix", async () => {
  const text = await explainText("spoofed-proto");
  assert.match(text, /^spoofed-proto: /);
  assert.match(text, /nginx:\n +proxy_set_header X-Forwarded-Proto \$scheme;/);
  assert.match(text, /haproxy:/);
});

test("explain prints a rule's clause, Django check id and fix; unknown ids are a usage error", async () => {
  const text = await explainText("django-session-cookie-secure");
  assert.match(text, /Clause cookie-flags, severity high; Django's check security\.W012/);
  await assert.rejects(explainText("no-such-thing"), UsageError);
});

test("explain of the clauses an app server decides names each server's trust options", async () => {
  const text = await explainText("scheme");
  for (const option of [
    "forwarded_allow_ips",
    "--forwarded-allow-ips",
    "--proxy-headers",
    "uwsgi_param HTTPS",
    "trusted_proxy",
    "clear_untrusted_proxy_headers",
    "WSGITrustedProxies",
  ])
    assert.ok(text.includes(option), option);
  assert.doesNotMatch(await explainText("hsts"), /What each app server believes/);
});

test("explain SERVER prints what that app server believes and its version", async () => {
  const text = await explainText("uvicorn");
  assert.match(text, /^uvicorn 0\.17\.6/);
  assert.match(text, /\$FORWARDED_ALLOW_IPS, else 127\.0\.0\.1/);
});
