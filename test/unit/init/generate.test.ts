import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { generateFiles, writeFiles, type GeneratedFile } from "../../../src/init/generate.js";
import type { AppServerKind } from "../../../src/clauses.js";
import {
  InitInputError,
  redirectExemptPattern,
  type InitProxy,
  type OuterTier,
} from "../../../src/init/model.js";
import { buildInitRequest } from "../../../src/init/request.js";
import { TIERS, VPC_RANGE_PLACEHOLDER } from "../../../src/init/tiers.js";
import { loadAppServerFile } from "../../../src/static/appserver/load.js";
import { runAudit, type AuditFiles } from "../../../src/static/audit.js";
import { djangoSettingsFromSource } from "../../../src/static/python/load-settings.js";
import type { PossibleValue } from "../../../src/static/python/settings-model.js";

const DOMAINS = ["App.Example.com", "www.app.example.com"];

function files(proxy: InitProxy, behind?: OuterTier, appServer?: AppServerKind): GeneratedFile[] {
  return generateFiles(
    buildInitRequest({
      proxy,
      domains: DOMAINS,
      healthPath: "/healthz",
      behind,
      appServer,
      appDir: "/srv/shop",
      project: "shop",
    }),
  );
}

function role(generated: GeneratedFile[], which: GeneratedFile["role"]): string {
  const file = generated.find((f) => f.role === which);
  assert.ok(file, `no ${which} file`);
  return file.contents;
}

/** A Python literal as plain data, for comparing. */
function plain(value: PossibleValue | undefined): unknown {
  switch (value?.kind) {
    case "str":
    case "bool":
    case "int":
      return value.value;
    case "list":
    case "tuple":
      return value.items.map(plain);
    default:
      return value?.kind;
  }
}

