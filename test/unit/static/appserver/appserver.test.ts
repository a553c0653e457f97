import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadAppServerFile } from "../../../../src/static/appserver/load.js";
import { loadNginxText } from "../../../../src/static/nginx/loader.js";
import { djangoSettingsFromSource } from "../../../../src/static/python/load-settings.js";
import type { AuditInput, RuleFinding } from "../../../../src/static/rule.js";
import { ALL_RULES } from "../../../../src/static/rules/index.js";
import { CORPUS as corpus, corpusMissing } from "../../../corpus.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => path.join(here, "fixtures", name);

async function load(name: string, file = fixture(name)) {
  const found = await loadAppServerFile(file);
  assert.deepEqual(found.errors, [], `${name} reads cleanly`);
  return found;
}

async function inputFor(name: string, extra: Omit<AuditInput, "appServers"> = {}): Promise<AuditInput> {
  const found = await load(name);
  return { ...extra, appServers: found.appServers, ...(found.gunicorn ? { gunicorn: found.gunicorn } : {}) };
}

function check(id: string, input: AuditInput): RuleFinding[] {
  const rule = ALL_RULES.find((r) => r.meta.id === id);
  assert.ok(rule, `rule ${id} is registered`);
  return rule.check(input);
}

const statusAndLine = (findings: RuleFinding[]) => findings.map((f) => [f.status, f.location.line]);

function nginx(body: string, unreadIncludes = 0) {
  const config = loadNginxText(`http {\n${body}\n}`, "/srv/shop/nginx.conf", { sysroot: "/nonexistent" });
  assert.equal(config.errors.length, unreadIncludes);
  return config;
}

const settings = (text: string) =>
  djangoSettingsFromSource(`ALLOWED_HOSTS = ["shop.example.com"]\n${text}\n`);

/** A TLS site that proxies to the app with the given header lines. */
function tlsSite(pass: string, lines: string): string {
  return `server { listen 80; server_name shop.example.com; return 301 https://shop.example.com$request_uri; }
server {
  listen 443 ssl;
  server_name shop.example.com;
  location / {
    ${pass};
    ${lines}
  }
}`;
}

test("each server is recognised from its launch file or ini, with its trust read", async () => {
  const [uvicorn] = (await load("uvicorn-wildcard.Dockerfile")).appServers;
  assert.equal(uvicorn?.server, "uvicorn");
  assert.deepEqual(uvicorn?.binds.value, ["0.0.0.0:8000"]);
  assert.deepEqual(uvicorn?.trustedPeers, {
    file: fixture("uvicorn-wildcard.Dockerfile"),
    line: 9,
    value: ["*"],
    option: "--forwarded-allow-ips",
  });
  assert.deepEqual(uvicorn?.clientAddress, { header: "X-Forwarded-For", pick: "first" });

  const [local] = (await load("uvicorn-local.service")).appServers;
  assert.deepEqual(local?.trustedPeers.value, ["127.0.0.1"]);
  assert.equal(local?.trustedPeers.option, "$FORWARDED_ALLOW_IPS");
  assert.deepEqual(local?.clientAddress?.pick, "nearest-untrusted");

  const [daphne] = (await load("Procfile.daphne")).appServers;
  assert.equal(daphne?.server, "daphne");
  assert.deepEqual(daphne?.binds.value, ["0.0.0.0:$PORT"]);
  assert.deepEqual(daphne?.trustedPeers.value, ["*"]);

  const [waitress] = (await load("waitress-production.ini")).appServers;
  assert.equal(waitress?.server, "waitress");
  assert.deepEqual(waitress?.binds.value, ["127.0.0.1:8080"]);
  assert.deepEqual(waitress?.clientAddress, { header: "X-Forwarded-For", pick: { fromRight: 1 } });
  assert.equal(waitress?.clearsUntrusted?.value, true);
  assert.equal(waitress?.at.line, 4, "the [server:main] section");

  const [served] = (await load("waitress-serve.py")).appServers;
  assert.deepEqual(served?.trustedPeers.value, ["127.0.0.1"]);
  assert.equal(served?.trustedPeers.line, 12);
  assert.deepEqual(served?.schemeHeaders, [{ name: "X-Forwarded-Proto", secureValue: "https" }]);

  const [uwsgi] = (await load("uwsgi-tcp.ini")).appServers;
  assert.equal(uwsgi?.protocol, "uwsgi");
  assert.deepEqual(uwsgi?.binds.value, ["0.0.0.0:3031"]);

  const worker = await load("Procfile.uvicorn-worker");
  assert.deepEqual(worker.appServers, []);
  assert.deepEqual(worker.gunicorn?.workerClass?.values, [
    { kind: "known", value: "uvicorn.workers.UvicornWorker" },
  ]);
});

