/** Settings and proxy configs for the contract rule tests: a deployment where both sides agree, to break one piece at a time. */
import assert from "node:assert/strict";
import { parseCaddyfile } from "../../../../src/static/caddy/model.js";
import { gunicornConfigFromSource } from "../../../../src/static/gunicorn/model.js";
import { parseHaproxyConfig } from "../../../../src/static/haproxy/model.js";
import { loadNginxText } from "../../../../src/static/nginx/loader.js";
import { djangoSettingsFromSource } from "../../../../src/static/python/load-settings.js";
import type { AuditInput, RuleFinding } from "../../../../src/static/rule.js";
import { contractRules } from "../../../../src/static/rules/contract/index.js";

export interface Sources {
  settings?: string;
  nginx?: string;
  caddy?: string;
  haproxy?: string;
  gunicorn?: string;
}

export function inputOf(sources: Sources): AuditInput {
  const input: AuditInput = {};
  if (sources.settings !== undefined)
    input.settings = djangoSettingsFromSource(`import os\n${sources.settings}`);
  if (sources.nginx !== undefined) {
    input.nginx = loadNginxText(sources.nginx, "/virtual/nginx.conf", { sysroot: "/nonexistent" });
    assert.deepEqual(input.nginx.errors, []);
  }
  if (sources.caddy !== undefined) {
    input.caddy = parseCaddyfile(sources.caddy, "/virtual/Caddyfile");
    assert.deepEqual(input.caddy.errors, []);
  }
  if (sources.haproxy !== undefined) {
    input.haproxy = parseHaproxyConfig(sources.haproxy, "/virtual/haproxy.cfg");
    assert.deepEqual(input.haproxy.errors, []);
  }
  if (sources.gunicorn !== undefined)
    input.gunicorn = gunicornConfigFromSource(sources.gunicorn, "/virtual/gunicorn.conf.py");
  return input;
}

export function run(ruleId: string, sources: Sources): RuleFinding[] {
  const rule = contractRules.find((r) => r.meta.id === ruleId);
  assert.ok(rule, `no rule ${ruleId}`);
  return rule.check(inputOf(sources));
}

/** The one finding a rule reports, after checking there is exactly one, with this status. */
export function single(ruleId: string, sources: Sources, status: RuleFinding["status"]): RuleFinding {
  const findings = run(ruleId, sources);
  assert.deepEqual(
    findings.map((f) => f.status),
    [status],
  );
  return findings[0]!;
}

/** Status of each finding, for compact assertions. */
export function statuses(ruleId: string, sources: Sources): string[] {
  return run(ruleId, sources).map((f) => f.status);
}

export const SETTINGS = `
ALLOWED_HOSTS = ["app.example.com"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31536000
CSRF_TRUSTED_ORIGINS = ["https://app.example.com"]
`;

/** Settings with one line replaced (or appended when the name is new). */
export function settingsWith(line: string): string {
  const name = line.split("=")[0]!.trim();
  const lines = SETTINGS.split("\n").filter((l) => !l.startsWith(`${name} `));
  return [...lines, line].join("\n");
}

const NGINX_APP_HEADERS = `proxy_set_header Host $host;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Forwarded-Host $host;`;

export const NGINX = `http {
  server { listen 80 default_server; listen 443 ssl default_server; ssl_reject_handshake on; return 444; }
  server {
    listen 80;
    server_name app.example.com;
    location = /healthz {
        proxy_pass http://127.0.0.1:8000;
        ${NGINX_APP_HEADERS}
    }
    location / { return 301 https://app.example.com$request_uri; }
  }
  server {
    listen 443 ssl;
    server_name app.example.com;
    location / {
        proxy_pass http://127.0.0.1:8000;
        ${NGINX_APP_HEADERS}
    }
  }
}`;

export const CADDY = `{
\tauto_https disable_redirects
}
https://app.example.com {
\treverse_proxy 127.0.0.1:8000
}
http://app.example.com {
\thandle /healthz {
\t\treverse_proxy 127.0.0.1:8000
\t}
\thandle {
\t\tredir https://app.example.com{uri} permanent
\t}
}
`;

/** CADDY with lines added inside the HTTPS site's reverse_proxy block. */
export function caddyProxyBlock(lines: string): string {
  return CADDY.replace(
    "https://app.example.com {\n\treverse_proxy 127.0.0.1:8000\n}",
    `https://app.example.com {\n\treverse_proxy 127.0.0.1:8000 {\n\t\t${lines}\n\t}\n}`,
  );
}

export const HAPROXY = `defaults
    mode http
frontend www
    bind :80
    bind :443 ssl crt /etc/ssl/app.pem
    http-request deny deny_status 421 unless { req.hdr(host),field(1,:) -i app.example.com }
    http-request redirect scheme https code 301 unless { ssl_fc } || { path /healthz }
    http-request del-header X_Forwarded_Proto
    http-request del-header X_Forwarded_Host
    http-request set-header X-Forwarded-Proto https if { ssl_fc }
    http-request set-header X-Forwarded-Proto http unless { ssl_fc }
    http-request set-header X-Forwarded-Host %[hdr(host)]
    default_backend app
backend app
    server app1 127.0.0.1:8000
`;
