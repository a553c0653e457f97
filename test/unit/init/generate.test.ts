import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { generateFiles, writeFiles, type GeneratedFile } from "../../../src/init/generate.js";
import {
  InitInputError,
  redirectExemptPattern,
  type InitProxy,
  type OuterTier,
} from "../../../src/init/model.js";
import { buildInitRequest } from "../../../src/init/request.js";
import { TIERS, VPC_RANGE_PLACEHOLDER } from "../../../src/init/tiers.js";
import { runAudit, type AuditFiles } from "../../../src/static/audit.js";
import { djangoSettingsFromSource } from "../../../src/static/python/load-settings.js";
import type { PossibleValue } from "../../../src/static/python/settings-model.js";

const DOMAINS = ["App.Example.com", "www.app.example.com"];

function files(proxy: InitProxy, behind?: OuterTier): GeneratedFile[] {
  return generateFiles(
    buildInitRequest({ proxy, domains: DOMAINS, healthPath: "/healthz", upstream: "127.0.0.1:8000", behind }),
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
    assert.equal(local.proxyAddress, "::1");
    const remote = buildInitRequest({
      proxy: "nginx",
      domains: ["a.com"],
      healthPath: "/h",
      upstream: "10.0.0.5:8000",
      proxyAddress: "10.0.0.2",
    });
    assert.equal(remote.proxyAddress, "10.0.0.2");
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
    const config = role(files("haproxy"), "gunicorn");
    assert.match(config, /^bind = "127\.0\.0\.1:8000"$/m);
    assert.match(config, /^forwarded_allow_ips = "127\.0\.0\.1"$/m);
    assert.match(config, /^secure_scheme_headers = \{"X-FORWARDED-PROTO": "https"\}$/m);
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
        const auditFiles: AuditFiles = { [proxy]: pathOf("proxy"), gunicorn: pathOf("gunicorn") };
        const { report } = await runAudit(auditFiles);
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
