import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadApacheConfig, parseApacheConfig, virtualHosts } from "../../../../src/static/apache/model.js";
import { djangoSettingsFromSource } from "../../../../src/static/python/load-settings.js";
import type { AuditInput, RuleFinding } from "../../../../src/static/rule.js";
import { apacheRules } from "../../../../src/static/rules/apache/index.js";
import { CORPUS as corpus, corpusMissing } from "../../../corpus.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, "fixtures");
const SITE = path.join(fixtures, "sites-enabled", "shop.conf");

function check(id: string, input: AuditInput): RuleFinding[] {
  const rule = apacheRules.find((r) => r.meta.id === id);
  assert.ok(rule, `rule ${id} is registered`);
  return rule.check(input);
}

const statusAndPlace = (findings: RuleFinding[]) =>
  findings.map((f) => [f.status, path.basename(f.location.file), f.location.line]);

test("a whole apache2.conf: sites-enabled/*.conf is followed, vhosts and TLS found", () => {
  const config = loadApacheConfig(path.join(fixtures, "apache2.conf"));
  // The copy's folder holds no mods-enabled, and its ServerRoot (/etc/apache2) is not read for a copy
  // elsewhere: an optional glob that matches nothing is no error.
  assert.deepEqual(config.errors, []);
  const hosts = virtualHosts(config);
  assert.deepEqual(
    hosts.map((h) => [h.section.args[0], h.tls, h.section.file === SITE, h.section.line]),
    [
      ["*:80", false, true, 1],
      ["*:443", true, true, 6],
    ],
  );
});

test("apache-x-forwarded-proto-not-set: failing without RequestHeader or with append", () => {
  const id = "apache-x-forwarded-proto-not-set";
  const shop = loadApacheConfig(path.join(fixtures, "apache2.conf"));
  const failing = check(id, { apache: shop });
  assert.deepEqual(statusAndPlace(failing), [["fail", "shop.conf", 15]]);
  assert.match(failing[0]?.message ?? "", /HTTPS requests carry no https marker/);
  const appends = parseApacheConfig(
    "<VirtualHost *:443>\nSSLEngine on\nRequestHeader append X-Forwarded-Proto https\nProxyPass / http://127.0.0.1:8000/\n</VirtualHost>\n",
    "/etc/apache2/sites-enabled/app.conf",
  );
  assert.match(
    check(id, { apache: appends })[0]?.message ?? "",
    /RequestHeader append .* keeps the client's value/,
  );
});

test("apache-proxy-preserve-host-off: refused by ALLOWED_HOSTS, warned without settings, passing with On", () => {
  const id = "apache-proxy-preserve-host-off";
  const shop = loadApacheConfig(path.join(fixtures, "apache2.conf"));
  const settings = djangoSettingsFromSource('ALLOWED_HOSTS = ["shop.example.com"]\n');
  const refused = check(id, { apache: shop, settings });
  assert.deepEqual(statusAndPlace(refused), [["fail", "shop.conf", 15]]);
  assert.match(refused[0]?.message ?? "", /Host 127\.0\.0\.1, which ALLOWED_HOSTS does not list/);
  assert.deepEqual(statusAndPlace(check(id, { apache: shop })), [["warn", "shop.conf", 15]]);
  const listed = djangoSettingsFromSource('ALLOWED_HOSTS = ["shop.example.com", "127.0.0.1"]\n');
  assert.deepEqual(statusAndPlace(check(id, { apache: shop, settings: listed })), [
    ["warn", "shop.conf", 15],
  ]);
});

test("netbox's real apache.conf: read whole, passing both rules", { skip: corpusMissing }, () => {
  const netbox = loadApacheConfig(path.join(corpus, "netbox-community__netbox", "contrib", "apache.conf"));
  assert.deepEqual(netbox.errors, []);
  assert.deepEqual(check("apache-x-forwarded-proto-not-set", { apache: netbox }), []);
  const settings = djangoSettingsFromSource('ALLOWED_HOSTS = ["shop.example.com"]\n');
  assert.deepEqual(check("apache-proxy-preserve-host-off", { apache: netbox, settings }), []);
});