describe("what init is asked", () => {
  test("domains are validated, lower-cased and kept once, the first is canonical", () => {
    const request = buildInitRequest({
      proxy: "nginx",
      domains: ["App.Example.com.", "app.example.com", "www.app.example.com"],
      healthPath: "/healthz",
      upstream: "127.0.0.1:8000",
    });
    assert.deepEqual(request.domains, ["app.example.com", "www.app.example.com"]);
  });

  const bad: [string, Parameters<typeof buildInitRequest>[0]][] = [
    [
      "a domain with a space",
      { proxy: "nginx", domains: ["a b.com"], healthPath: "/h", upstream: "127.0.0.1:1" },
    ],
    ["no domain", { proxy: "nginx", domains: [], healthPath: "/h", upstream: "127.0.0.1:1" }],
    [
      "a health path without /",
      { proxy: "nginx", domains: ["a.com"], healthPath: "h", upstream: "127.0.0.1:1" },
    ],
    [
      "a health path with a quote",
      { proxy: "nginx", domains: ["a.com"], healthPath: '/h"', upstream: "127.0.0.1:1" },
    ],
    [
      "an upstream without port",
      { proxy: "nginx", domains: ["a.com"], healthPath: "/h", upstream: "127.0.0.1" },
    ],
    ["port 0", { proxy: "nginx", domains: ["a.com"], healthPath: "/h", upstream: "127.0.0.1:0" }],
    [
      "a remote upstream without --proxy-address",
      { proxy: "nginx", domains: ["a.com"], healthPath: "/h", upstream: "10.0.0.5:8000" },
    ],
    [
      "mod_wsgi behind a proxy other than Apache",
      {
        proxy: "nginx",
        appServer: "mod_wsgi",
        domains: ["a.com"],
        healthPath: "/h",
        upstream: "127.0.0.1:1",
      },
    ],
    [
      "mod_wsgi (Django inside Apache) with an --upstream to forward to",
      {
        proxy: "apache",
        appServer: "mod_wsgi",
        domains: ["a.com"],
        healthPath: "/h",
        upstream: "10.0.0.5:8000",
      },
    ],
    [
      "mod_wsgi (Django inside Apache) with a --proxy-address to trust",
      {
        proxy: "apache",
        appServer: "mod_wsgi",
        domains: ["a.com"],
        healthPath: "/h",
        proxyAddress: "10.0.0.2",
      },
    ],
    [
      "daphne (which trusts every peer) on a reachable address",
      {
        proxy: "nginx",
        appServer: "daphne",
        domains: ["a.com"],
        healthPath: "/h",
        upstream: "10.0.0.5:8000",
        proxyAddress: "10.0.0.2",
      },
    ],
    [
      "uWSGI (which trusts every peer) on a reachable address",
      {
        proxy: "caddy",
        appServer: "uwsgi",
        domains: ["a.com"],
        healthPath: "/h",
        upstream: "10.0.0.5:8000",
        proxyAddress: "10.0.0.2",
      },
    ],
    [
      "a relative app directory",
      { proxy: "nginx", domains: ["a.com"], healthPath: "/h", upstream: "127.0.0.1:1", appDir: "srv/app" },
    ],
    [
      "a project that is no Python package name",
      { proxy: "nginx", domains: ["a.com"], healthPath: "/h", upstream: "127.0.0.1:1", project: "my-site" },
    ],
    [
      "the site's root as the health path (it would stay on plain HTTP)",
      { proxy: "nginx", domains: ["a.com"], healthPath: "/", upstream: "127.0.0.1:8000" },
    ],
    [
      "a proxy address that is no IP",
      {
        proxy: "nginx",
        domains: ["a.com"],
        healthPath: "/h",
        upstream: "10.0.0.5:8000",
        proxyAddress: "proxy",
      },
    ],
  ];
  for (const [name, answers] of bad)
    test(`${name} is refused with one line`, () => {
      assert.throws(
        () => buildInitRequest(answers),
        (err: Error) => err instanceof InitInputError && !err.message.includes("\n"),
      );
    });

  test("gunicorn trusts loopback when the proxy is on the same machine, else the address given", () => {
    const local = buildInitRequest({
      proxy: "nginx",
      domains: ["a.com"],
      healthPath: "/h",
      upstream: "[::1]:8000",
    });
    assert.ok(local.appServer !== "mod_wsgi");
    assert.equal(local.proxyAddress, "::1");
    const remote = buildInitRequest({
      proxy: "nginx",
      domains: ["a.com"],
      healthPath: "/h",
      upstream: "10.0.0.5:8000",
      proxyAddress: "10.0.0.2",
    });
    assert.ok(remote.appServer !== "mod_wsgi");
    assert.equal(remote.proxyAddress, "10.0.0.2");
  });

  test("mod_wsgi needs no --upstream: Apache serves Django itself and forwards to nothing", () => {
    const request = buildInitRequest({
      proxy: "apache",
      appServer: "mod_wsgi",
      domains: ["a.com"],
      healthPath: "/h",
    });
    assert.equal(request.appServer, "mod_wsgi");
    assert.ok(!("upstream" in request) && !("proxyAddress" in request));
    const site = generateFiles(request).find((file) => file.role === "proxy")?.contents ?? "";
    assert.match(site, /WSGIScriptAlias \/ /);
    assert.doesNotMatch(site, /ProxyPass/);
  });

  test("the health path becomes an anchored SECURE_REDIRECT_EXEMPT pattern without the slash", () => {
    assert.equal(redirectExemptPattern("/healthz"), "^healthz$");
    assert.equal(redirectExemptPattern("/ht/ping.txt"), "^ht/ping\\.txt$");
  });
});

describe("the Django settings block", () => {
  const settings = djangoSettingsFromSource(role(files("nginx"), "settings"));
  const value = (name: string): unknown => plain(settings.get(name)?.values[0]);

  test("trusts exactly the header the proxy overwrites, and the domains asked for", () => {
    assert.deepEqual(value("SECURE_PROXY_SSL_HEADER"), ["HTTP_X_FORWARDED_PROTO", "https"]);
    assert.deepEqual(value("ALLOWED_HOSTS"), ["app.example.com", "www.app.example.com"]);
    assert.deepEqual(value("CSRF_TRUSTED_ORIGINS"), [
      "https://app.example.com",
      "https://www.app.example.com",
    ]);
    assert.equal(value("USE_X_FORWARDED_HOST"), false);
    assert.deepEqual(value("SECURE_REDIRECT_EXEMPT"), ["^healthz$"]);
    assert.equal(value("SESSION_COOKIE_SECURE"), true);
    assert.equal(value("CSRF_COOKIE_SECURE"), true);
  });
});

