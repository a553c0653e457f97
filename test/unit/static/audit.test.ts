/**
 * The audit runner over real files: every corpus file is audited as what it is, without a
 * crash, a hang or a rule that could not run; unreadable input gets one finding, not noise.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { test } from "node:test";
import { CORPUS, corpusMissing } from "../../corpus.js";
import { runAudit, type AuditFiles } from "../../../src/static/audit.js";

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** What kind of file the audit should read it as, by name, as a user would pass it. */
function asAuditFiles(file: string): AuditFiles | undefined {
  const name = basename(file);
  if (/gunicorn.*\.py$/.test(name)) return { gunicorn: file };
  if (name.endsWith(".py") || name.endsWith(".py.example")) return { settings: file };
  if (/\.conf(\.template)?$/.test(name) && !name.includes("apache")) return { nginx: file };
  return undefined;
}

test(
  "every settings module, nginx config and gunicorn file in the corpus is audited without a crash",
  { skip: corpusMissing },
  async () => {
    const files = walk(CORPUS)
      .map((f) => [f, asAuditFiles(f)] as const)
      .filter((pair): pair is readonly [string, AuditFiles] => pair[1] !== undefined);
    assert.ok(files.length > 100, `only ${files.length} corpus files`);
    for (const [file, given] of files) {
      const { report, couldNotRun } = await runAudit(given);
      // Examples that are all comments (local_settings.py.example) hold nothing to audit.
      const commentsOnly = readFileSync(file, "utf8")
        .split("\n")
        .every((line) => line.trim() === "" || line.trim().startsWith("#"));
      assert.equal(couldNotRun, commentsOnly ? `${file}: the file holds only comments` : undefined, file);
      const crashed = report.checks.filter((c) => c.summary.startsWith("the rule could not run"));
      assert.deepEqual(crashed, [], file);
    }
  },
);

test("an unreadable file is one config-error and, alone, means the audit could not run", async () => {
  const { report, couldNotRun } = await runAudit({ settings: "/nonexistent/settings.py" });
  assert.match(couldNotRun ?? "", /no such file/);
  assert.deepEqual(
    report.checks.map((c) => [c.id, c.status]),
    [["config-error", "error"]],
  );
});

test("a broken file next to a good one: its error is located, the good one is still audited", async () => {
  const dir = mkdtempSync(join(tmpdir(), "proxytrust-audit-"));
  const broken = join(dir, "nginx.conf");
  writeFileSync(broken, "http {\n  server {\n    listen 80\n  }\n}\n");
  const settings = join(dir, "settings.py");
  writeFileSync(settings, "ALLOWED_HOSTS = ['*']\nDEBUG = False\n");
  const { report, couldNotRun } = await runAudit({ nginx: broken, settings });
  assert.equal(couldNotRun, undefined);
  const error = report.checks.find((c) => c.id === "config-error");
  assert.equal(error?.location?.line, 3);
  assert.ok(report.checks.some((c) => c.id === "django-allowed-hosts-wildcard" && c.status === "fail"));
});

test("a Caddyfile that the real caddy refuses is reported, not silently judged (caddy is installed here)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "proxytrust-audit-"));
  const caddyfile = join(dir, "Caddyfile");
  writeFileSync(caddyfile, "app.example.com {\n  reverse_prox 127.0.0.1:8000\n}\n");
  const { report } = await runAudit({ caddy: caddyfile });
  const error = report.checks.find((c) => c.id === "config-error");
  assert.match(error?.summary ?? "", /caddy adapt refuses this file: .*reverse_prox/);
  writeFileSync(caddyfile, "app.example.com {\n  reverse_proxy 127.0.0.1:8000\n}\n");
  const agreed = await runAudit({ caddy: caddyfile });
  assert.equal(
    agreed.report.checks.find((c) => c.id === "config-error"),
    undefined,
  );
});