test("broken sections and missing includes are located errors", () => {
  const broken = parseApacheConfig(
    "<VirtualHost *:80>\nInclude /nonexistent/app.conf\n",
    "/etc/apache2/x.conf",
  );
  assert.deepEqual(
    broken.errors.map((e) => [e.line, e.message]),
    [
      [2, 'cannot include "/nonexistent/app.conf": file not found'],
      [1, "<VirtualHost> is never closed"],
    ],
  );
});

test("an Include of a device or a symbolic-link loop says why it cannot be read", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "proxytrust-apache-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  symlinkSync("loop", path.join(dir, "loop"));
  const config = parseApacheConfig(
    `Include /dev/zero\nInclude ${path.join(dir, "loop")}\n`,
    path.join(dir, "apache2.conf"),
  );
  assert.deepEqual(
    config.errors.map((e) => [e.line, e.message]),
    [
      [1, "cannot include /dev/zero: not a regular file"],
      [2, `cannot include ${path.join(dir, "loop")}: cannot read file: too many levels of symbolic links`],
    ],
  );
});

test("an Include of a directory reads every file in it and its subdirectories, in order; a wildcard skips hidden files", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "proxytrust-apache-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const conf = path.join(dir, "conf.d");
  mkdirSync(path.join(conf, "b-sites"), { recursive: true });
  writeFileSync(path.join(conf, "c.conf"), "ServerName c.example.com\n");
  writeFileSync(path.join(conf, "a.conf"), "ServerName a.example.com\n");
  writeFileSync(path.join(conf, "b-sites", "shop.conf"), "ServerName shop.example.com\n");
  writeFileSync(path.join(conf, ".hidden.conf"), "ServerName hidden.example.com\n");
  const names = (text: string) =>
    parseApacheConfig(text, path.join(dir, "apache2.conf"))
      .root.flatMap((include) => include.children ?? [])
      .map((directive) => directive.args[0]);
  assert.deepEqual(names(`Include ${conf}\n`), [
    "hidden.example.com",
    "a.example.com",
    "shop.example.com",
    "c.example.com",
  ]);
  assert.deepEqual(names("IncludeOptional conf.d/*\n"), [
    "a.example.com",
    "shop.example.com",
    "c.example.com",
  ]);
});

test("a directory Include that links back into itself, or holds too many files, ends with one error", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "proxytrust-apache-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const conf = path.join(dir, "conf.d");
  mkdirSync(conf);
  writeFileSync(path.join(conf, "app.conf"), "ServerName app.example.com\n");
  // Two links back: without a guard the walk branches at every level (2^16 paths).
  symlinkSync(".", path.join(conf, "self"));
  symlinkSync(".", path.join(conf, "again"));
  symlinkSync("..", path.join(conf, "up"));
  const looped = parseApacheConfig(`Include ${conf}\n`, path.join(dir, "apache2.conf"));
  assert.equal(looped.errors.length, 1, JSON.stringify(looped.errors));
  assert.match(looped.errors[0]!.message, /a link leads back into a directory already being read/);

  const many = path.join(dir, "many");
  mkdirSync(many);
  for (let i = 0; i < 1001; i++) writeFileSync(path.join(many, `${i}.conf`), "");
  const big = parseApacheConfig(`Include ${many}\n`, path.join(dir, "apache2.conf"));
  assert.deepEqual(
    big.errors.map((e) => e.message),
    [`cannot include ${path.join(many, "999.conf")}: the include holds more than 1000 files`],
  );
});

test("a wildcard in a directory of an Include path reads each match; Include of a wildcard matching nothing is an error, IncludeOptional's is not", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "proxytrust-apache-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  for (const site of ["shop", "blog", ".old"]) {
    mkdirSync(path.join(dir, "vhosts", site), { recursive: true });
    writeFileSync(
      path.join(dir, "vhosts", site, "site.conf"),
      `<VirtualHost *:80>\n    ServerName ${site}.example.com\n    ProxyPass / http://127.0.0.1:8000/\n</VirtualHost>\n`,
    );
  }
  const main = path.join(dir, "apache2.conf");
  const config = parseApacheConfig("Listen 80\nInclude vhosts/*/site.conf\n", main);
  assert.deepEqual(config.errors, []);
  assert.deepEqual(
    virtualHosts(config).map((host) => host.section.children?.find((d) => d.name === "ServerName")?.args[0]),
    ["blog.example.com", "shop.example.com"],
  );
  assert.deepEqual(
    parseApacheConfig("Include sites/*/site.conf\nInclude vhosts/*.conf\n", main).errors.map((e) => [
      e.line,
      e.message,
    ]),
    [
      [1, 'cannot include "sites/*/site.conf": no file matches the wildcard'],
      [2, 'cannot include "vhosts/*.conf": no file matches the wildcard'],
    ],
  );
  assert.deepEqual(parseApacheConfig("IncludeOptional sites/*/site.conf\n", main).errors, []);
});

