import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isClauseId } from "../../../../src/clauses.js";
import { contractRules } from "../../../../src/static/rules/contract/index.js";
import {
  CADDY,
  caddyProxyBlock,
  HAPROXY,
  inputOf,
  NGINX,
  run,
  SETTINGS,
  settingsWith,
  single,
  statuses,
} from "./fixtures.js";

describe("contract rule metadata and inputs", () => {
  it("gives every rule a unique contract- id, a known clause and a fix for each proxy and Django", () => {
    assert.equal(new Set(contractRules.map((r) => r.meta.id)).size, contractRules.length);
    for (const { meta } of contractRules) {
      assert.match(meta.id, /^contract-/);
      assert.ok(isClauseId(meta.clause), meta.id);
      for (const side of ["django", "nginx", "caddy", "haproxy"] as const)
        assert.ok(meta.fix[side], `${meta.id} ${side}`);
    }
  });

  it("says nothing without settings or without a proxy config", () => {
    const broken = {
      settings: settingsWith('ALLOWED_HOSTS = ["*"]'),
      nginx: NGINX.replace(/ssl_reject_handshake on; return 444; /, ""),
    };
    for (const rule of contractRules) {
      assert.deepEqual(rule.check(inputOf({ settings: broken.settings })), [], rule.meta.id);
      assert.deepEqual(rule.check(inputOf({ nginx: broken.nginx })), [], rule.meta.id);
    }
  });

  for (const [proxy, config] of [
    ["nginx", NGINX],
    ["caddy", CADDY],
    ["haproxy", HAPROXY],
  ] as const) {
    it(`finds nothing where Django and ${proxy} agree`, () => {
      const input = inputOf({ settings: SETTINGS, [proxy]: config });
      assert.deepEqual(
        contractRules.flatMap((r) => r.check(input).map((f) => `${r.meta.id}: ${f.message}`)),
        [],
      );
    });
  }
});

describe("contract-scheme-header-from-client (spoofed-proto)", () => {
  const id = "contract-scheme-header-from-client";

  it("fails when one route, the port-80 health path, forgets to overwrite X-Forwarded-Proto", () => {
    const nginx = NGINX.replace(
      /(location = \/healthz \{\n\s+proxy_pass http:\/\/127.0.0.1:8000;\n)[^}]*\}/,
      "$1 proxy_set_header Host $host; }",
    );
    const findings = run(id, { settings: SETTINGS, nginx });
    assert.deepEqual(
      findings.map((f) => f.status),
      ["fail"],
    );
    assert.match(
      findings[0]!.message,
      /X-Forwarded-Proto is passed through .* on plain HTTP through location = \/healthz/,
    );
  });

  it("fails on HAProxy add-header, which appends after the client's copy", () => {
    const haproxy = HAPROXY.replace(
      /http-request set-header X-Forwarded-Proto https if \{ ssl_fc \}\n\s+http-request set-header X-Forwarded-Proto http unless \{ ssl_fc \}/,
      "http-request add-header X-Forwarded-Proto https if { ssl_fc }",
    );
    assert.ok(statuses(id, { settings: SETTINGS, haproxy }).includes("fail"));
  });

  it("fails X_Forwarded_Proto on plain HTTP, which HAProxy passes and gunicorn before 22 and uvicorn merge ahead of the proxy's value", () => {
    const haproxy = HAPROXY.replace("http-request del-header X_Forwarded_Proto\n", "");
    assert.notEqual(haproxy, HAPROXY);
    const findings = run(id, { settings: SETTINGS, haproxy });
    assert.deepEqual(
      findings.map((f) => f.status),
      ["warn", "fail"],
    );
    assert.match(
      findings[1]!.message,
      /X_Forwarded_Proto is passed through .* on plain HTTP .*gunicorn before 22 and uvicorn merge X_Forwarded_Proto into X-Forwarded-Proto, the client's copy first/,
    );
    assert.match(findings[0]!.message, /on HTTPS/);
    assert.deepEqual(run(id, { settings: SETTINGS, haproxy: HAPROXY }), []);
  });

  it("fails when Caddy trusts every peer on plain HTTP; on HTTPS only, or for private ranges, it warns", () => {
    const trusting = (list: string) => caddyProxyBlock(`trusted_proxies ${list}`);
    assert.deepEqual(statuses(id, { settings: SETTINGS, caddy: trusting("0.0.0.0/0") }), ["warn"]);
    assert.deepEqual(statuses(id, { settings: SETTINGS, caddy: trusting("private_ranges") }), ["warn"]);
    const everywhere = trusting("0.0.0.0/0").replace(
      "handle /healthz {\n\t\treverse_proxy 127.0.0.1:8000\n\t}",
      "handle /healthz {\n\t\treverse_proxy 127.0.0.1:8000 {\n\t\t\ttrusted_proxies 0.0.0.0/0\n\t\t}\n\t}",
    );
    assert.ok(statuses(id, { settings: SETTINGS, caddy: everywhere }).includes("fail"));
  });

  it("holds gunicorn's scheme headers to the same rule when Django leaves the scheme to gunicorn", () => {
    const settings = settingsWith("SECURE_PROXY_SSL_HEADER = None");
    const gunicorn = 'forwarded_allow_ips = "127.0.0.1"\n';
    const findings = run(id, { settings, nginx: NGINX, gunicorn });
    assert.ok(
      findings.some((f) => f.status === "fail" && /X-Forwarded-Ssl is passed through/.test(f.message)),
    );
    const owned = NGINX.replaceAll(
      "proxy_set_header X-Forwarded-Host $host;",
      'proxy_set_header X-Forwarded-Host $host;\n        proxy_set_header X-Forwarded-Ssl "";\n        proxy_set_header X-Forwarded-Protocol "";',
    );
    assert.deepEqual(run(id, { settings, nginx: owned, gunicorn }), []);
  });
});