test("fixes name the site the files serve, not app.example.com", async () => {
  const dir = mkdtempSync(join(tmpdir(), "proxytrust-audit-"));
  const settings = join(dir, "settings.py");
  writeFileSync(settings, "ALLOWED_HOSTS = ['*']\nDEBUG = False\nCSRF_TRUSTED_ORIGINS = ['shop.test']\n");
  const nginx = join(dir, "nginx.conf");
  writeFileSync(
    nginx,
    [
      "events {}",
      "http {",
      "  server {",
      "    listen 80;",
      "    server_name shop.test;",
      "    location / { proxy_pass http://127.0.0.1:8000; }",
      "  }",
      "}",
      "",
    ].join("\n"),
  );
  const { report } = await runAudit({ settings, nginx });
  const fixes = report.checks.filter((c) => c.fix).map((c) => `${c.id}: ${c.fix}`);
  const wildcard = report.checks.find((c) => c.id === "django-allowed-hosts-wildcard");
  assert.match(wildcard?.fix ?? "", /ALLOWED_HOSTS = \['shop\.test'\]/);
  const leaks = fixes.filter((f) => f.includes("app.example.com"));
  assert.deepEqual(leaks, []);
  assert.ok(fixes.length > 3, fixes.join("\n"));
  // Only nginx was read: the fix speaks to nginx, not to proxies this deployment does not run.
  assert.ok(
    fixes.some((f) => /^nginx: /m.test(f)),
    fixes.join("\n"),
  );
  const otherProxies = fixes.filter((f) => /^(caddy|haproxy|apache|traefik|alb|cloudflare): /m.test(f));
  assert.deepEqual(otherProxies, []);
});

test("a file that holds nothing of its kind decides nothing, whatever flag names it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "proxytrust-audit-"));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const empty = file("empty", "");
  for (const role of ["settings", "nginx", "caddy", "haproxy", "traefik", "apache"] as const) {
    const outcome = await runAudit({ [role]: empty });
    assert.equal(outcome.couldNotRun, `${empty}: the file is empty`, role);
  }
  const comments = file("comments.conf", "# nginx site for the shop\n\n   # TODO\n");
  assert.equal(
    (await runAudit({ nginx: comments })).couldNotRun,
    `${comments}: the file holds only comments`,
  );
  // gunicorn.conf.py may be empty: gunicorn then runs on its defaults, and those are judged.
  const defaults = await runAudit({ gunicorn: empty });
  assert.equal(defaults.couldNotRun, undefined);
  assert.equal(defaults.decided, true);
  const list = file("list.yaml", "- web\n- db\n");
  const service = file("service.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n");
  const deep = file("deep.yaml", `services: ${"[".repeat(5000)}${"]".repeat(5000)}\n`);
  const nested = await runAudit({ compose: [deep] });
  assert.match(
    nested.report.checks[0]?.summary ?? "",
    /^nested too deeply to be read at line 1, column \d+$/,
  );
  const readme = file("README", "Deploying the shop\nRun make deploy.\n");
  for (const files of [
    { compose: [list] },
    { kubernetes: [list] },
    { traefik: service },
    { apache: readme },
  ]) {
    const outcome = await runAudit(files);
    assert.equal(outcome.decided, false, JSON.stringify(files));
    assert.deepEqual(
      outcome.report.checks.map((c) => c.id),
      ["config-error"],
    );
  }
});

test("files that hold their kind in a less common shape are read as such, not refused", async () => {
  const dir = mkdtempSync(join(tmpdir(), "proxytrust-audit-"));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const cases: AuditFiles[] = [
    // mod_macro: the vhost sits inside a <Macro> section.
    {
      apache: file(
        "macro.conf",
        "<Macro Site $domain $port>\n<VirtualHost *:443>\nServerName $domain\nProxyPass / http://127.0.0.1:$port/\n</VirtualHost>\n</Macro>\nUse Site app.example.com 8000\n",
      ),
    },
    { apache: file("wsgi.conf", "WSGIPythonHome /srv/venv\nWSGIPythonPath /srv/app\n") },
    // A chart's values.yaml holds no Kubernetes object.
    {
      kubernetes: [
        file("values.yaml", "replicaCount: 2\nimage:\n  repository: shop\ningress:\n  enabled: true\n"),
      ],
    },
    // One file for static and dynamic configuration, naming itself as the file provider.
    {
      traefik: file(
        "traefik.yml",
        'entryPoints:\n  web:\n    address: ":80"\nproviders:\n  file:\n    filename: /etc/traefik/traefik.yml\n',
      ),
    },
  ];
  for (const files of cases) {
    const { report } = await runAudit(files);
    assert.deepEqual(
      report.checks.filter((c) => c.id === "config-error").map((c) => c.summary),
      [],
      JSON.stringify(files),
    );
  }
});