test(
  "linkding's real uwsgi.ini: read, no socket in the file, nothing to judge",
  { skip: corpusMissing },
  async () => {
    const [linkding] = (await load("uwsgi.ini", path.join(corpus, "sissbruecker__linkding", "uwsgi.ini")))
      .appServers;
    assert.equal(linkding?.server, "uwsgi");
    assert.deepEqual(linkding?.binds.value, []);
    assert.deepEqual(check("app-server-trusts-any-peer", { appServers: [linkding!] }), []);
  },
);

test("a file naming no app server is one located error", async () => {
  const found = await loadAppServerFile(path.join(here, "appserver.test.ts"));
  assert.match(found.errors[0]?.message ?? "", /no app server found/);
});

test("app-server-trusts-any-peer: failing on reachable binds, passing on sockets and loopback", async () => {
  const id = "app-server-trusts-any-peer";
  assert.deepEqual(statusAndLine(check(id, await inputFor("uvicorn-wildcard.Dockerfile"))), [["fail", 9]]);
  assert.deepEqual(statusAndLine(check(id, await inputFor("Procfile.daphne"))), [["fail", 2]]);
  assert.deepEqual(statusAndLine(check(id, await inputFor("waitress-wildcard.compose.yml"))), [["fail", 4]]);
  const uwsgi = check(id, await inputFor("uwsgi-tcp.ini"));
  assert.deepEqual(statusAndLine(uwsgi), [["fail", 6]]);
  assert.match(uwsgi[0]?.message ?? "", /HTTPS, REMOTE_ADDR/);
  for (const passing of [
    "daphne-socket.compose.yml",
    "uwsgi-socket.ini",
    "uvicorn-uds.service",
    "waitress-production.ini",
  ]) {
    assert.deepEqual(check(id, await inputFor(passing)), [], passing);
  }
});

