import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CORPUS as corpus, corpusMissing } from "../../../corpus.js";
import {
  gunicornConfigFromSource,
  loadGunicornConfig,
  overrideWithCommandLine,
  parseGunicornCommandLine,
} from "../../../../src/static/gunicorn/model.js";
import { parseCaddyfile } from "../../../../src/static/caddy/model.js";
import { gunicornRules } from "../../../../src/static/rules/gunicorn/index.js";
import type { AuditInput, RuleFinding } from "../../../../src/static/rule.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, "fixtures");
const UNIT = { file: "/etc/systemd/system/app.service", line: 9 };

function check(id: string, input: AuditInput): RuleFinding[] {
  const rule = gunicornRules.find((r) => r.meta.id === id);
  assert.ok(rule, `rule ${id} is registered`);
  return rule.check(input);
}

async function fixture(name: string) {
  const config = await loadGunicornConfig(path.join(fixtures, name));
  assert.deepEqual(config.errors, []);
  return config;
}

const statusAndLine = (findings: RuleFinding[]) => findings.map((f) => [f.status, f.location.line]);

test("python config: values, lines, branches and env defaults", async () => {
  const config = await fixture("tls.conf.py");
  assert.deepEqual(config.bind, {
    file: path.join(fixtures, "tls.conf.py"),
    line: 3,
    values: [{ kind: "known", value: ["127.0.0.1:8443"] }],
  });
  assert.deepEqual(config.certfile?.values, [{ kind: "known", value: "/etc/ssl/app.pem" }]);
  const local = await fixture("wildcard-local.conf.py");
  assert.deepEqual(local.forwardedAllowIps?.values, [
    { kind: "known", value: ["*"], fromEnv: "FORWARDED_ALLOW_IPS" },
    { kind: "unknown", reason: "whatever $FORWARDED_ALLOW_IPS holds", env: "FORWARDED_ALLOW_IPS" },
  ]);
  const dict = gunicornConfigFromSource(
    "secure_scheme_headers = {'x-proto': 'https'}\nforwarded_allow_ips = ['10.0.0.1', '10.0.0.2,10.0.0.3']\n",
    "g.py",
  );
  assert.deepEqual(dict.secureSchemeHeaders?.values, [{ kind: "known", value: { "X-PROTO": "https" } }]);
  assert.deepEqual(dict.forwardedAllowIps?.values, [
    { kind: "known", value: ["10.0.0.1", "10.0.0.2", "10.0.0.3"] },
  ]);
});

test("python config: a value imported from a module not read is unknown, not gunicorn's default", () => {
  const config = gunicornConfigFromSource(
    "from deploy.network import TRUSTED_PROXIES\nforwarded_allow_ips = TRUSTED_PROXIES\n",
    "gunicorn.conf.py",
  );
  assert.equal(config.forwardedAllowIps?.values.length, 1);
  const [value] = config.forwardedAllowIps!.values;
  assert.equal(value?.kind, "unknown");
  assert.match(value?.kind === "unknown" ? value.reason : "", /deploy\.network.*gunicorn\.conf\.py:1/);
});

test("command lines: systemd, Procfile, env assignments, GUNICORN_CMD_ARGS, -c", () => {
  const systemd = parseGunicornCommandLine(
    "ExecStart=/srv/venv/bin/gunicorn --workers 3 -b 127.0.0.1:8000 --bind=unix:/run/app.sock --forwarded-allow-ips='10.0.0.2, 10.0.0.3' -c /etc/app/gunicorn.py app.wsgi",
    UNIT,
  );
  assert.deepEqual(systemd.errors, []);
  assert.deepEqual(systemd.bind?.values, [
    { kind: "known", value: ["127.0.0.1:8000", "unix:/run/app.sock"] },
  ]);
  assert.deepEqual(systemd.forwardedAllowIps?.values, [{ kind: "known", value: ["10.0.0.2", "10.0.0.3"] }]);
  assert.equal(systemd.configFile, "/etc/app/gunicorn.py");
  assert.equal(systemd.bind?.line, 9);

  const procfile = parseGunicornCommandLine(
    'web: FORWARDED_ALLOW_IPS=* GUNICORN_CMD_ARGS="--certfile c.pem -b0.0.0.0:80" gunicorn app.wsgi -b 0.0.0.0:$PORT',
    UNIT,
  );
  assert.deepEqual(procfile.bind?.values, [{ kind: "known", value: ["0.0.0.0:80", "0.0.0.0:$PORT"] }]);
  assert.deepEqual(procfile.certfile?.values, [{ kind: "known", value: "c.pem" }]);
  assert.deepEqual(procfile.forwardedAllowIps?.values, [
    { kind: "known", value: ["*"], fromEnv: "FORWARDED_ALLOW_IPS" },
  ]);

  assert.match(parseGunicornCommandLine("gunicorn -b", UNIT).errors[0]?.message ?? "", /-b needs a value/);
  assert.match(
    parseGunicornCommandLine("gunicorn --bind 'open", UNIT).errors[0]?.message ?? "",
    /unterminated quote/,
  );
});