test("a folder a wildcard matches must hold the rest of the path, optional or not; Apache may skip an Include in an <If…> section", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "proxytrust-apache-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, "vhosts", "shop"), { recursive: true });
  mkdirSync(path.join(dir, "vhosts", "blog", "conf"), { recursive: true });
  writeFileSync(path.join(dir, "vhosts", "shop", "site.conf"), "ServerName shop.example.com\n");
  const main = path.join(dir, "apache2.conf");
  const messages = (text: string) => parseApacheConfig(text, main).errors.map((e) => [e.line, e.message]);
  for (const directive of ["Include", "IncludeOptional"])
    assert.deepEqual(messages(`${directive} vhosts/*/site.conf\n`), [
      [1, `cannot include ${path.join(dir, "vhosts", "blog", "site.conf")}: cannot read file: no such file`],
    ]);
  // A wildcard with no match in a folder fails Include only; a folder that is not there fails both.
  const unread = `cannot read the folder ${path.join(dir, "vhosts", "shop", "conf")}: no such file`;
  assert.deepEqual(messages("Include vhosts/*/conf/*.conf\n"), [
    [
      1,
      `cannot include "vhosts/*/conf/*.conf": no match for the wildcard *.conf in ${path.join(dir, "vhosts", "blog", "conf")}`,
    ],
    [1, `cannot include "vhosts/*/conf/*.conf": ${unread}`],
  ]);
  assert.deepEqual(messages("IncludeOptional vhosts/*/conf/*.conf\n"), [
    [1, `cannot include "vhosts/*/conf/*.conf": ${unread}`],
  ]);
  assert.deepEqual(
    messages("<IfDefine SSL>\n  Include ssl/*.conf\n  Include vhosts/*/site.conf\n</IfDefine>\n"),
    [],
  );
  assert.deepEqual(messages("<IfModule mod_ssl.c>\n  Include ssl/*.conf\n</IfModule>\n"), []);
});

test("<IfModule> is judged by the tree's LoadModule lines: Debian without a2enmod headers sends no header", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "proxytrust-apache-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  for (const sub of ["mods-available", "mods-enabled", "sites-enabled"]) mkdirSync(path.join(dir, sub));
  for (const module of ["mpm_event", "headers", "proxy", "proxy_http", "ssl"])
    writeFileSync(
      path.join(dir, "mods-available", `${module}.load`),
      `LoadModule ${module}_module /usr/lib/apache2/modules/mod_${module}.so\n`,
    );
  const enable = (module: string) =>
    symlinkSync(`../mods-available/${module}.load`, path.join(dir, "mods-enabled", `${module}.load`));
  ["mpm_event", "proxy", "proxy_http", "ssl"].forEach(enable);
  writeFileSync(
    path.join(dir, "apache2.conf"),
    "IncludeOptional mods-enabled/*.load\nIncludeOptional sites-enabled/*.conf\n",
  );
  writeFileSync(
    path.join(dir, "sites-enabled", "shop.conf"),
    `<IfModule mod_ssl.c>
<VirtualHost *:443>
    ServerName shop.example.com
    SSLEngine on
    ProxyPreserveHost On
    ProxyPass / http://127.0.0.1:8000/
    <IfModule mod_headers.c>
        RequestHeader set X-Forwarded-Proto "https"
        Header always set Strict-Transport-Security "max-age=31536000; includeSubDomains"
    </IfModule>
    <IfModule !headers_module>
        ProxyAddHeaders Off
    </IfModule>
</VirtualHost>
</IfModule>
`,
  );
  const load = () => loadApacheConfig(path.join(dir, "apache2.conf"));
  const [host] = virtualHosts(load());
  assert.ok(host?.directives.some((d) => d.name === "ProxyAddHeaders"));
  assert.deepEqual(
    check("apache-x-forwarded-proto-not-set", { apache: load() }).map((f) => f.status),
    ["fail"],
  );
  assert.deepEqual(
    check("apache-hsts-missing", { apache: load() }).map((f) => f.status),
    ["warn"],
  );
  enable("headers");
  assert.deepEqual(check("apache-x-forwarded-proto-not-set", { apache: load() }), []);
  assert.deepEqual(check("apache-hsts-missing", { apache: load() }), []);
  // A lone vhost file, whose modules are loaded elsewhere: every <IfModule> is read.
  const site = loadApacheConfig(path.join(dir, "sites-enabled", "shop.conf"));
  assert.deepEqual(check("apache-x-forwarded-proto-not-set", { apache: site }), []);
  // A repository without mods-enabled, and a site loading mod_wsgi itself: the list of modules is not whole.
  rmSync(path.join(dir, "mods-enabled"), { recursive: true });
  writeFileSync(
    path.join(dir, "sites-enabled", "wsgi.conf"),
    "LoadModule wsgi_module /usr/lib/apache2/modules/mod_wsgi.so\n",
  );
  assert.equal(virtualHosts(load()).length, 1, "the vhost inside <IfModule mod_ssl.c> is read");
  assert.deepEqual(check("apache-x-forwarded-proto-not-set", { apache: load() }), []);
  assert.deepEqual(check("apache-hsts-missing", { apache: load() }), []);
});