describe("contract-scheme-not-conveyed (scheme)", () => {
  const id = "contract-scheme-not-conveyed";
  const removed = NGINX.replace(
    /(listen 443 ssl;[\s\S]*?)proxy_set_header X-Forwarded-Proto \$scheme;/,
    '$1proxy_set_header X-Forwarded-Proto "";',
  );

  it("fails when the proxy removes the header SECURE_PROXY_SSL_HEADER names", () => {
    const finding = single(id, { settings: SETTINGS, nginx: removed }, "fail");
    assert.match(finding.message, /X-Forwarded-Proto is removed/);
  });

  it("fails when SECURE_PROXY_SSL_HEADER is unset and gunicorn trusts nobody; warns when gunicorn's config is unknown", () => {
    const settings = settingsWith("SECURE_PROXY_SSL_HEADER = None");
    assert.deepEqual(statuses(id, { settings, nginx: NGINX, gunicorn: 'forwarded_allow_ips = ""\n' }), [
      "fail",
    ]);
    assert.deepEqual(statuses(id, { settings, nginx: NGINX }), ["warn"]);
  });

  it("passes when gunicorn carries the scheme for the proxy's address; fails when the proxy dials loopback, which that list leaves out", () => {
    const settings = settingsWith("SECURE_PROXY_SSL_HEADER = None");
    const gunicorn = 'bind = "0.0.0.0:8000"\nforwarded_allow_ips = "10.0.0.2"\n';
    const remote = HAPROXY.replace("server app1 127.0.0.1:8000", "server app1 10.0.0.3:8000");
    assert.deepEqual(run(id, { settings, haproxy: remote, gunicorn }), []);
    const finding = single(id, { settings, haproxy: HAPROXY, gunicorn }, "fail");
    assert.match(
      finding.message,
      /the proxy dials 127\.0\.0\.1:8000, so gunicorn sees it connect from loopback/,
    );
  });

  describe("nginx sets X-Forwarded-Proto, SECURE_PROXY_SSL_HEADER is unset: Django learns the scheme from the app server", () => {
    const settings = settingsWith("SECURE_PROXY_SSL_HEADER = None");
    const literal = NGINX.replaceAll("X-Forwarded-Proto $scheme;", "X-Forwarded-Proto https;");
    const inContainers = (nginx: string) => nginx.replaceAll("http://127.0.0.1:8000", "http://web:8000");
    const defaults = 'bind = "127.0.0.1:8000"\nworkers = 3\n';
    const containerDefaults = 'bind = "0.0.0.0:8000"\nworkers = 3\n';

    it("passes with gunicorn's defaults when nginx dials 127.0.0.1: forwarded_allow_ips 127.0.0.1 covers it", () => {
      for (const nginx of [NGINX, literal]) {
        assert.deepEqual(run(id, { settings, nginx, gunicorn: defaults }), []);
        assert.deepEqual(run("contract-ssl-redirect-loop", { settings, nginx, gunicorn: defaults }), []);
      }
    });

    it("fails with gunicorn's defaults when nginx dials a container name: gunicorn ignores the header from that peer", () => {
      for (const nginx of [inContainers(NGINX), inContainers(literal)]) {
        const finding = single(id, { settings, nginx, gunicorn: containerDefaults }, "fail");
        assert.match(
          finding.message,
          /the proxy dials web:8000, so gunicorn sees it connect from an address of its own, not a peer it trusts, and ignores .*X-Forwarded-Proto/,
        );
        assert.match(
          finding.message,
          /forwarded_allow_ips 127\.0\.0\.1 \(the default, unless \$FORWARDED_ALLOW_IPS is set\)/,
        );
        const loop = single(
          "contract-ssl-redirect-loop",
          { settings, nginx, gunicorn: containerDefaults },
          "fail",
        );
        assert.match(loop.message, /the proxy dials web:8000/);
      }
      const trusting = `${containerDefaults}forwarded_allow_ips = "172.18.0.0/16"\n`;
      assert.deepEqual(run(id, { settings, nginx: inContainers(NGINX), gunicorn: trusting }), []);
    });

    it("warns that the app server cannot be told, never that no header carries the scheme, without its config", () => {
      for (const nginx of [NGINX, literal, inContainers(NGINX)]) {
        for (const rule of [id, "contract-ssl-redirect-loop"]) {
          const finding = single(rule, { settings, nginx }, "warn");
          assert.doesNotMatch(finding.message, /no header carries the scheme|carry no https marker/);
          assert.match(
            finding.message,
            /cannot be told.*the proxy sets X-Forwarded-Proto \(\/virtual\/nginx\.conf:\d+\), but which app server runs, and whether it trusts the proxy's address .* is unknown without its config/,
          );
        }
      }
      const dropped = NGINX.replaceAll("proxy_set_header X-Forwarded-Proto $scheme;", "");
      assert.match(
        single(id, { settings, nginx: dropped }, "warn").message,
        /no header the app servers read by default .* says https/,
      );
    });
  });

  it("reports an error when SECURE_PROXY_SSL_HEADER cannot be read, and nothing for an env variable without default", () => {
    assert.deepEqual(
      statuses(id, { settings: settingsWith("SECURE_PROXY_SSL_HEADER = load_header()"), nginx: NGINX }),
      ["error"],
    );
    assert.deepEqual(
      statuses(id, {
        settings: settingsWith('SECURE_PROXY_SSL_HEADER = os.environ["SSL_HEADER"]'),
        nginx: NGINX,
      }),
      [],
    );
  });

  it("does not mistake HAProxy's add-header for a lost scheme: without a client copy it is the only value", () => {
    const haproxy = HAPROXY.replace(
      "http-request set-header X-Forwarded-Proto https if { ssl_fc }",
      "http-request add-header X-Forwarded-Proto https if { ssl_fc }",
    );
    assert.deepEqual(run(id, { settings: SETTINGS, haproxy }), []);
  });
});