test("a command line overrides the file, but $FORWARDED_ALLOW_IPS does not override the file's value", async () => {
  const file = await fixture("proxy-trusted.conf.py");
  const merged = overrideWithCommandLine(
    file,
    parseGunicornCommandLine("FORWARDED_ALLOW_IPS=* gunicorn -b 0.0.0.0:9000 app.wsgi", UNIT),
  );
  assert.deepEqual(merged.bind?.values, [{ kind: "known", value: ["0.0.0.0:9000"] }]);
  assert.deepEqual(merged.forwardedAllowIps?.values, [{ kind: "known", value: ["10.0.1.2"] }]);
  const flag = overrideWithCommandLine(
    file,
    parseGunicornCommandLine("gunicorn --forwarded-allow-ips=* app.wsgi", UNIT),
  );
  assert.deepEqual(flag.forwardedAllowIps?.values, [{ kind: "known", value: ["*"] }]);
});

test("without a bind, $PORT makes gunicorn listen on every interface, unless the config file binds", async () => {
  const command = parseGunicornCommandLine("PORT=8080 gunicorn app.wsgi", UNIT);
  assert.deepEqual(command.bind?.values, [{ kind: "known", value: ["0.0.0.0:8080"], fromEnv: "PORT" }]);
  const merged = overrideWithCommandLine(await fixture("proxy-trusted.conf.py"), command);
  assert.notDeepEqual(merged.bind?.values, command.bind?.values);
  assert.deepEqual(
    parseGunicornCommandLine("PORT=8080 gunicorn -b unix:/run/app.sock app.wsgi", UNIT).bind?.values,
    [{ kind: "known", value: ["unix:/run/app.sock"] }],
  );
});

test("an unreadable or broken config file is an error, not an exception", async () => {
  const missing = await loadGunicornConfig("/nonexistent/gunicorn.conf.py");
  assert.equal(missing.errors.length > 0, true);
  assert.equal(missing.errors[0]?.file.endsWith("gunicorn.conf.py"), true);
});

test("gunicorn-forwarded-allow-ips-wildcard: fail when reachable, warn on a unix socket, pass otherwise", async () => {
  assert.deepEqual(
    statusAndLine(
      check("gunicorn-forwarded-allow-ips-wildcard", { gunicorn: await fixture("wildcard.conf.py") }),
    ),
    [["fail", 7]],
  );
  assert.deepEqual(
    statusAndLine(
      check("gunicorn-forwarded-allow-ips-wildcard", { gunicorn: await fixture("wildcard-local.conf.py") }),
    ),
    [["warn", 4]],
  );
  assert.deepEqual(
    check("gunicorn-forwarded-allow-ips-wildcard", { gunicorn: await fixture("proxy-trusted.conf.py") }),
    [],
  );
  assert.deepEqual(
    check("gunicorn-forwarded-allow-ips-wildcard", { gunicorn: await fixture("container.conf.py") }),
    [],
  );
});

test("gunicorn-forwarded-allow-ips-wildcard: a value it cannot read is an error; one left to the environment is not", () => {
  const judged = (value: string) =>
    check("gunicorn-forwarded-allow-ips-wildcard", {
      gunicorn: gunicornConfigFromSource(
        `import os\nbind = "0.0.0.0:8000"\nforwarded_allow_ips = ${value}\n`,
        "gunicorn.conf.py",
      ),
    }).map((f) => [f.status, f.message.split(" (")[0]]);
  assert.deepEqual(judged("socket.gethostname()"), [
    ["error", "forwarded_allow_ips could not be read statically"],
  ]);
  // An f-string of known values is known: '*' is '*' however it is written.
  assert.deepEqual(
    judged('f"*"').map(([status]) => status),
    ["fail"],
  );
  assert.deepEqual(judged('os.environ["FORWARDED_ALLOW_IPS"]'), []);
  assert.deepEqual(judged('os.environ.get("FORWARDED_ALLOW_IPS", "*")'), [
    ["fail", "forwarded_allow_ips '*'"],
  ]);
  // gunicorn matches the peer against networks: one of prefix length 0 trusts every peer, as '*' does.
  assert.deepEqual(judged('"0.0.0.0/0"'), [
    [
      "fail",
      "forwarded_allow_ips '0.0.0.0/0' while gunicorn listens on 0.0.0.0:8000: any peer can set wsgi.url_scheme with X-Forwarded-Proto",
    ],
  ]);
  assert.deepEqual(
    judged('"10.0.0.5, ::/0"').map(([status]) => status),
    ["fail"],
  );
  assert.deepEqual(judged('"10.0.0.0/8"'), []);
});