test("<IfModule> is read in a tree that loads no MPM: httpd starts with none, so its modules load elsewhere", () => {
  const text = `LoadModule wsgi_module /usr/lib/apache2/modules/mod_wsgi.so
<VirtualHost *:443>
    ServerName shop.example.com
    SSLEngine on
    WSGIScriptAlias / /srv/shop/shop/wsgi.py
    <IfModule mod_headers.c>
        Header always set Strict-Transport-Security "max-age=31536000; includeSubDomains"
    </IfModule>
</VirtualHost>
`;
  // A site that loads mod_wsgi itself, audited alone: the server's own file may well load mod_headers.
  const site = parseApacheConfig(text, "/etc/apache2/sites-enabled/shop.conf");
  assert.deepEqual(check("apache-hsts-missing", { apache: site }), []);
  // A main file setting ServerRoot (a build with its MPM compiled in) lists every module it loads.
  const whole = parseApacheConfig(
    `ServerRoot "/usr/local/apache2"\n${text}`,
    "/usr/local/apache2/conf/httpd.conf",
  );
  assert.deepEqual(
    check("apache-hsts-missing", { apache: whole }).map((f) => f.status),
    ["warn"],
  );
});

test("ServerRoot resolves Includes for a file inside it, never for a copy elsewhere (the auditing machine's files)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "proxytrust-apache-root-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  // An installed tree in Red Hat's layout: conf/httpd.conf includes conf.modules.d/ relative to ServerRoot.
  const server = path.join(dir, "httpd");
  mkdirSync(path.join(server, "conf"), { recursive: true });
  mkdirSync(path.join(server, "conf.modules.d"));
  writeFileSync(
    path.join(server, "conf.modules.d", "00-base.conf"),
    "LoadModule headers_module modules/mod_headers.so\n",
  );
  const main = `ServerRoot "${server}"\nInclude conf.modules.d/*.conf\nListen 80\n`;
  writeFileSync(path.join(server, "conf", "httpd.conf"), main);
  const loaded = (file: string) =>
    loadApacheConfig(file)
      .root.flatMap((d) => [d, ...(d.children ?? [])])
      .filter((d) => d.name === "LoadModule")
      .map((d) => d.args[0]);
  assert.deepEqual(loaded(path.join(server, "conf", "httpd.conf")), ["headers_module"]);
  // The same main file copied into a repository reads nothing of the machine's tree it names.
  const copy = path.join(dir, "repo", "deploy");
  mkdirSync(copy, { recursive: true });
  writeFileSync(path.join(copy, "httpd.conf"), main.replace("Include", "IncludeOptional"));
  assert.deepEqual(loaded(path.join(copy, "httpd.conf")), []);
});
