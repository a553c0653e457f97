import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { generateFiles, writeFiles } from "../../../../src/init/generate.js";
import { buildInitRequest } from "../../../../src/init/request.js";
import { applyRules } from "../../../../src/static/audit.js";
import { djangoSettingsFromSource } from "../../../../src/static/python/load-settings.js";
import { traefikRules } from "../../../../src/static/rules/traefik/index.js";
import { loadTraefikConfig } from "../../../../src/static/traefik/model.js";

/**
 * Option paths as documented at doc.traefik.io (v2.x/v3.x): static entryPoints and providers.file,
 * dynamic routers, the redirectScheme and headers middlewares, loadBalancer services, tls. "*" is a name.
 */
const DOCUMENTED = [
  "entryPoints.*.address",
  "entryPoints.*.forwardedHeaders.trustedIPs",
  "entryPoints.*.forwardedHeaders.insecure",
  "providers.file.filename",
  "http.routers.*.rule",
  "http.routers.*.entryPoints",
  "http.routers.*.middlewares",
  "http.routers.*.service",
  "http.routers.*.priority",
  "http.routers.*.tls",
  "http.middlewares.*.redirectScheme.scheme",
  "http.middlewares.*.redirectScheme.permanent",
  "http.middlewares.*.headers.stsSeconds",
  "http.middlewares.*.headers.stsIncludeSubdomains",
  "http.middlewares.*.headers.stsPreload",
  "http.middlewares.*.headers.customRequestHeaders.*",
  "http.services.*.loadBalancer.passHostHeader",
  "http.services.*.loadBalancer.servers.url",
  "tls.certificates.certFile",
  "tls.certificates.keyFile",
  "tls.options.*.sniStrict",
  "tls.options.*.minVersion",
];

/** Every leaf's key path, list items folded into their parent. */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (Array.isArray(value)) {
    const objects = value.filter((v) => typeof v === "object" && v !== null);
    return objects.length ? objects.flatMap((v) => leafPaths(v, prefix)) : [prefix];
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value);
    return entries.length ? entries.flatMap(([k, v]) => leafPaths(v, [...prefix, k])) : [prefix];
  }
  return [prefix];
}

function documented(path: string[]): boolean {
  return DOCUMENTED.some((pattern) => {
    const parts = pattern.split(".");
    return parts.length === path.length && parts.every((p, i) => p === "*" || p === path[i]);
  });
}

describe("generated Traefik configuration", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "proxytrust-traefik-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  for (const behind of [undefined, "alb", "cloudflare"] as const) {
    const label = behind ? ` behind ${behind}` : "";
    const files = generateFiles(
      buildInitRequest({
        proxy: "traefik",
        domains: ["app.example.com"],
        healthPath: "/healthz",
        upstream: "127.0.0.1:8000",
        behind,
      }),
    );

    test(`uses only documented options${label}`, () => {
      for (const file of files.filter((f) => f.role.startsWith("proxy"))) {
        const unknown = leafPaths(parseYaml(file.contents)).filter((p) => !documented(p));
        assert.deepEqual(unknown, [], `${file.path}: ${unknown.map((p) => p.join(".")).join(", ")}`);
      }
    });

    test(`reads back as meant, and the audit finds nothing${label}`, async () => {
      const written = await writeFiles(join(dir, behind ?? "alone"), files, false);
      const config = loadTraefikConfig(written[0]!);
      assert.deepEqual(config.errors, []);
      assert.equal(config.files.length, 2, "the dynamic file named by providers.file is read too");
      const routers = Object.fromEntries(config.routers.map((r) => [r.name, r]));
      assert.deepEqual(routers["django"]?.hosts, ["app.example.com"]);
      assert.equal(routers["django"]?.tls, true);
      assert.ok(routers["django-health"]?.pathMatched);
      assert.ok(config.sniStrict);
      const trusted = config.entryPoints.flatMap((ep) => ep.trustedIPs);
      if (behind === "alb") assert.deepEqual([...new Set(trusted)], ["10.0.0.0/16"]);
      else if (!behind) assert.deepEqual(trusted, []);
      assert.deepEqual(applyRules({ traefik: config }, traefikRules), []);
    });
  }
});

