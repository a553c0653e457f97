/**
 * No correct configuration gets a `fail`: every corpus entry judged correct by reading it, and every
 * test fixture written as the correct counterpart of a failing one, is audited with the flag its kind
 * takes. Each entry says briefly why it is correct; the corpus entries left out say why below.
 *
 * Left out of the corpus, by reading: every settings module (each leaves HSTS, secure cookies or
 * ALLOWED_HOSTS to environment defaults that are off or a wildcard, which rightly fail); netbox's
 * nginx.conf (Host not set, X-Forwarded-Host from the client with USE_X_FORWARDED_HOST); the
 * readthedocs, DefectDojo and babybuddy nginx files (no X-Forwarded-Proto, or proxy_set_header under
 * uwsgi_pass); babybuddy's gunicorn.py (0.0.0.0 with Django trusting X-Forwarded-Proto); the
 * cookiecutter Traefik file (Jinja, not YAML until rendered); crossplane's and gixy's files (parser
 * inputs and single-plugin snippets, not deployments).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, test } from "node:test";
import { runAudit, type AuditFiles } from "../../../src/static/audit.js";
import { CORPUS, corpusMissing } from "../../corpus.js";

interface Correct {
  files: AuditFiles;
  why: string;
}

const corpus = (path: string) => join(CORPUS, path);
const fixture = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const CORPUS_ENTRIES: Correct[] = [
  {
    files: { apache: corpus("netbox-community__netbox/contrib/apache.conf") },
    why: "port 80 redirects to https; the TLS vhost keeps Host and sets X-Forwarded-Proto from REQUEST_SCHEME",
  },
  {
    files: { gunicorn: corpus("netbox-community__netbox/contrib/gunicorn.py") },
    why: "binds 127.0.0.1:8001; the default forwarded_allow_ips (127.0.0.1) is the proxy on the same host",
  },
  {
    files: {
      apache: corpus("netbox-community__netbox/contrib/apache.conf"),
      gunicorn: corpus("netbox-community__netbox/contrib/gunicorn.py"),
    },
    why: "the two together: Apache on the host proxies to gunicorn on loopback",
  },
  {
    files: {
      nginx: corpus(
        "cookiecutter__cookiecutter-django/{{cookiecutter.project_slug}}/compose/production/nginx/default.conf",
      ),
    },
    why: "serves media files only and proxies nothing",
  },
  {
    files: { appServer: corpus("sissbruecker__linkding/uwsgi.ini") },
    why: "static maps, worker counts and uid www-data; its listener comes from the image's command line",
  },
];

const FIXTURES: Correct[] = [
  {
    files: { caddy: fixture("caddy/fixtures/good.Caddyfile") },
    why: "automatic HTTPS, HSTS for a year, app on loopback",
  },
  {
    files: { caddy: fixture("caddy/fixtures/header-up-safe.Caddyfile") },
    why: "header_up sets the proxy's own values and removes X-Forwarded-Ssl",
  },
  {
    files: { caddy: fixture("caddy/fixtures/http-site-redirects.Caddyfile") },
    why: "the http:// site redirects everything but the health check",
  },
  {
    files: { caddy: fixture("caddy/fixtures/auto-https-off-redirect.Caddyfile") },
    why: "auto_https off, with its own :80 redirect and a certificate",
  },
  {
    files: { caddy: fixture("caddy/fixtures/trusted-private-public.Caddyfile") },
    why: "trusts the private load balancer range for a site whose clients are public",
  },
  {
    files: { haproxy: fixture("haproxy/fixtures/good.cfg") },
    why: "TLS on HAProxy: redirect, Host allow-list, scheme overwritten, client X-Forwarded-For dropped, HSTS",
  },
  {
    files: { haproxy: fixture("haproxy/fixtures/accept-proxy-restricted.cfg") },
    why: "PROXY protocol accepted from the load balancer's range only",
  },
  {
    files: { gunicorn: fixture("gunicorn/fixtures/proxy-trusted.conf.py") },
    why: "forwarded_allow_ips is the proxy's one address",
  },
  {
    files: { gunicorn: fixture("gunicorn/fixtures/container.conf.py") },
    why: "in a container behind a proxy container, trusting no forwarded header (the default list)",
  },
  {
    files: { gunicorn: fixture("gunicorn/fixtures/wildcard-local.conf.py") },
    why: "'*' on a unix socket only the proxy can reach",
  },
  {
    files: { appServer: fixture("appserver/fixtures/uvicorn-local.service") },
    why: "uvicorn on loopback trusting 127.0.0.1, the nginx on the same host",
  },
  {
    files: { appServer: fixture("appserver/fixtures/Procfile.uvicorn-worker") },
    why: "gunicorn's uvicorn worker on loopback trusting 127.0.0.1",
  },
  {
    files: { appServer: fixture("appserver/fixtures/daphne-socket.compose.yml") },
    why: "daphne --proxy-headers on a socket shared with nginx alone",
  },
  {
    files: { appServer: fixture("appserver/fixtures/uwsgi-socket.ini") },
    why: "a uwsgi socket file with mode 660",
  },
  {
    files: { appServer: fixture("appserver/fixtures/waitress-production.ini") },
    why: "one trusted proxy, two trusted headers, untrusted ones cleared",
  },
  {
    files: { compose: [fixture("deployment/fixtures/compose-traefik-labels-safe.yml")] },
    why: "Host() routers on TLS with a redirect and a year of HSTS; the app published on loopback only",
  },
  {
    files: { kubernetes: [fixture("deployment/fixtures/ingress-nginx-controller-safe.yaml")] },
    why: "the controller's ConfigMap ignores clients' forwarded headers, takes the real IP from the LB range only, HSTS two years",
  },
  {
    files: { kubernetes: [fixture("deployment/fixtures/shop-app-private.yaml")] },
    why: "the app's Service is ClusterIP behind an Ingress with TLS and a forced redirect; only a metrics exporter is a NodePort",
  },
  {
    files: { kubernetes: [fixture("deployment/fixtures/traefik-ingressroute-host.yaml")] },
    why: "an IngressRoute with Host() and an HSTS Middleware of a year",
  },
];

async function failures(files: AuditFiles): Promise<string[]> {
  const { report } = await runAudit(files);
  return report.checks.filter((c) => c.status === "fail").map((c) => `${c.id}: ${c.summary}`);
}

const named = (files: AuditFiles) =>
  Object.values(files)
    .flat()
    .map((path: string) => path.replace(`${CORPUS}/`, "").replace(/^.*\/test\/unit\/static\//, ""))
    .join(" + ");

describe("correct corpus configurations get no fail", { skip: corpusMissing }, () => {
  for (const { files, why } of CORPUS_ENTRIES)
    test(`${named(files)} (${why})`, async () => {
      assert.deepEqual(await failures(files), []);
    });
});

describe("correct fixtures get no fail", () => {
  for (const { files, why } of FIXTURES)
    test(`${named(files)} (${why})`, async () => {
      assert.deepEqual(await failures(files), []);
    });
});