describe("gunicorn options", () => {
  test("listen on the upstream, believe the scheme from the proxy alone and from one header", () => {
    const config = role(files("haproxy"), "app-server");
    assert.match(config, /^bind = "127\.0\.0\.1:8000"$/m);
    assert.match(config, /^forwarded_allow_ips = "127\.0\.0\.1"$/m);
    assert.match(config, /^secure_scheme_headers = \{"X-FORWARDED-PROTO": "https"\}$/m);
  });
});

describe("app server options", () => {
  const appServerFile = (proxy: InitProxy, appServer: AppServerKind): string =>
    role(files(proxy, undefined, appServer), "app-server");

  test("uvicorn believes the proxy's address alone, said explicitly", () => {
    assert.match(
      appServerFile("nginx", "uvicorn"),
      /^ExecStart=\/usr\/bin\/python3 -m uvicorn shop\.asgi:application --host 127\.0\.0\.1 --port 8000 --proxy-headers --forwarded-allow-ips 127\.0\.0\.1$/m,
    );
  });

  test("daphne reads proxy headers, on loopback, behind a proxy that sets X-Forwarded-For too", () => {
    assert.match(
      appServerFile("haproxy", "daphne"),
      /^ExecStart=.* -m daphne -b 127\.0\.0\.1 -p 8000 --proxy-headers /m,
    );
    for (const proxy of ["nginx", "haproxy", "apache"] as const)
      assert.match(role(files(proxy, undefined, "daphne"), "proxy"), /X-Forwarded-For/, proxy);
  });

  test("waitress trusts one address and one header, and clears the rest", () => {
    const unit = appServerFile("nginx", "waitress");
    assert.match(unit, / --trusted-proxy=127\.0\.0\.1 /);
    assert.match(unit, / --trusted-proxy-headers=x-forwarded-proto /);
    assert.match(unit, / --clear-untrusted-proxy-headers /);
  });

  test("uWSGI: a uwsgi socket behind nginx, whose site sends HTTPS and overwrites the scheme header", () => {
    assert.match(appServerFile("nginx", "uwsgi"), /^socket = 127\.0\.0\.1:8000$/m);
    const nginx = role(files("nginx", undefined, "uwsgi"), "proxy");
    assert.match(nginx, /^\s*uwsgi_param HTTPS \$https if_not_empty;$/m);
    assert.match(nginx, /^\s*uwsgi_param HTTP_X_FORWARDED_PROTO \$scheme;$/m);
    assert.match(nginx, /^\s*uwsgi_pass django_app;$/m);
    assert.doesNotMatch(nginx, /^\s*(proxy_set_header|proxy_pass)\b/m);
  });

  test("uWSGI behind any other proxy: an http-socket that says it closes each connection", () => {
    const ini = appServerFile("caddy", "uwsgi");
    assert.match(ini, /^http-socket = 127\.0\.0\.1:8000$/m);
    assert.match(ini, /^add-header = Connection: close$/m);
    assert.doesNotMatch(ini, /^socket =/m);
  });

  test("mod_wsgi: Django in Apache's daemon, and no scheme header believed", () => {
    const generated = files("apache", undefined, "mod_wsgi");
    assert.equal(generated.filter((f) => f.role === "app-server").length, 0);
    const site = role(generated, "proxy");
    assert.match(site, /^WSGIDaemonProcess django python-path=\/srv\/shop /m);
    assert.match(site, /^\s*WSGIScriptAlias \/ \/srv\/shop\/shop\/wsgi\.py$/m);
    assert.doesNotMatch(site, /ProxyPass/);
    const settings = djangoSettingsFromSource(role(generated, "settings"));
    assert.equal(settings.get("SECURE_PROXY_SSL_HEADER"), undefined);
  });
});

