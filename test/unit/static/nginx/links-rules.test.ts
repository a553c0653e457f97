/** nginx rules about the proxy-to-origin link, each with a failing and a passing configuration. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadNginxText } from "../../../../src/static/nginx/loader.js";
import { clientCertOptional } from "../../../../src/static/rules/nginx/client-cert-optional.js";

const findings = (text: string) =>
  clientCertOptional
    .check({ nginx: loadNginxText(text, "/virtual/nginx.conf", { sysroot: "/nonexistent" }) })
    .map((f) => [f.status, f.location.line, f.message] as const);

test("ssl_verify_client optional without a $ssl_client_verify check fails, at the directive", () => {
  const found = findings(`server {
    listen 8443 ssl;
    ssl_client_certificate /etc/nginx/proxy-ca.pem;
    ssl_verify_client optional;
    location / { proxy_pass http://127.0.0.1:8000; }
  }`);
  assert.equal(found.length, 1);
  assert.equal(found[0]![0], "fail");
  assert.equal(found[0]![1], 4);
  assert.match(found[0]![2], /ssl_verify_client optional and never checks \$ssl_client_verify/);
  assert.equal(findings("http { ssl_verify_client optional_no_ca; server { listen 443 ssl; } }").length, 1);
});

test("ssl_verify_client on, or optional with a $ssl_client_verify check, passes", () => {
  assert.deepEqual(findings("server { listen 8443 ssl; ssl_verify_client on; }"), []);
  assert.deepEqual(
    findings(`server {
      listen 8443 ssl;
      ssl_verify_client optional;
      if ($ssl_client_verify != SUCCESS) { return 403; }
    }`),
    [],
  );
});