describe("https-redirect contract rules", () => {
  it("contract-ssl-redirect-loop: SECURE_SSL_REDIRECT behind a proxy that drops the scheme loops", () => {
    const caddy = caddyProxyBlock("header_up -X-Forwarded-Proto");
    const finding = single("contract-ssl-redirect-loop", { settings: SETTINGS, caddy }, "fail");
    assert.match(finding.message, /every page redirects to itself/);
    assert.deepEqual(
      run("contract-ssl-redirect-loop", { settings: settingsWith("SECURE_SSL_REDIRECT = False"), caddy }),
      [],
    );
  });

  it("contract-plain-http-unredirected: nobody redirects when port 80 proxies and SECURE_SSL_REDIRECT is off", () => {
    const open = NGINX.replace(
      "location / { return 301 https://app.example.com$request_uri; }",
      "location / { proxy_pass http://127.0.0.1:8000; }",
    );
    const off = settingsWith("SECURE_SSL_REDIRECT = False");
    assert.deepEqual(statuses("contract-plain-http-unredirected", { settings: off, nginx: open }), ["fail"]);
    assert.deepEqual(statuses("contract-plain-http-unredirected", { settings: SETTINGS, nginx: open }), []);
    assert.deepEqual(statuses("contract-plain-http-unredirected", { settings: off, nginx: NGINX }), []);
  });

  it("contract-plain-http-unredirected: judges each route, prefix, regex and named locations too", () => {
    const off = settingsWith("SECURE_SSL_REDIRECT = False");
    const site = (locations: string) => `http { server { listen 80; server_name app.example.com;
      location / { if ($scheme = http) { return 301 https://$host$request_uri; } try_files $uri @app; }
      ${locations} } }`;
    const nginx = site(`location /admin/ { proxy_pass http://127.0.0.1:8000; }
      location ~ \\.php$ { proxy_pass http://127.0.0.1:8000; }
      location = /healthz { proxy_pass http://127.0.0.1:8000; }
      location @app { proxy_pass http://127.0.0.1:8000; }`);
    const findings = run("contract-plain-http-unredirected", { settings: off, nginx });
    assert.deepEqual(
      findings.map((f) => f.message.replace(/ of the server.*/, "")),
      ["location /admin/", "location ~ \\.php$"],
    );
    const named = site("location @app { proxy_pass http://127.0.0.1:8000; }").replace(/if \(.*?\} /, "");
    assert.deepEqual(statuses("contract-plain-http-unredirected", { settings: off, nginx: named }), ["fail"]);
  });

  it("contract-plain-http-unredirected judges an env value on its default and says so", () => {
    const settings = settingsWith('SECURE_SSL_REDIRECT = os.environ.get("SSL_REDIRECT", "") == "on"');
    const haproxy = HAPROXY.replace(/http-request redirect .*\n/, "");
    const findings = run("contract-plain-http-unredirected", { settings, haproxy });
    assert.equal(findings.length, 1);
    assert.match(findings[0]!.message, /judged on the default/);
  });

  it("contract-redirect-to-rewritten-host: Django's redirect follows a rewritten Host", () => {
    const haproxy = HAPROXY.replace(/http-request redirect .*\n/, "").replace(
      "backend app\n",
      "backend app\n    http-request set-header Host 10.0.0.5:8000\n",
    );
    const finding = single("contract-redirect-to-rewritten-host", { settings: SETTINGS, haproxy }, "fail");
    assert.match(finding.message, /https:\/\/10\.0\.0\.5:8000\//);
    assert.deepEqual(
      run("contract-redirect-to-rewritten-host", {
        settings: settingsWith('SECURE_SSL_HOST = "app.example.com"'),
        haproxy,
      }),
      [],
    );
  });
});

describe("contract-forwarded-host-from-client (forwarded-host)", () => {
  const id = "contract-forwarded-host-from-client";
  const trusting = settingsWith("USE_X_FORWARDED_HOST = True");

  it("fails when USE_X_FORWARDED_HOST meets a proxy that passes the client's X-Forwarded-Host", () => {
    const haproxy = HAPROXY.replace("    http-request set-header X-Forwarded-Host %[hdr(host)]\n", "");
    const findings = run(id, { settings: trusting, haproxy });
    assert.ok(findings.length > 0 && findings.every((f) => f.status === "fail"));
    assert.deepEqual(run(id, { settings: SETTINGS, haproxy }), []);
  });

  it("passes when the proxy overwrites it on every route", () => {
    assert.deepEqual(run(id, { settings: trusting, haproxy: HAPROXY }), []);
    assert.deepEqual(run(id, { settings: trusting, nginx: NGINX }), []);
  });
});

describe("contract-forwarded-port-from-client (forwarded-host)", () => {
  const id = "contract-forwarded-port-from-client";
  const trusting = settingsWith("USE_X_FORWARDED_PORT = True");

  it("fails when USE_X_FORWARDED_PORT meets a proxy that lets the client's X-Forwarded-Port through", () => {
    const findings = run(id, { settings: trusting, nginx: NGINX });
    assert.ok(findings.length > 0 && findings.every((f) => f.status === "fail"));
    assert.deepEqual(run(id, { settings: SETTINGS, nginx: NGINX }), []);
  });

  it("passes when the proxy overwrites X-Forwarded-Port on every route", () => {
    const overwriting = NGINX.replace(
      /proxy_set_header Host \$host;/g,
      "proxy_set_header Host $host;\n      proxy_set_header X-Forwarded-Port $server_port;",
    );
    assert.notEqual(overwriting, NGINX);
    assert.deepEqual(run(id, { settings: trusting, nginx: overwriting }), []);
  });
});

describe("contract-allowed-hosts (host-header)", () => {
  const id = "contract-allowed-hosts";
  const catchAll = CADDY.replace("https://app.example.com {", ":443 {");

  it("fails for ALLOWED_HOSTS '*' behind a host-less site", () => {
    assert.deepEqual(statuses(id, { settings: settingsWith('ALLOWED_HOSTS = ["*"]'), caddy: catchAll }), [
      "fail",
    ]);
    assert.deepEqual(statuses(id, { settings: settingsWith('ALLOWED_HOSTS = ["*"]'), caddy: CADDY }), []);
  });

  it("warns for a served name ALLOWED_HOSTS refuses, and accepts a '.domain' entry", () => {
    const www = NGINX.replaceAll(
      "server_name app.example.com;",
      "server_name app.example.com www.example.com;",
    );
    const findings = run(id, { settings: SETTINGS, nginx: www });
    assert.ok(
      findings.length > 0 &&
        findings.every((f) => f.status === "warn" && /www\.example\.com/.test(f.message)),
    );
    assert.deepEqual(run(id, { settings: settingsWith('ALLOWED_HOSTS = [".example.com"]'), nginx: www }), []);
  });

  it("fails behind a default server whose only Host test redirects www to the apex", () => {
    const settings = settingsWith('ALLOWED_HOSTS = ["*"]');
    const server = (guard: string) => `http { server {
      listen 443 ssl default_server;
      server_name example.com www.example.com;
      ${guard}
      location / { proxy_pass http://127.0.0.1:8000; proxy_set_header Host $host; proxy_set_header X-Forwarded-Proto $scheme; }
    } }`;
    const www = "if ($host = www.example.com) { return 301 https://example.com$request_uri; }";
    assert.deepEqual(statuses(id, { settings, nginx: server(www) }), ["fail"]);
    const allowlist = "if ($host !~* ^(example\\.com|www\\.example\\.com)$) { return 444; }";
    assert.deepEqual(statuses(id, { settings, nginx: server(allowlist) }), []);
  });

  it("passes behind a default server whose location proxying to the app holds the Host allowlist", () => {
    const settings = settingsWith('ALLOWED_HOSTS = ["*"]');
    const nginx = `http { server {
      listen 443 ssl default_server;
      server_name example.com;
      location / {
        if ($host != example.com) { return 444; }
        proxy_pass http://127.0.0.1:8000; proxy_set_header Host $host; proxy_set_header X-Forwarded-Proto $scheme;
      }
    } }`;
    assert.deepEqual(statuses(id, { settings, nginx }), []);
    // In another location it keeps nothing off this one.
    const elsewhere = nginx.replace(
      "location / {\n        if ($host != example.com) { return 444; }",
      "location /admin/ { if ($host != example.com) { return 444; } }\n      location / {",
    );
    assert.notEqual(elsewhere, nginx);
    assert.deepEqual(statuses(id, { settings, nginx: elsewhere }), ["fail"]);
  });

  it("warns when the proxy rewrites Host to an address ALLOWED_HOSTS lacks, judging env defaults", () => {
    const nginx = NGINX.replace(/(listen 443 ssl;[\s\S]*?)proxy_set_header Host \$host;/, "$1");
    const settings = settingsWith('ALLOWED_HOSTS = os.environ.get("HOSTS", "app.example.com").split(",")');
    const findings = run(id, { settings, nginx });
    assert.equal(findings.length, 1);
    assert.match(findings[0]!.message, /sends Host 127\.0\.0\.1:8000 .*judged on the default/);
  });
});

describe("contract-csrf-origin (csrf-origin)", () => {
  const id = "contract-csrf-origin";
  const rewriting = caddyProxyBlock("header_up Host {upstream_hostport}");

  it("fails when Host is rewritten and the site's origin is not trusted", () => {
    const finding = single(
      id,
      { settings: settingsWith("CSRF_TRUSTED_ORIGINS = []"), caddy: rewriting },
      "fail",
    );
    assert.match(finding.message, /lacks 'https:\/\/app\.example\.com'/);
    assert.deepEqual(run(id, { settings: SETTINGS, caddy: rewriting }), []);
  });

  it("fails when Django cannot see HTTPS on a catch-all server and no origin is trusted", () => {
    const nginx = `http { server { listen 443 ssl default_server; server_name _;
      location / { proxy_pass http://127.0.0.1:8000; proxy_set_header Host $host; proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto; } } }`;
    assert.deepEqual(statuses(id, { settings: settingsWith("CSRF_TRUSTED_ORIGINS = []"), nginx }), ["fail"]);
  });
});

describe("contract-health-exempt (health-exempt)", () => {
  const id = "contract-health-exempt";

  it("fails when the proxy lets /healthz through on plain HTTP but no exemption matches it", () => {
    assert.deepEqual(
      statuses(id, { settings: settingsWith("SECURE_REDIRECT_EXEMPT = []"), haproxy: HAPROXY }),
      ["fail"],
    );
    assert.deepEqual(
      statuses(id, { settings: settingsWith('SECURE_REDIRECT_EXEMPT = [r"^/healthz$"]'), haproxy: HAPROXY }),
      ["fail"],
    );
    assert.deepEqual(statuses(id, { settings: SETTINGS, haproxy: HAPROXY }), []);
  });

  it("warns when Django exempts a path the proxy redirects anyway", () => {
    const nginx = NGINX.replace(/location = \/healthz \{[^}]*\}/, "");
    const finding = single(id, { settings: SETTINGS, nginx }, "warn");
    assert.match(finding.message, /redirects every plain-HTTP request/);
  });

  it("warns when all plain HTTP reaches Django, which redirects every path", () => {
    const caddy = CADDY.replace(
      /http:\/\/app\.example\.com \{[\s\S]*$/,
      "http://app.example.com {\n\treverse_proxy 127.0.0.1:8000\n}\n",
    );
    assert.deepEqual(statuses(id, { settings: settingsWith("SECURE_REDIRECT_EXEMPT = []"), caddy }), [
      "warn",
    ]);
    assert.deepEqual(statuses(id, { settings: SETTINGS, caddy }), []);
  });
});

describe("contract-hsts-never-sent (hsts)", () => {
  const id = "contract-hsts-never-sent";
  const haproxy = HAPROXY.replace(/ {4}http-request set-header X-Forwarded-Proto .*\n/g, "");

  it("fails when Django's HSTS depends on a scheme it never learns and the proxy adds none", () => {
    assert.deepEqual(statuses(id, { settings: SETTINGS, haproxy }), ["fail"]);
  });

  it("passes when the proxy sends HSTS itself", () => {
    const withHsts = haproxy.replace(
      "    default_backend app",
      '    http-response set-header Strict-Transport-Security "max-age=31536000" if { ssl_fc }\n    default_backend app',
    );
    assert.deepEqual(run(id, { settings: SETTINGS, haproxy: withHsts }), []);
  });

  it("passes when Caddy sets HSTS only where the response has none (header ?Strict-Transport-Security)", () => {
    const caddy = CADDY.replace(
      "https://app.example.com {\n",
      'https://app.example.com {\n\theader ?Strict-Transport-Security "max-age=31536000"\n',
    );
    const noHsts = settingsWith("SECURE_HSTS_SECONDS = 0");
    assert.deepEqual(run(id, { settings: noHsts, caddy }), []);
    assert.deepEqual(statuses(id, { settings: noHsts, caddy: CADDY }), ["fail"]);
  });
});
