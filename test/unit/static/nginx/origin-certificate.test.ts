/** nginx-origin-certificate-unverified: mutual TLS to the origin without checking the origin. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadNginxText } from "../../../../src/static/nginx/loader.js";
import { originCertificateUnverified } from "../../../../src/static/rules/nginx/origin-certificate-unverified.js";

const findings = (text: string) =>
  originCertificateUnverified
    .check({ nginx: loadNginxText(text, "/virtual/nginx.conf", { sysroot: "/nonexistent" }) })
    .map((f) => [f.status, f.location.line, f.message] as const);

const location = (ssl: string) => `server {
    listen 443 ssl;
    location / {
      proxy_pass https://10.0.0.5:8443;
      proxy_ssl_certificate /etc/nginx/proxy.pem;
      proxy_ssl_certificate_key /etc/nginx/proxy.key;
      ${ssl}
    }
  }`;

test("failing: a client certificate for an https origin, proxy_ssl_verify absent or off", () => {
  const found = findings(location(""));
  assert.equal(found.length, 1);
  assert.deepEqual(found[0]!.slice(0, 2), ["warn", 4]);
  assert.match(
    found[0]![2],
    /proxy_pass https:\/\/10\.0\.0\.5:8443 presents proxy_ssl_certificate \/etc\/nginx\/proxy\.pem without proxy_ssl_verify on/,
  );
  assert.equal(findings(location("proxy_ssl_verify off;")).length, 1);
  // Inherited from the http block: still the location's setting.
  assert.equal(
    findings(`http { proxy_ssl_certificate /p.pem; server { location / { proxy_pass https://origin; } } }`)
      .length,
    1,
  );
});

test("passing: proxy_ssl_verify on (here or inherited), no client certificate, or a plain-HTTP upstream", () => {
  assert.deepEqual(findings(location("proxy_ssl_verify on; proxy_ssl_trusted_certificate /ca.pem;")), []);
  assert.deepEqual(
    findings(
      `http { proxy_ssl_verify on; proxy_ssl_certificate /p.pem; server { location / { proxy_pass https://o; } } }`,
    ),
    [],
  );
  assert.deepEqual(findings("server { location / { proxy_pass https://10.0.0.5:8443; } }"), []);
  assert.deepEqual(
    findings("server { location / { proxy_ssl_certificate /p.pem; proxy_pass http://10.0.0.5:8000; } }"),
    [],
  );
});