test("gunicorn-forwarded-allow-ips-misses-proxy: default trust with a reachable bind or a remote proxy", async () => {
  const container = await fixture("container.conf.py");
  assert.deepEqual(
    statusAndLine(check("gunicorn-forwarded-allow-ips-misses-proxy", { gunicorn: container })),
    [["warn", 1]],
  );
  assert.deepEqual(
    check("gunicorn-forwarded-allow-ips-misses-proxy", { gunicorn: await fixture("proxy-trusted.conf.py") }),
    [],
  );
  const local = await fixture("tls.conf.py");
  assert.deepEqual(check("gunicorn-forwarded-allow-ips-misses-proxy", { gunicorn: local }), []);
  const caddy = parseCaddyfile("app.example.com {\n\treverse_proxy web:8443\n}\n", "Caddyfile");
  const findings = check("gunicorn-forwarded-allow-ips-misses-proxy", { gunicorn: local, caddy });
  assert.equal(findings.length, 1);
  assert.match(findings[0]?.message ?? "", /the proxy dials web/);
});

test("gunicorn-bind-all-interfaces and gunicorn-terminates-tls", async () => {
  assert.deepEqual(
    statusAndLine(check("gunicorn-bind-all-interfaces", { gunicorn: await fixture("container.conf.py") })),
    [["warn", 2]],
  );
  assert.deepEqual(
    check("gunicorn-bind-all-interfaces", { gunicorn: await fixture("proxy-trusted.conf.py") }),
    [],
  );
  assert.deepEqual(
    check("gunicorn-bind-all-interfaces", { gunicorn: parseGunicornCommandLine("gunicorn app.wsgi", UNIT) }),
    [],
  );
  // The evaluator keeps one location per name, its last assignment (here the `certfile = None` branch).
  assert.deepEqual(
    statusAndLine(check("gunicorn-terminates-tls", { gunicorn: await fixture("tls.conf.py") })),
    [["warn", 8]],
  );
  assert.deepEqual(check("gunicorn-terminates-tls", { gunicorn: await fixture("container.conf.py") }), []);
});

test("gunicorn-tls-client-address-headers: with certfile, the client's address headers reach Django", async () => {
  const findings = check("gunicorn-tls-client-address-headers", { gunicorn: await fixture("tls.conf.py") });
  assert.deepEqual(statusAndLine(findings), [["warn", 8]]);
  assert.match(
    findings[0]?.message ?? "",
    /every X-Forwarded-For and X-Real-IP Django receives was written by them/,
  );
  assert.deepEqual(
    check("gunicorn-tls-client-address-headers", { gunicorn: await fixture("proxy-trusted.conf.py") }),
    [],
  );
});

test("no rule runs without a gunicorn config", () => {
  for (const rule of gunicornRules) assert.deepEqual(rule.check({}), []);
});

test(
  "corpus: netbox binds loopback with default trust; babybuddy binds every interface",
  { skip: corpusMissing },
  async () => {
    const netbox = await loadGunicornConfig(
      path.join(corpus, "netbox-community__netbox", "contrib", "gunicorn.py"),
    );
    assert.deepEqual(netbox.errors, []);
    assert.deepEqual(
      gunicornRules.flatMap((r) => r.check({ gunicorn: netbox })),
      [],
    );
    const babybuddy = await loadGunicornConfig(
      path.join(corpus, "babybuddy__babybuddy", "etc", "gunicorn.py"),
    );
    assert.deepEqual(babybuddy.errors, []);
    assert.deepEqual(
      gunicornRules.flatMap((r) => r.check({ gunicorn: babybuddy })).map((f) => [f.location.line, f.status]),
      [
        [1, "warn"],
        [2, "warn"],
      ],
    );
  },
);

test("gunicorn-forwarded-allow-ips-misses-proxy is quiet when Django reads X-Forwarded-Proto itself", async () => {
  const { djangoSettingsFromSource } = await import("../../../../src/static/python/load-settings.js");
  const gunicorn = await fixture("container.conf.py");
  const settings = djangoSettingsFromSource(
    "SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')\n",
  );
  assert.deepEqual(check("gunicorn-forwarded-allow-ips-misses-proxy", { gunicorn, settings }), []);
  const maybe = djangoSettingsFromSource(
    "import os\nif os.environ.get('BEHIND_PROXY'):\n    SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')\n",
  );
  assert.equal(check("gunicorn-forwarded-allow-ips-misses-proxy", { gunicorn, settings: maybe }).length, 1);
});
