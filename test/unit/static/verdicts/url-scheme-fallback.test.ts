/**
 * Django reads SECURE_PROXY_SSL_HEADER only when the header is there; without it, it takes the app server's
 * wsgi.url_scheme. Behind uwsgi_pass that comes from the HTTPS variable, so a site that never sets
 * X-Forwarded-Proto does not loop as long as nginx sends HTTPS; without HTTPS (or with gunicorn, which has
 * no X-Forwarded-Proto to go on either) every page redirects to itself.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { loadAppServerFile } from "../../../../src/static/appserver/load.js";
import { applyRules } from "../../../../src/static/audit.js";
import type { AuditInput } from "../../../../src/static/rule.js";
import { ALL_RULES } from "../../../../src/static/rules/index.js";
import { inputOf } from "../contract/fixtures.js";
import { nginxHttpsSite, SETTINGS_DJANGO_REDIRECTS } from "./fixtures.js";

const UWSGI_INI = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "appserver",
  "fixtures",
  "uwsgi-socket.ini",
);

/** The CGI variables of nginx's uwsgi_params file, written out, with or without its HTTPS line. */
function uwsgiParams(withHttps: boolean): string {
  return [
    "QUERY_STRING $query_string",
    "REQUEST_METHOD $request_method",
    "CONTENT_TYPE $content_type",
    "CONTENT_LENGTH $content_length",
    "REQUEST_URI $request_uri",
    "PATH_INFO $document_uri",
    "DOCUMENT_ROOT $document_root",
    "SERVER_PROTOCOL $server_protocol",
    ...(withHttps ? ["HTTPS $https if_not_empty"] : []),
    "REMOTE_ADDR $remote_addr",
    "REMOTE_PORT $remote_port",
    "SERVER_PORT $server_port",
    "SERVER_NAME $server_name",
  ]
    .map((param) => `            uwsgi_param ${param};`)
    .join("\n");
}

function site(location: string): string {
  return nginxHttpsSite(`        location / {\n${location}\n        }`);
}

const uwsgiSite = (withHttps: boolean) =>
  site(`            uwsgi_pass unix:/run/uwsgi/shop.sock;\n${uwsgiParams(withHttps)}`);

async function audit(nginx: string, server: { uwsgi: true } | { gunicorn: string }) {
  const base = inputOf({
    settings: SETTINGS_DJANGO_REDIRECTS,
    nginx,
    ...("gunicorn" in server ? { gunicorn: server.gunicorn } : {}),
  });
  const input: AuditInput =
    "uwsgi" in server ? { ...base, appServers: (await loadAppServerFile(UWSGI_INI)).appServers } : base;
  return applyRules(input, ALL_RULES).filter((c) =>
    ["contract-ssl-redirect-loop", "contract-scheme-not-conveyed", "contract-hsts-never-sent"].includes(c.id),
  );
}

describe("Django's fallback to wsgi.url_scheme", () => {
  it("uwsgi_pass with the HTTPS variable and no X-Forwarded-Proto: uWSGI says https, no loop", async () => {
    assert.deepEqual(await audit(uwsgiSite(true), { uwsgi: true }), []);
  });

  it("uwsgi_pass without the HTTPS variable: every page redirects to itself", async () => {
    const checks = await audit(uwsgiSite(false), { uwsgi: true });
    const loop = checks.find((c) => c.id === "contract-ssl-redirect-loop");
    assert.equal(loop?.status, "fail");
    assert.match(loop!.summary, /the app server does not say https either \(uwsgi, which/);
  });

  it("the same nginx site alone: the uwsgi protocol's HTTPS variable decides wsgi.url_scheme, no loop", () => {
    const checks = applyRules(
      inputOf({ settings: SETTINGS_DJANGO_REDIRECTS, nginx: uwsgiSite(true) }),
      ALL_RULES,
    );
    assert.deepEqual(
      checks.filter((c) => c.status === "fail").map((c) => c.id),
      [],
    );
  });

  it("gunicorn trusting the proxy learns nothing when nginx sets no scheme header: the loop fails, naming gunicorn", async () => {
    const nginx = site("            proxy_set_header Host $host;\n            proxy_pass http://app_server;");
    const checks = await audit(nginx, { gunicorn: 'bind = "127.0.0.1:8000"\nworkers = 3\n' });
    const loop = checks.find((c) => c.id === "contract-ssl-redirect-loop");
    assert.equal(loop?.status, "fail");
    assert.match(loop!.summary, /the app server does not say https either \(gunicorn, which sets the scheme/);
  });
});