test("app-server-trusts-any-peer: uvicorn --forwarded-allow-ips 0.0.0.0/0 trusts every peer, as '*' does", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "proxytrust-uvicorn-"));
  try {
    const procfile = path.join(dir, "Procfile");
    const judged = async (peers: string) => {
      writeFileSync(
        procfile,
        `web: uvicorn shop.asgi:application --host 0.0.0.0 --forwarded-allow-ips ${peers}\n`,
      );
      const found = await loadAppServerFile(procfile);
      return check("app-server-trusts-any-peer", { appServers: found.appServers }).map((f) => f.message);
    };
    const [message] = await judged("0.0.0.0/0");
    assert.match(message ?? "", /^uvicorn \(--forwarded-allow-ips '0\.0\.0\.0\/0'\) takes X-Forwarded-Proto/);
    assert.equal((await judged("10.0.0.1,::/0")).length, 1);
    assert.deepEqual(await judged("10.0.0.0/8"), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("waitress-untrusted-headers-kept: trusted_proxy without clear_untrusted_proxy_headers", async () => {
  const id = "waitress-untrusted-headers-kept";
  assert.deepEqual(statusAndLine(check(id, await inputFor("waitress-wildcard.compose.yml"))), [["fail", 4]]);
  assert.deepEqual(statusAndLine(check(id, await inputFor("waitress-serve.py"))), [["warn", 12]]);
  assert.deepEqual(check(id, await inputFor("waitress-production.ini")), []);
});

test("uvicorn's scheme: on a unix socket the default trusts nobody, so HTTPS looks like http", async () => {
  const id = "contract-scheme-not-conveyed";
  const proxy = nginx(
    tlsSite(
      "proxy_pass http://unix:/run/shop/uvicorn.sock",
      "proxy_set_header Host $host;\n    proxy_set_header X-Forwarded-Proto $scheme;",
    ),
  );
  const noHeader = settings("SECURE_PROXY_SSL_HEADER = None");
  const failing = check(id, await inputFor("uvicorn-uds.service", { settings: noHeader, nginx: proxy }));
  assert.deepEqual(
    failing.map((f) => f.status),
    ["fail"],
  );
  assert.match(failing[0]?.message ?? "", /unix socket, whose peers have no address/);
  // Over TCP from 127.0.0.1 uvicorn believes the proxy's X-Forwarded-Proto.
  const tcp = nginx(
    tlsSite(
      "proxy_pass http://127.0.0.1:8000",
      "proxy_set_header Host $host;\n    proxy_set_header X-Forwarded-Proto $scheme;",
    ),
  );
  assert.deepEqual(
    check(id, await inputFor("uvicorn-local.service", { settings: noHeader, nginx: tcp })),
    [],
  );
});

test("uvicorn trusting X-Forwarded-Proto from a proxy that passes the client's copy", async () => {
  const id = "contract-scheme-header-from-client";
  const noHeader = settings("SECURE_PROXY_SSL_HEADER = None");
  const passes = nginx(
    `server { listen 80; server_name shop.example.com; location / { proxy_pass http://127.0.0.1:8000; proxy_set_header Host $host; } }\n` +
      tlsSite("proxy_pass http://127.0.0.1:8000", "proxy_set_header Host $host;"),
  );
  const failing = check(id, await inputFor("uvicorn-local.service", { settings: noHeader, nginx: passes }));
  assert.ok(
    failing.some(
      (f) => f.status === "fail" && /uvicorn, which sets the scheme from X-Forwarded-Proto/.test(f.message),
    ),
  );
  const overwrites = nginx(
    tlsSite(
      "proxy_pass http://127.0.0.1:8000",
      "proxy_set_header Host $host;\n    proxy_set_header X-Forwarded-Proto $scheme;",
    ),
  );
  assert.deepEqual(
    check(id, await inputFor("uvicorn-local.service", { settings: noHeader, nginx: overwrites })),
    [],
  );
});

test("contract-client-address-first-entry: daphne --proxy-headers behind a proxy that appends", async () => {
  const id = "contract-client-address-first-entry";
  const sets = settings("SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')");
  const appends = nginx(
    tlsSite(
      "proxy_pass http://unix:/run/daphne/daphne.sock",
      "proxy_set_header Host $host;\n    proxy_set_header X-Forwarded-Proto $scheme;\n    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    ),
  );
  const failing = check(id, await inputFor("daphne-socket.compose.yml", { settings: sets, nginx: appends }));
  assert.deepEqual(
    failing.map((f) => f.status),
    ["fail"],
  );
  assert.match(
    failing[0]?.message ?? "",
    /daphne takes the client address from the first X-Forwarded-For entry/,
  );
  const overwrites = nginx(
    tlsSite(
      "proxy_pass http://unix:/run/daphne/daphne.sock",
      "proxy_set_header Host $host;\n    proxy_set_header X-Forwarded-Proto $scheme;\n    proxy_set_header X-Forwarded-For $remote_addr;",
    ),
  );
  assert.deepEqual(
    check(id, await inputFor("daphne-socket.compose.yml", { settings: sets, nginx: overwrites })),
    [],
  );
  // uvicorn with a narrow list picks the nearest untrusted entry: appending is fine there.
  assert.deepEqual(
    check(id, await inputFor("uvicorn-local.service", { settings: sets, nginx: appends })),
    [],
  );
});

test("nginx-uwsgi-https-not-passed: uwsgi_pass on TLS without the HTTPS variable", () => {
  const id = "nginx-uwsgi-https-not-passed";
  const noHeader = settings("SECURE_PROXY_SSL_HEADER = None");
  const bare = nginx(
    tlsSite("uwsgi_pass unix:/run/uwsgi/shop.sock", "uwsgi_param QUERY_STRING $query_string;"),
  );
  assert.deepEqual(statusAndLine(check(id, { settings: noHeader, nginx: bare })), [["fail", 7]]);
  assert.deepEqual(statusAndLine(check(id, { nginx: bare })), [["warn", 7]], "without settings: a warning");
  // nginx's own uwsgi_params sends HTTPS: unread here, its name stands for it.
  const params = nginx(tlsSite("uwsgi_pass unix:/run/uwsgi/shop.sock", "include uwsgi_params;"), 1);
  assert.deepEqual(check(id, { settings: noHeader, nginx: params }), []);
  const explicit = nginx(
    tlsSite("uwsgi_pass unix:/run/uwsgi/shop.sock", "uwsgi_param HTTPS $https if_not_empty;"),
  );
  assert.deepEqual(check(id, { settings: noHeader, nginx: explicit }), []);
  const headerSet = settings("SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')");
  assert.deepEqual(check(id, { settings: headerSet, nginx: bare }), [], "Django reads a header instead");
  // TLS by the address, not the line: legacy `ssl on;`, or `ssl` on another server's listen on *:443.
  const site = tlsSite("uwsgi_pass unix:/run/uwsgi/shop.sock", "uwsgi_param QUERY_STRING $query_string;");
  const legacy = nginx(site.replace("listen 443 ssl;", "listen 443;\n  ssl on;"));
  assert.deepEqual(statusAndLine(check(id, { settings: noHeader, nginx: legacy })), [["fail", 8]]);
  const shared = nginx(
    `server { listen 443 ssl default_server; ssl_reject_handshake on; }\n${site.replace("listen 443 ssl;", "listen 443;")}`,
  );
  assert.deepEqual(statusAndLine(check(id, { settings: noHeader, nginx: shared })), [["fail", 8]]);
});

test(
  "nginx-proxy-header-under-uwsgi-pass: DefectDojo's real nginx_TLS.conf, and a proxy_pass site",
  { skip: corpusMissing },
  async () => {
    const id = "nginx-proxy-header-under-uwsgi-pass";
    const { loadNginxConfig } = await import("../../../../src/static/nginx/loader.js");
    const dojo = await loadNginxConfig(
      path.join(corpus, "DefectDojo__django-DefectDojo", "nginx", "nginx_TLS.conf"),
      { sysroot: "/nonexistent" },
    );
    const findings = check(id, { nginx: dojo });
    assert.ok(findings.length >= 3, "every ignored proxy_set_header of the uwsgi locations");
    assert.ok(findings.every((f) => f.status === "warn"));
    assert.ok(
      findings.some((f) =>
        /proxy_set_header X-Forwarded-Proto \$scheme does nothing .* use uwsgi_param HTTP_X_FORWARDED_PROTO/.test(
          f.message,
        ),
      ),
    );
    const proxied = nginx(
      tlsSite("proxy_pass http://127.0.0.1:8000", "proxy_set_header X-Forwarded-Proto $scheme;"),
    );
    assert.deepEqual(check(id, { nginx: proxied }), []);
  },
);

test("daphne reads X-Forwarded-Proto only alongside X-Forwarded-For", async () => {
  const id = "contract-scheme-not-conveyed";
  const noHeader = settings("SECURE_PROXY_SSL_HEADER = None");
  const protoOnly = nginx(
    tlsSite(
      "proxy_pass http://unix:/run/daphne/daphne.sock",
      "proxy_set_header Host $host;\n    proxy_set_header X-Forwarded-Proto $scheme;",
    ),
  );
  const failing = check(
    id,
    await inputFor("daphne-socket.compose.yml", { settings: noHeader, nginx: protoOnly }),
  );
  assert.deepEqual(
    failing.map((f) => f.status),
    ["fail"],
  );
  assert.match(failing[0]?.message ?? "", /does not set X-Forwarded-For .* ignores X-Forwarded-Proto/);
  const both = nginx(
    tlsSite(
      "proxy_pass http://unix:/run/daphne/daphne.sock",
      "proxy_set_header Host $host;\n    proxy_set_header X-Forwarded-Proto $scheme;\n    proxy_set_header X-Forwarded-For $remote_addr;",
    ),
  );
  assert.deepEqual(
    check(id, await inputFor("daphne-socket.compose.yml", { settings: noHeader, nginx: both })),
    [],
  );
});

test("uWSGI takes X-Forwarded-Proto from anyone: uwsgi_pass must overwrite the client's copy", async () => {
  const id = "contract-scheme-header-from-client";
  const noHeader = settings("SECURE_PROXY_SSL_HEADER = None");
  const site = (lines: string) =>
    nginx(
      `server { listen 80; server_name shop.example.com; location = /healthz { uwsgi_pass unix:/run/uwsgi/shop.sock; ${lines} } location / { return 301 https://shop.example.com$request_uri; } }\n` +
        tlsSite("uwsgi_pass unix:/run/uwsgi/shop.sock", lines),
      lines.includes("include") ? 1 : 0,
    );
  const ignored = site("include uwsgi_params;\n    proxy_set_header X-Forwarded-Proto $scheme;");
  const failing = check(id, await inputFor("uwsgi-socket.ini", { settings: noHeader, nginx: ignored }));
  assert.ok(
    failing.some(
      (f) =>
        f.status === "fail" &&
        /uwsgi, which sets the scheme from X-Forwarded-Proto whoever sends it/.test(f.message),
    ),
  );
  const overwritten = site("include uwsgi_params;\n    uwsgi_param HTTP_X_FORWARDED_PROTO $scheme;");
  assert.deepEqual(
    check(id, await inputFor("uwsgi-socket.ini", { settings: noHeader, nginx: overwritten })),
    [],
  );
  // Without the HTTPS variable, only a proxy-set X-Forwarded-Proto would tell uWSGI.
  const bare = site(
    "uwsgi_param REQUEST_METHOD $request_method;\n    proxy_set_header X-Forwarded-Proto $scheme;",
  );
  const lost = check(
    "contract-scheme-not-conveyed",
    await inputFor("uwsgi-socket.ini", { settings: noHeader, nginx: bare }),
  );
  assert.deepEqual(
    lost.map((f) => f.status),
    ["fail"],
  );
  assert.match(lost[0]?.message ?? "", /no HTTPS variable of the uwsgi protocol is sent/);
  // The HTTPS variable conveys the scheme: no "not conveyed" finding from the header reader.
  assert.deepEqual(
    check(
      "contract-scheme-not-conveyed",
      await inputFor("uwsgi-socket.ini", { settings: noHeader, nginx: ignored }),
    ),
    [],
  );
});

test("gunicorn -c naming a file not at hand: $PORT's default is not taken for the bind, since the file may set one", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "proxytrust-gunicorn-"));
  try {
    const dockerfile = path.join(dir, "Dockerfile");
    const judged = async (cmd: string) => {
      writeFileSync(dockerfile, `FROM python:3.12-slim\nENV PORT=8000\nCMD ${cmd}\n`);
      return (await loadAppServerFile(dockerfile)).gunicorn?.bind?.values;
    };
    assert.equal(await judged('["gunicorn", "-c", "/etc/gunicorn.conf.py", "shop.wsgi"]'), undefined);
    assert.deepEqual(await judged('["gunicorn", "shop.wsgi"]'), [
      { kind: "known", value: ["0.0.0.0:8000"], fromEnv: "PORT" },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("gunicorn's config file reads the environment its launch sets (a Compose service's environment)", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "proxytrust-gunicorn-"));
  try {
    const compose = path.join(dir, "compose.yaml");
    const service = (environment: string) =>
      `services:\n  web:\n    command: gunicorn -c gunicorn.conf.py shop.wsgi\n    environment:\n${environment}`;
    writeFileSync(
      path.join(dir, "gunicorn.conf.py"),
      'import os\nbind = "0.0.0.0:8000"\nforwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")\n',
    );
    writeFileSync(compose, service('      FORWARDED_ALLOW_IPS: "*"\n'));
    assert.deepEqual((await loadAppServerFile(compose)).gunicorn?.forwardedAllowIps?.values, [
      { kind: "known", value: ["*"] },
    ]);
    // A value naming another variable is not expanded: the file's default stands, marked as such.
    writeFileSync(compose, service("      FORWARDED_ALLOW_IPS: $PROXY_IPS\n"));
    assert.deepEqual((await loadAppServerFile(compose)).gunicorn?.forwardedAllowIps?.values[0], {
      kind: "known",
      value: ["127.0.0.1"],
      fromEnv: "FORWARDED_ALLOW_IPS",
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("gunicorn's config file binding in one branch only: elsewhere $PORT's default holds; ./gunicorn.conf.py is read without -c", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "proxytrust-gunicorn-"));
  try {
    const dockerfile = path.join(dir, "Dockerfile");
    writeFileSync(
      dockerfile,
      'FROM python:3.12-slim\nENV PORT=8000\nCMD ["gunicorn", "-c", "branch.conf.py", "shop.wsgi"]\n',
    );
    writeFileSync(
      path.join(dir, "branch.conf.py"),
      'import os\n\nworkers = 3\nif os.environ.get("LOCAL_DEV") == "1":\n    bind = "127.0.0.1:8000"\n',
    );
    assert.deepEqual((await loadAppServerFile(dockerfile)).gunicorn?.bind?.values, [
      { kind: "known", value: ["127.0.0.1:8000"] },
      { kind: "known", value: ["0.0.0.0:8000"], fromEnv: "PORT" },
    ]);
    // None in a branch is gunicorn's empty list, not its default: $PORT does not apply there.
    writeFileSync(
      path.join(dir, "branch.conf.py"),
      'import os\n\nif os.environ.get("LOCAL_DEV") == "1":\n    bind = "127.0.0.1:8000"\nelse:\n    bind = None\n',
    );
    assert.deepEqual((await loadAppServerFile(dockerfile)).gunicorn?.bind?.values, [
      { kind: "known", value: ["127.0.0.1:8000"] },
      { kind: "known", value: [] },
    ]);
    // gunicorn reads ./gunicorn.conf.py by itself, and its bind wins over $PORT's default.
    writeFileSync(dockerfile, 'FROM python:3.12-slim\nENV PORT=8000\nCMD ["gunicorn", "shop.wsgi"]\n');
    writeFileSync(path.join(dir, "gunicorn.conf.py"), 'bind = "127.0.0.1:8000"\nworkers = 3\n');
    const implicit = (await loadAppServerFile(dockerfile)).gunicorn;
    assert.equal(implicit?.file, path.join(dir, "gunicorn.conf.py"));
    assert.deepEqual(implicit?.bind?.values, [{ kind: "known", value: ["127.0.0.1:8000"] }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a Compose file's command shared through a YAML merge key is the service's own", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "proxytrust-compose-"));
  try {
    const file = path.join(dir, "compose.yml");
    writeFileSync(
      file,
      "x-app: &app\n  command: gunicorn -b 0.0.0.0:8000 shop.wsgi\nservices:\n  web:\n    <<: *app\n    image: shop:latest\n",
    );
    const gunicorn = (await load("compose.yml", file)).gunicorn;
    assert.deepEqual(gunicorn?.bind?.values, [{ kind: "known", value: ["0.0.0.0:8000"] }]);
    assert.equal(gunicorn?.bind?.line, 4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