describe("--behind", () => {
  test("ALB: the VPC range is a placeholder the comment tells the user to replace", () => {
    const nginx = role(files("nginx", "alb"), "proxy");
    assert.match(
      nginx,
      new RegExp(`^set_real_ip_from ${VPC_RANGE_PLACEHOLDER.replace(/[./]/g, "\\$&")};$`, "m"),
    );
    assert.match(nginx, /^# REPLACE 10\.0\.0\.0\/16 with your VPC's CIDR/m);
    assert.match(nginx, /^real_ip_header X-Forwarded-For;$/m);
  });

  test("Cloudflare: every published range, the date and how to refresh them, in every proxy's file", () => {
    for (const proxy of ["nginx", "caddy", "haproxy", "apache", "traefik"] as const) {
      const text = files(proxy, "cloudflare")
        .filter((f) => f.role.startsWith("proxy"))
        .map((f) => f.contents)
        .join("\n");
      for (const range of TIERS.cloudflare.ranges) assert.ok(text.includes(range), `${proxy} lacks ${range}`);
      assert.match(text, /as of January 2025/);
      assert.match(text, /https:\/\/www\.cloudflare\.com\/ips-v4/);
    }
  });

  test("without --behind no client address header is believed from anyone", () => {
    const nginx = role(files("nginx"), "proxy");
    assert.doesNotMatch(nginx, /set_real_ip_from|real_ip_header/);
    assert.doesNotMatch(role(files("haproxy"), "proxy"), /set-src/);
  });
});

describe("the generated files pass the audit", async () => {
  const dir = await mkdtemp(join(tmpdir(), "proxytrust-init-unit-"));
  after(() => rm(dir, { recursive: true, force: true }));
  const auditable = ["nginx", "caddy", "haproxy"] as const;
  for (const proxy of auditable)
    for (const behind of [undefined, "alb", "cloudflare"] as const)
      test(`${proxy}${behind ? ` behind ${behind}` : ""}: no proxy or gunicorn finding`, async () => {
        const out = join(dir, `${proxy}-${behind ?? "alone"}`);
        const generated = files(proxy, behind);
        const written = await writeFiles(out, generated, false);
        const pathOf = (which: GeneratedFile["role"]) =>
          written[generated.findIndex((f) => f.role === which)];
        const auditFiles: AuditFiles = { [proxy]: pathOf("proxy"), gunicorn: pathOf("app-server") };
        const { report } = await runAudit(auditFiles);
        const findings = report.checks.filter(
          (c) => c.status === "fail" || c.status === "warn" || c.status === "error",
        );
        assert.deepEqual(findings, []);
      });

  const appServers: [InitProxy, AppServerKind][] = [
    ["nginx", "uvicorn"],
    ["caddy", "uvicorn"],
    ["nginx", "daphne"],
    ["haproxy", "daphne"],
    ["nginx", "uwsgi"],
    ["caddy", "uwsgi"],
    ["haproxy", "uwsgi"],
    ["nginx", "waitress"],
    ["apache", "waitress"],
    ["apache", "mod_wsgi"],
  ];
  for (const [proxy, appServer] of appServers)
    test(`${proxy} + ${appServer}: no proxy or app server finding`, async () => {
      const out = join(dir, `${proxy}-${appServer}`);
      const generated = files(proxy, undefined, appServer);
      const written = await writeFiles(out, generated, false);
      const pathOf = (which: GeneratedFile["role"]) => written[generated.findIndex((f) => f.role === which)];
      const appServerPath = pathOf("app-server");
      const { report } = await runAudit({
        [proxy]: pathOf("proxy"),
        ...(appServerPath ? { appServer: appServerPath } : {}),
      });
      if (appServerPath) {
        const read = await loadAppServerFile(appServerPath);
        assert.deepEqual(read.errors, []);
        assert.deepEqual(
          read.appServers.map((server) => [server.server, server.binds.value]),
          [[appServer, ["127.0.0.1:8000"]]],
        );
      }
      const findings = report.checks.filter(
        (c) => c.status === "fail" || c.status === "warn" || c.status === "error",
      );
      assert.deepEqual(findings, []);
    });

  test("writing refuses to overwrite an existing file", async () => {
    const out = join(dir, "twice");
    await writeFiles(out, files("caddy"), false);
    await assert.rejects(writeFiles(out, files("caddy"), false), { code: "EEXIST" });
    await writeFiles(out, files("caddy"), true);
  });
});