describe("Traefik rules", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "proxytrust-traefik-rules-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function audit(name: string, text: string) {
    const file = join(dir, name);
    await writeFile(file, text);
    return applyRules({ traefik: loadTraefikConfig(file) }, traefikRules).map((c) => [
      c.id,
      c.status,
      c.location?.line,
    ]);
  }

  test("forwardedHeaders.insecure and a catch-all trustedIPs keep clients' headers", async () => {
    const found = await audit(
      "trust.yml",
      'entryPoints:\n  web:\n    address: ":80"\n    forwardedHeaders:\n      insecure: true\n  websecure:\n    address: ":443"\n    forwardedHeaders:\n      trustedIPs: ["0.0.0.0/0"]\n',
    );
    assert.deepEqual(found, [
      ["traefik-forwarded-headers-trusted", "fail", 2],
      ["traefik-forwarded-headers-trusted", "fail", 6],
    ]);
  });

  test("insecure is true however Go's ParseBool spells it; false and junk are not", async () => {
    const spellings = ['"true"', "True", "TRUE", '"t"', '"T"', "1", '"1"'];
    for (const value of spellings) {
      const found = await audit(
        "spelled.yml",
        `entryPoints:\n  web:\n    address: ":80"\n    forwardedHeaders:\n      insecure: ${value}\n`,
      );
      assert.deepEqual(found, [["traefik-forwarded-headers-trusted", "fail", 2]], value);
    }
    for (const value of ["false", '"False"', "0", '"yes"']) {
      const found = await audit(
        "spelled.yml",
        `entryPoints:\n  web:\n    address: ":80"\n    forwardedHeaders:\n      insecure: ${value}\n`,
      );
      assert.deepEqual(found, [], value);
    }
    const toml = await audit(
      "spelled.toml",
      '[entryPoints.web]\naddress = ":80"\n[entryPoints.web.forwardedHeaders]\ninsecure = "True"\n',
    );
    assert.deepEqual(toml, [["traefik-forwarded-headers-trusted", "fail", 1]]);
  });

  test("proxyProtocol.insecure and a catch-all proxyProtocol.trustedIPs believe anyone's PROXY header", async () => {
    const found = await audit(
      "proxy-protocol.yml",
      'entryPoints:\n  web:\n    address: ":80"\n    proxyProtocol:\n      insecure: true\n  websecure:\n    address: ":443"\n    proxyProtocol:\n      trustedIPs: ["0.0.0.0/0"]\n  lb:\n    address: ":8443"\n    proxyProtocol:\n      trustedIPs: ["10.0.0.0/16"]\n',
    );
    assert.deepEqual(found, [
      ["traefik-proxy-protocol-trusted", "fail", 2],
      ["traefik-proxy-protocol-trusted", "fail", 6],
    ]);
  });

  test("a narrow trustedIPs is fine", async () => {
    const found = await audit(
      "narrow.yml",
      'entryPoints:\n  websecure:\n    address: ":443"\n    forwardedHeaders:\n      trustedIPs: ["10.0.0.0/16"]\n',
    );
    assert.deepEqual(found, []);
  });

  test("TOML: the same reading, the line found by name", async () => {
    const found = await audit(
      "trust.toml",
      '[entryPoints.web]\naddress = ":80"\n[entryPoints.web.forwardedHeaders]\ninsecure = true\n',
    );
    assert.deepEqual(found, [["traefik-forwarded-headers-trusted", "fail", 1]]);
  });

  test("a catch-all router on plain HTTP, without Host, to a service that rewrites Host", async () => {
    const found = await audit(
      "routers.yml",
      [
        "entryPoints:",
        "  web:",
        '    address: ":80"',
        "http:",
        "  routers:",
        "    app:",
        '      rule: "PathPrefix(`/`)"',
        "      service: app",
        "  services:",
        "    app:",
        "      loadBalancer:",
        "        passHostHeader: false",
        "        servers:",
        '          - url: "http://10.0.0.5:8000"',
        "",
      ].join("\n"),
    );
    assert.deepEqual(found, [
      ["traefik-plain-http-served", "warn", 6],
      ["traefik-router-without-host", "fail", 6],
      ["traefik-host-not-passed", "fail", 10],
    ]);
  });

  test("an entry-point redirection and a health-check Path router serve no plain HTTP", async () => {
    const found = await audit(
      "redirect.yml",
      [
        "entryPoints:",
        "  web:",
        '    address: ":80"',
        "    http:",
        "      redirections:",
        "        entryPoint: { to: websecure, scheme: https }",
        "http:",
        "  routers:",
        "    app:",
        '      rule: "Host(`a.test`)"',
        "      service: app",
        "  services:",
        "    app:",
        "      loadBalancer:",
        "        servers:",
        '          - url: "http://127.0.0.1:8000"',
        "",
      ].join("\n"),
    );
    assert.deepEqual(found, []);
  });

  /** A dynamic file with one router of this rule. */
  const ruled = (rule: string) =>
    ["http:", "  routers:", "    app:", `      rule: ${JSON.stringify(rule)}`, "      service: app", ""].join(
      "\n",
    );

  test("a rule restricts the Host only when every alternative of its || has a Host matcher", async () => {
    const open = [
      "Host(`example.com`) || PathPrefix(`/api`)",
      "(Host(`example.com`) || PathPrefix(`/api`)) && Method(`GET`)",
      "!Host(`example.com`)",
      "PathPrefix(`/`)",
    ];
    const restricted = [
      "Host(`example.com`)",
      "Host(`a.test`) || Host(`b.test`)",
      "Host(`a.test`) && PathPrefix(`/api`) || HostSNI(`b.test`)",
      "(Host(`a.test`) || Host(`b.test`)) && PathPrefix(`/x||y`)",
    ];
    for (const rule of open) {
      const found = await audit("or.yml", ruled(rule));
      assert.ok(
        found.some(([id]) => id === "traefik-router-without-host"),
        `${rule}: ${JSON.stringify(found)}`,
      );
    }
    for (const rule of restricted) {
      const found = await audit("or.yml", ruled(rule));
      assert.ok(
        !found.some(([id]) => id === "traefik-router-without-host"),
        `${rule}: ${JSON.stringify(found)}`,
      );
    }
  });

  test("HostRegexp restricts the Host unless its pattern matches any name", async () => {
    const restricted = [
      "HostRegexp(`^[a-z0-9-]+\\.example\\.com$`)",
      "HostRegexp(`{subdomain:[a-z]+}.example.com`)",
      "HostRegexp(`(?i)^www\\.example\\.com$`) || Host(`example.com`)",
    ];
    const open = ["HostRegexp(`.*`)", "HostRegexp(`.+`)", "HostRegexp(`{host:.+}`)", "HostRegexp(`^.*$`)"];
    for (const rule of restricted) {
      const found = await audit("regexp.yml", ruled(rule));
      assert.ok(
        !found.some(([id]) => id === "traefik-router-without-host"),
        `${rule}: ${JSON.stringify(found)}`,
      );
    }
    for (const rule of open) {
      const found = await audit("regexp.yml", ruled(rule));
      assert.ok(
        found.some(([id]) => id === "traefik-router-without-host"),
        `${rule}: ${JSON.stringify(found)}`,
      );
    }
  });

  test("middlewares from a chain and from the entry point's http.middlewares count for the router", async () => {
    const config = (routerMiddlewares: string, entryPoints = "") =>
      [
        "entryPoints:",
        "  web:",
        '    address: ":80"',
        ...(entryPoints ? ["    http:", `      middlewares: [${entryPoints}]`] : []),
        "  websecure:",
        '    address: ":443"',
        "    http:",
        "      tls: {}",
        ...(entryPoints ? ["      middlewares: [hsts@file]"] : []),
        "http:",
        "  routers:",
        "    app-http:",
        '      rule: "Host(`a.test`)"',
        "      entryPoints: [web]",
        ...(routerMiddlewares ? [`      middlewares: [${routerMiddlewares}]`] : []),
        "      service: app",
        "    app:",
        '      rule: "Host(`a.test`)"',
        "      entryPoints: [websecure]",
        ...(routerMiddlewares ? ["      middlewares: [secure-chain]"] : []),
        "      service: app",
        "  middlewares:",
        "    to-https-chain:",
        "      chain:",
        "        middlewares: [loop, to-https@file]",
        "    loop:",
        "      chain:",
        "        middlewares: [to-https-chain, loop]",
        "    secure-chain:",
        "      chain:",
        "        middlewares: [hsts]",
        "    to-https:",
        "      redirectScheme: { scheme: https, permanent: true }",
        "    hsts:",
        "      headers: { stsSeconds: 31536000, stsIncludeSubdomains: true }",
        "",
      ].join("\n");
    assert.deepEqual(await audit("chain.yml", config("to-https-chain")), []);
    assert.deepEqual(await audit("entry-point.yml", config("", "to-https@file")), []);
    assert.deepEqual(await audit("neither.yml", config("")), [
      ["traefik-plain-http-served", "warn", 10],
      ["traefik-hsts-missing", "warn", 14],
    ]);
  });

  test("a plain router whose headers middleware writes X-Forwarded-Proto: https: nobody redirects", async () => {
    const yaml = (middleware: string) =>
      [
        "entryPoints:",
        "  web:",
        '    address: ":80"',
        "http:",
        "  routers:",
        "    app-http:",
        '      rule: "Host(`a.test`)"',
        "      entryPoints: [web]",
        "      middlewares: [proto]",
        "      service: app",
        "  middlewares:",
        "    proto:",
        "      headers:",
        "        customRequestHeaders:",
        `          ${middleware}`,
        "",
      ].join("\n");
    const settings = djangoSettingsFromSource(
      'MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]\nSECURE_SSL_REDIRECT = True\nSECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")\n',
    );
    const verdict = async (name: string, middleware: string) => {
      const file = join(dir, name);
      await writeFile(file, yaml(middleware));
      const found = applyRules({ traefik: loadTraefikConfig(file), settings }, traefikRules);
      return found.filter((c) => c.id === "traefik-plain-http-served").map((c) => [c.status, c.summary]);
    };
    assert.deepEqual(
      (await verdict("literal-https.yml", 'X-Forwarded-Proto: "https"')).map(([status]) => status),
      ["fail"],
    );
    const [literal] = await verdict("literal-https.yml", 'X-Forwarded-Proto: "https"');
    assert.match(literal![1]!, /X-Forwarded-Proto is set to "https" .*nobody redirects plain HTTP/);
    const [other] = await verdict("other-header.yml", 'X-Request-Source: "edge"');
    assert.deepEqual(other?.[0], "warn");
    assert.match(other![1]!, /Django redirects it/);
  });

  test("a TLS router without an HSTS headers middleware is warned about", async () => {
    const found = await audit(
      "hsts.yml",
      'http:\n  routers:\n    app:\n      rule: "Host(`a.test`)"\n      tls: {}\n      service: app\n',
    );
    assert.deepEqual(found, [["traefik-hsts-missing", "warn", 3]]);
  });

  const hstsFile = (options: string[]) =>
    [
      "http:",
      "  routers:",
      "    app:",
      '      rule: "Host(`a.test`)"',
      "      tls: {}",
      "      middlewares: [hsts]",
      "      service: app",
      "  middlewares:",
      "    hsts:",
      "      headers:",
      ...options.map((option) => `        ${option}`),
      "",
    ].join("\n");

  const strengths: [string, string[], string[][]][] = [
    ["a year with includeSubdomains passes", ["stsSeconds: 31536000", "stsIncludeSubdomains: true"], []],
    [
      "under six months fails",
      ["stsSeconds: 3600", "stsIncludeSubdomains: true"],
      [["traefik-hsts-weak", "fail", "9"]],
    ],
    [
      "a year without includeSubdomains warns",
      ["stsSeconds: 31536000"],
      [["traefik-hsts-weak", "warn", "9"]],
    ],
    [
      "under a year warns",
      ["stsSeconds: 16000000", "stsIncludeSubdomains: true", "stsPreload: true"],
      [["traefik-hsts-weak", "warn", "9"]],
    ],
  ];
  for (const [name, options, expected] of strengths)
    test(`HSTS strength in the file provider: ${name}`, async () => {
      const found = await audit(
        `hsts-${options.join("-").replace(/[^a-z0-9]+/gi, "")}.yml`,
        hstsFile(options),
      );
      assert.deepEqual(
        found.map(([id, status, line]) => [id, status, String(line)]),
        expected,
      );
    });

  describe("Django sending HSTS itself answers for a router only where it surely learns https", () => {
    const router = (extra: string[] = []) =>
      [
        "http:",
        "  routers:",
        "    app:",
        '      rule: "Host(`a.test`)"',
        "      tls: {}",
        "      service: app",
        ...extra,
        "",
      ].join("\n");
    const settingsWith = (header: string, middleware = '["django.middleware.security.SecurityMiddleware"]') =>
      djangoSettingsFromSource(
        `MIDDLEWARE = ${middleware}\nSECURE_HSTS_SECONDS = 31536000\nSECURE_PROXY_SSL_HEADER = ("${header}", "https")\n`,
      );
    const cases: [string, string, ReturnType<typeof settingsWith>, string[][]][] = [
      [
        "X-Forwarded-Proto, which Traefik writes itself on TLS: no warning",
        router(),
        settingsWith("HTTP_X_FORWARDED_PROTO"),
        [],
      ],
      [
        "X-Forwarded-Ssl, which Traefik never writes: Django sees http",
        router(),
        settingsWith("HTTP_X_FORWARDED_SSL"),
        [["traefik-hsts-missing", "warn", "3"]],
      ],
      [
        "without SecurityMiddleware nothing sends it",
        router(),
        settingsWith("HTTP_X_FORWARDED_PROTO", "[]"),
        [["traefik-hsts-missing", "warn", "3"]],
      ],
      [
        "a headers middleware removing X-Forwarded-Proto",
        router([
          "      middlewares: [strip]",
          "  middlewares:",
          "    strip:",
          "      headers:",
          "        customRequestHeaders:",
          '          X-Forwarded-Proto: ""',
        ]),
        settingsWith("HTTP_X_FORWARDED_PROTO"),
        [["traefik-hsts-missing", "warn", "3"]],
      ],
    ];
    for (const [name, yaml, settings, expected] of cases)
      test(name, async () => {
        const file = join(dir, `hsts-django-${cases.findIndex((c) => c[0] === name)}.yml`);
        await writeFile(file, yaml);
        const found = applyRules({ traefik: loadTraefikConfig(file), settings }, traefikRules);
        assert.deepEqual(
          found.map((c) => [c.id, c.status, String(c.location?.line)]),
          expected,
        );
      });
  });

  test("stsSeconds 0 sends no header: HSTS is missing, not weak", async () => {
    const found = await audit("hsts-zero.yml", hstsFile(["stsSeconds: 0", "stsIncludeSubdomains: true"]));
    assert.deepEqual(found, [["traefik-hsts-missing", "warn", 3]]);
  });

  test("a syntax error is a reading problem with its line, not a crash", async () => {
    const file = join(dir, "broken.yml");
    await writeFile(file, "entryPoints: [\n");
    const config = loadTraefikConfig(file);
    assert.equal(config.errors.length, 1);
    assert.equal(config.errors[0]?.line, 2);
    assert.equal((await readFile(file, "utf8")).length > 0, true);
  });

  test("a file with no Traefik key, or naming a dynamic file that is not there, is a reading problem", async () => {
    const manifest = join(dir, "service.yaml");
    await writeFile(manifest, "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n");
    assert.match(loadTraefikConfig(manifest).errors[0]?.message ?? "", /^no Traefik configuration in it/);
    const named = join(dir, "static.yml");
    await writeFile(
      named,
      'entryPoints:\n  web:\n    address: ":80"\nproviders:\n  file:\n    filename: gone.yml\n',
    );
    const config = loadTraefikConfig(named);
    assert.deepEqual(
      config.errors.map((e) => [e.line, e.message]),
      [[6, "providers.file.filename gone.yml: no such file here or beside this one"]],
    );
  });

  test("providers.file.directory: every .yml, .yaml and .toml file under it is read, subfolders too", async () => {
    const root = join(dir, "with-directory");
    await mkdir(join(root, "dynamic", "more"), { recursive: true });
    const staticFile = join(root, "traefik.yml");
    await writeFile(
      staticFile,
      'entryPoints:\n  web:\n    address: ":80"\nproviders:\n  file:\n    directory: dynamic\n',
    );
    await writeFile(
      join(root, "dynamic", "app.yml"),
      'http:\n  routers:\n    app:\n      rule: "PathPrefix(`/`)"\n      service: app\n',
    );
    await writeFile(
      join(root, "dynamic", "more", "api.toml"),
      '[http.routers.api]\nrule = "Host(`api.test`)"\nservice = "app"\n',
    );
    await writeFile(join(root, "dynamic", "notes.txt"), "not read\n");
    const config = loadTraefikConfig(staticFile);
    assert.deepEqual(config.errors, []);
    assert.deepEqual(
      config.routers.map((r) => r.name),
      ["app", "api"],
    );
    assert.deepEqual(
      applyRules({ traefik: config }, traefikRules).map((c) => [c.id, c.status]),
      [
        ["traefik-plain-http-served", "warn"],
        ["traefik-plain-http-served", "warn"],
        ["traefik-router-without-host", "fail"],
      ],
    );
    await writeFile(staticFile, "providers:\n  file:\n    directory: gone\n");
    assert.deepEqual(
      loadTraefikConfig(staticFile).errors.map((e) => [e.line, e.message]),
      [[3, "providers.file.directory gone: no such folder here or beside this file"]],
    );
  });
});
