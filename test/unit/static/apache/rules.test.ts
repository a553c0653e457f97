/**
 * The Apache rules and the contract's view of Apache, each with a passing and a failing vhost shaped
 * like Debian deployments: mod_proxy in front of gunicorn, and Django in-process under mod_wsgi.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  loadApacheConfig,
  parseApacheConfig,
  type ApacheConfig,
} from "../../../../src/static/apache/model.js";
import { appHosts, headerActions } from "../../../../src/static/apache/queries.js";
import { djangoSettingsFromSource } from "../../../../src/static/python/load-settings.js";
import type { AuditInput, RuleFinding } from "../../../../src/static/rule.js";
import { apacheRules } from "../../../../src/static/rules/apache/index.js";
import { contractRules } from "../../../../src/static/rules/contract/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, "fixtures");
const SITE = "/etc/apache2/sites-enabled/shop.conf";

function check(id: string, input: AuditInput): RuleFinding[] {
  const rule = [...apacheRules, ...contractRules].find((r) => r.meta.id === id);
  assert.ok(rule, `rule ${id} is registered`);
  return rule.check(input);
}

const statuses = (findings: RuleFinding[]) => findings.map((f) => f.status);
const vhost = (text: string): ApacheConfig => parseApacheConfig(text, SITE);
const settings = (source: string) => djangoSettingsFromSource(source);

const PROXIED_443 = `<VirtualHost *:443>
    ServerName shop.example.com
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/shop.pem
    ProxyPreserveHost On
    RequestHeader set X-Forwarded-Proto "https"
    ProxyPass / http://127.0.0.1:8000/
    ProxyPassReverse / http://127.0.0.1:8000/
</VirtualHost>
`;
const PLAIN_PROXY_80 = `<VirtualHost *:80>
    ServerName shop.example.com
    ProxyPreserveHost On
    RequestHeader set X-Forwarded-Proto "http"
    ProxyPass / http://127.0.0.1:8000/
</VirtualHost>
`;
const WSGI_443 = `WSGIDaemonProcess shop python-path=/srv/shop
<VirtualHost *:443>
    ServerName shop.example.com
    SSLEngine on
    WSGIProcessGroup shop
    WSGIScriptAlias / /srv/shop/shop/wsgi.py
</VirtualHost>
`;

test("the mod_wsgi fixture: Debian's apache2.conf, ports.conf and the site are read; daemon mode found", () => {
  const config = loadApacheConfig(path.join(fixtures, "mod-wsgi", "apache2.conf"));
  assert.deepEqual(config.errors, []);
  const hosts = appHosts(config);
  assert.deepEqual(
    hosts.map(({ host, mount }) => [
      host.section.args[0],
      host.tls,
      mount.kind,
      mount.kind === "wsgi" && mount.daemon?.args[0],
    ]),
    [["*:443", true, "wsgi", "shop"]],
  );
});

test("RequestHeader: a value written expr=… is the value; env= and expr= after it are conditions; early lines run first", () => {
  const config = vhost(`<VirtualHost *:443>
    SSLEngine on
    RequestHeader set X-Forwarded-Proto expr=%{REQUEST_SCHEME}
    RequestHeader set X-Forwarded-Proto https env=HTTPS
    RequestHeader unset X-Forwarded-Proto early
    ProxyPass / http://127.0.0.1:8000/
</VirtualHost>`);
  const [host] = appHosts(config);
  assert.deepEqual(
    headerActions(host!.host, "RequestHeader", "x-forwarded-proto").map((a) => [
      a.action,
      a.value,
      a.condition,
      a.early,
    ]),
    [
      // Apache applies an early line when it reads the request, before the lines above it in the file.
      ["unset", undefined, undefined, true],
      ["set", "expr=%{REQUEST_SCHEME}", undefined, false],
      ["set", "https", "env=HTTPS", false],
    ],
  );
});

test("apache-no-https-redirect: plain HTTP proxied or run in-process without a redirect", () => {
  const id = "apache-no-https-redirect";
  const unredirected = vhost(PLAIN_PROXY_80 + PROXIED_443);
  assert.deepEqual(
    statuses(check(id, { apache: unredirected, settings: settings("SECURE_SSL_REDIRECT = False\n") })),
    ["fail"],
  );
  assert.deepEqual(statuses(check(id, { apache: unredirected })), ["warn"]);
  assert.match(
    check(id, { apache: vhost(PLAIN_PROXY_80) })[0]?.message ?? "",
    /fine only if TLS ends in front of Apache/,
  );
  const healthExempt = PLAIN_PROXY_80.replace(
    "ProxyPreserveHost On",
    'RewriteEngine on\n    RewriteRule "!^/healthz$" "https://shop.example.com%{REQUEST_URI}" [R=301,L]\n    ProxyPreserveHost On',
  );
  assert.deepEqual(check(id, { apache: vhost(healthExempt + PROXIED_443) }), []);
  assert.deepEqual(
    check(id, { apache: loadApacheConfig(path.join(fixtures, "mod-wsgi", "apache2.conf")) }),
    [],
  );
  assert.deepEqual(check(id, { apache: loadApacheConfig(path.join(fixtures, "apache2.conf")) }), []);
});

test("apache-hsts-missing: under mod_wsgi Django's own HSTS counts; behind mod_proxy only with the scheme header", () => {
  const id = "apache-hsts-missing";
  const middleware = 'MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]\n';
  const hsts = settings(middleware + "SECURE_HSTS_SECONDS = 31536000\n");
  assert.deepEqual(check(id, { apache: vhost(WSGI_443), settings: hsts }), []);
  assert.deepEqual(statuses(check(id, { apache: vhost(WSGI_443) })), ["warn"]);
  assert.deepEqual(statuses(check(id, { apache: vhost(PROXIED_443), settings: hsts })), ["warn"]);
  const proxied = settings(
    middleware +
      "SECURE_HSTS_SECONDS = 31536000\nSECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')\n",
  );
  assert.deepEqual(check(id, { apache: vhost(PROXIED_443), settings: proxied }), []);
  assert.deepEqual(check(id, { apache: vhost(WSGI_443), settings: proxied }), []);
  // Without SecurityMiddleware nothing sends the header, under mod_wsgi too.
  const noMiddleware = settings("SECURE_HSTS_SECONDS = 31536000\n");
  assert.deepEqual(statuses(check(id, { apache: vhost(WSGI_443), settings: noMiddleware })), ["warn"]);
  // SECURE_PROXY_SSL_HEADER reading a header Apache never sets: an honest client sends none, Django sees http.
  const sslHeader = settings(
    middleware + "SECURE_HSTS_SECONDS = 31536000\nSECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_SSL', 'on')\n",
  );
  assert.deepEqual(statuses(check(id, { apache: vhost(PROXIED_443), settings: sslHeader })), ["warn"]);
  // Under mod_wsgi, a header Apache sets to another value hides the connection's https from Django.
  const overridden = WSGI_443.replace(
    "SSLEngine on",
    'SSLEngine on\n    RequestHeader set X-Forwarded-Proto "http"',
  );
  assert.deepEqual(statuses(check(id, { apache: vhost(overridden), settings: proxied })), ["warn"]);
  assert.deepEqual(
    check(id, { apache: loadApacheConfig(path.join(fixtures, "mod-wsgi", "apache2.conf")) }),
    [],
  );
});

test("apache-hsts-weak: the shared HSTS strength judgement, on Header set and Header always set", () => {
  const id = "apache-hsts-weak";
  const short = PROXIED_443.replace(
    "SSLEngine on",
    'SSLEngine on\n    Header always set Strict-Transport-Security "max-age=300"',
  );
  assert.deepEqual(statuses(check(id, { apache: vhost(short) })), ["fail"]);
  const noSubdomains = PROXIED_443.replace(
    "SSLEngine on",
    'SSLEngine on\n    Header set Strict-Transport-Security "max-age=31536000"',
  );
  assert.deepEqual(statuses(check(id, { apache: vhost(noSubdomains) })), ["warn"]);
  assert.deepEqual(
    check(id, { apache: loadApacheConfig(path.join(fixtures, "mod-wsgi", "apache2.conf")) }),
    [],
  );
});

test("apache-remoteip-trusts-any: RemoteIPHeader without a trusted list, or with one covering everyone", () => {
  const id = "apache-remoteip-trusts-any";
  const open = PROXIED_443.replace(
    "ProxyPreserveHost On",
    "RemoteIPHeader X-Forwarded-For\n    ProxyPreserveHost On",
  );
  const [finding] = check(id, { apache: vhost(open) });
  assert.equal(finding?.status, "fail");
  assert.match(finding?.message ?? "", /trusts every peer/);
  const everyone = open.replace(
    "RemoteIPHeader X-Forwarded-For",
    "RemoteIPHeader X-Forwarded-For\n    RemoteIPTrustedProxy 0.0.0.0/0",
  );
  assert.deepEqual(statuses(check(id, { apache: vhost(everyone) })), ["fail"]);
  const balancer = open.replace(
    "RemoteIPHeader X-Forwarded-For",
    "RemoteIPHeader X-Forwarded-For\n    RemoteIPInternalProxy 10.0.0.5 10.0.0.6",
  );
  assert.deepEqual(check(id, { apache: vhost(balancer) }), []);
});

test("apache-client-address-passed: the client's X-Forwarded-For / X-Real-IP left in place at the edge", () => {
  const id = "apache-client-address-passed";
  assert.match(
    check(id, { apache: vhost(PROXIED_443) })[0]?.message ?? "",
    /X-Forwarded-For and X-Real-IP in place/,
  );
  assert.deepEqual(statuses(check(id, { apache: vhost(WSGI_443) })), ["warn"]);
  const removed = PROXIED_443.replace(
    "ProxyPreserveHost On",
    "RequestHeader unset X-Forwarded-For early\n    RequestHeader unset X-Real-IP early\n    ProxyPreserveHost On",
  );
  assert.deepEqual(check(id, { apache: vhost(removed) }), []);
  const behindBalancer = PROXIED_443.replace(
    "ProxyPreserveHost On",
    "RemoteIPHeader X-Forwarded-For\n    RemoteIPTrustedProxy 10.0.0.5\n    ProxyPreserveHost On",
  );
  assert.deepEqual(check(id, { apache: vhost(behindBalancer) }), []);
});

test("contract over mod_wsgi: the scheme comes from Apache's connection, a SECURE_PROXY_SSL_HEADER lets clients claim it", () => {
  const plainAndTls = `WSGIPythonPath /srv/shop
<VirtualHost *:80>
    ServerName shop.example.com
    WSGIScriptAlias / /srv/shop/shop/wsgi.py
</VirtualHost>
${WSGI_443.replace("WSGIDaemonProcess shop python-path=/srv/shop\n", "").replace("    WSGIProcessGroup shop\n", "")}`;
  const apache = vhost(plainAndTls);
  const native = settings("SECURE_SSL_REDIRECT = True\nSECURE_HSTS_SECONDS = 31536000\n");
  for (const id of [
    "contract-scheme-not-conveyed",
    "contract-ssl-redirect-loop",
    "contract-hsts-never-sent",
    "contract-scheme-header-from-client",
  ])
    assert.deepEqual(check(id, { apache, settings: native }), [], id);
  const copied = settings(
    "SECURE_SSL_REDIRECT = True\nSECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')\n",
  );
  assert.deepEqual(statuses(check("contract-scheme-header-from-client", { apache, settings: copied })), [
    "fail",
    "warn",
  ]);
  assert.deepEqual(check("contract-scheme-not-conveyed", { apache, settings: copied }), []);
  const unset = plainAndTls.replace(
    /WSGIScriptAlias/g,
    "RequestHeader unset X-Forwarded-Proto\n    WSGIScriptAlias",
  );
  assert.deepEqual(
    check("contract-scheme-header-from-client", { apache: vhost(unset), settings: copied }),
    [],
  );
});

test("contract over mod_proxy: a conditional RequestHeader leaves the client's copy when it does not apply", () => {
  const conditional = PROXIED_443.replace(
    'RequestHeader set X-Forwarded-Proto "https"',
    'RequestHeader set X-Forwarded-Proto "https" env=HTTPS',
  );
  const copied = settings("SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')\n");
  const findings = check("contract-scheme-header-from-client", {
    apache: vhost(conditional),
    settings: copied,
  });
  assert.ok(findings.some((f) => f.status === "warn" && /env=HTTPS/.test(f.message)));
  assert.ok(findings.every((f) => f.status === "warn"));
  // mod_proxy forwards a client's X_Forwarded_Proto too, which gunicorn before 22 merges in.
  const [underscore] = check("contract-scheme-header-from-client", {
    apache: vhost(PROXIED_443),
    settings: copied,
  });
  assert.match(underscore?.message ?? "", /X_Forwarded_Proto is passed through/);
  const hardened = PROXIED_443.replace(
    "ProxyPreserveHost On",
    "RequestHeader unset X_Forwarded_Proto\n    ProxyPreserveHost On",
  );
  assert.deepEqual(
    check("contract-scheme-header-from-client", { apache: vhost(hardened), settings: copied }),
    [],
  );
});

const WSGI_BEHIND_BALANCER = `<VirtualHost *:80>
    ServerName shop.example.com
    WSGIDaemonProcess shop python-path=/srv/shop
    WSGIProcessGroup shop
    WSGIScriptAlias / /srv/shop/shop/wsgi.py
</VirtualHost>
`;

test("apache-wsgi-scheme-behind-proxy: mod_wsgi on plain HTTP only, with nothing carrying the scheme over", () => {
  const id = "apache-wsgi-scheme-behind-proxy";
  const redirecting = settings("SECURE_SSL_REDIRECT = True\n");
  const [loop] = check(id, { apache: vhost(WSGI_BEHIND_BALANCER), settings: redirecting });
  assert.equal(loop?.status, "fail");
  assert.match(loop?.message ?? "", /redirect to themselves/);
  assert.deepEqual(statuses(check(id, { apache: vhost(WSGI_BEHIND_BALANCER) })), ["warn"]);
  const header = settings(
    "SECURE_SSL_REDIRECT = True\nSECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')\n",
  );
  assert.deepEqual(check(id, { apache: vhost(WSGI_BEHIND_BALANCER), settings: header }), []);
  const trusted = WSGI_BEHIND_BALANCER.replace(
    "WSGIScriptAlias",
    "WSGITrustedProxyHeaders X-Forwarded-Proto\n    WSGITrustedProxies 10.0.0.5\n    WSGIScriptAlias",
  );
  assert.deepEqual(check(id, { apache: vhost(trusted), settings: redirecting }), []);
  assert.deepEqual(
    check(id, {
      apache: loadApacheConfig(path.join(fixtures, "mod-wsgi", "apache2.conf")),
      settings: redirecting,
    }),
    [],
  );
});

test("apache-wsgi-trusted-proxy-headers-open: WSGITrustedProxyHeaders without WSGITrustedProxies", () => {
  const id = "apache-wsgi-trusted-proxy-headers-open";
  const open = WSGI_BEHIND_BALANCER.replace(
    "WSGIScriptAlias",
    "WSGITrustedProxyHeaders X-Forwarded-Proto X-Forwarded-For\n    WSGIScriptAlias",
  );
  assert.deepEqual(statuses(check(id, { apache: vhost(open) })), ["fail"]);
  const listed = open.replace("WSGIScriptAlias", "WSGITrustedProxies 10.0.0.5 10.0.0.6\n    WSGIScriptAlias");
  assert.deepEqual(check(id, { apache: vhost(listed) }), []);
  assert.deepEqual(check(id, { apache: vhost(WSGI_BEHIND_BALANCER) }), []);
});

test("apache-client-address-passed and -x-forwarded-proto-not-set: a header unset, then set or appended by Apache, is Apache's own", () => {
  const replaced = PROXIED_443.replace(
    'RequestHeader set X-Forwarded-Proto "https"',
    [
      "RequestHeader unset X-Forwarded-For",
      'RequestHeader append X-Forwarded-For "%{REMOTE_ADDR}e"',
      "RequestHeader unset X-Real-IP",
      'RequestHeader set X-Real-IP "expr=%{REMOTE_ADDR}"',
      "RequestHeader unset X-Forwarded-Proto",
      'RequestHeader append X-Forwarded-Proto "https"',
    ].join("\n    "),
  );
  assert.deepEqual(check("apache-client-address-passed", { apache: vhost(replaced) }), []);
  assert.deepEqual(check("apache-x-forwarded-proto-not-set", { apache: vhost(replaced) }), []);
  // Set from the client's own header, it is still the client's copy.
  const copied = PROXIED_443.replace(
    "ProxyPreserveHost On",
    'RequestHeader unset X-Forwarded-For\n    RequestHeader set X-Real-IP "%{X-Real-IP}i"\n    ProxyPreserveHost On',
  );
  const [finding] = check("apache-client-address-passed", { apache: vhost(copied) });
  assert.match(finding?.message ?? "", /own X-Real-IP in place/);
});

test("contract over mod_proxy: a RequestHeader on a condition the client picks leaves the client's copy for it; one on the peer's address only for that peer", () => {
  const copied = settings("SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')\n");
  const judged = (line: string) =>
    statuses(
      check("contract-scheme-header-from-client", {
        apache: vhost(PLAIN_PROXY_80.replace('RequestHeader set X-Forwarded-Proto "http"', line)),
        settings: copied,
      }),
    );
  // The client decides: a plain request claiming https keeps its claim.
  assert.deepEqual(
    judged(`RequestHeader set X-Forwarded-Proto "http" "expr=%{HTTP:X-Forwarded-Proto} == ''"`),
    ["fail"],
  );
  assert.deepEqual(
    judged(
      'SetEnvIf X-Forwarded-Proto "^$" NO_FORWARDED_PROTO\n    RequestHeader set X-Forwarded-Proto "http" env=NO_FORWARDED_PROTO',
    ),
    ["fail"],
  );
  // The peer's address decides: only the balancer's copy passes.
  assert.deepEqual(
    judged(
      'SetEnvIf Remote_Addr "^10\\.0\\.0\\.5$" FROM_BALANCER\n    RequestHeader set X-Forwarded-Proto "http" env=!FROM_BALANCER',
    ),
    ["warn"],
  );
  assert.deepEqual(judged(`RequestHeader set X-Forwarded-Proto "http" "expr=! -R '10.0.0.0/8'"`), ["warn"]);
});

test("apache-hsts-missing: Header always and Header (onsuccess) are separate tables, each set and unset in order", () => {
  const id = "apache-hsts-missing";
  const withHeaders = (...lines: string[]) =>
    vhost(PROXIED_443.replace("SSLEngine on", ["SSLEngine on", ...lines].join("\n    ")));
  const HSTS = '"max-age=31536000; includeSubDomains"';
  // A staging site that turns off the HSTS its shared snippet sends.
  assert.deepEqual(
    statuses(
      check(id, {
        apache: withHeaders(
          `Header always set Strict-Transport-Security ${HSTS}`,
          "Header always unset Strict-Transport-Security",
        ),
      }),
    ),
    ["warn"],
  );
  // An unset in the other table leaves the header sent.
  assert.deepEqual(
    check(id, {
      apache: withHeaders(
        `Header set Strict-Transport-Security ${HSTS}`,
        "Header always unset Strict-Transport-Security",
      ),
    }),
    [],
  );
  assert.deepEqual(
    check(id, {
      apache: withHeaders(
        `Header always set Strict-Transport-Security ${HSTS}`,
        "Header unset Strict-Transport-Security",
      ),
    }),
    [],
  );
  // Set again after the unset, it is sent.
  assert.deepEqual(
    check(id, {
      apache: withHeaders(
        "Header always unset Strict-Transport-Security",
        `Header always set Strict-Transport-Security ${HSTS}`,
      ),
    }),
    [],
  );
});

test("mod_proxy mounts: ProxyPass in <Location> (its path omitted), a balancer's members, uwsgi:// and ws:// backends", () => {
  const mounts = (text: string) =>
    appHosts(vhost(text)).map(({ mount }) => mount.kind === "proxy" && [mount.backend, mount.paths]);
  assert.deepEqual(
    mounts(`<VirtualHost *:80>
    ServerName shop.example.com
    <Location />
        ProxyPass http://127.0.0.1:8000/
        ProxyPassReverse http://127.0.0.1:8000/
    </Location>
    <Location /static/>
        ProxyPass !
    </Location>
</VirtualHost>`),
    [["http://127.0.0.1:8000/", ["/"]]],
  );
  assert.deepEqual(
    mounts(`<Proxy "balancer://shop">
    BalancerMember "http://127.0.0.1:8000"
    BalancerMember "http://127.0.0.1:8001"
</Proxy>
<VirtualHost *:80>
    ServerName shop.example.com
    ProxyPass / balancer://shop/
</VirtualHost>`),
    [["http://127.0.0.1:8000", ["/"]]],
  );
  assert.deepEqual(
    mounts(`<VirtualHost *:80>
    ServerName shop.example.com
    ProxyPass /ws/ ws://127.0.0.1:8001/ws/
    ProxyPass / uwsgi://127.0.0.1:3031/
</VirtualHost>`),
    [["ws://127.0.0.1:8001/ws/", ["/ws/", "/"]]],
  );
  // PHP-FPM behind fcgi:// is not the Django app.
  assert.deepEqual(mounts(PLAIN_PROXY_80.replace("http://127.0.0.1:8000/", "fcgi://127.0.0.1:9000/")), []);
});

test("mod_proxy_uwsgi passes the client's Host and adds no X-Forwarded-For: ProxyPreserveHost does not apply", () => {
  const uwsgi = vhost(`<VirtualHost *:80>
    ServerName shop.example.com
    RequestHeader set X-Forwarded-Proto "http"
    ProxyPass / uwsgi://127.0.0.1:3031/
</VirtualHost>`);
  const allowed = settings('ALLOWED_HOSTS = ["shop.example.com"]\n');
  assert.deepEqual(check("apache-proxy-preserve-host-off", { apache: uwsgi, settings: allowed }), []);
  assert.deepEqual(check("contract-allowed-hosts", { apache: uwsgi, settings: allowed }), []);
  assert.deepEqual(statuses(check("apache-x-forwarded-proto-not-set", { apache: uwsgi })), []);
  assert.deepEqual(statuses(check("apache-client-address-passed", { apache: uwsgi })), ["warn"]);
});

test("apache-x-forwarded-proto-not-set: a vhost proxying from <Location /> or to a balancer is audited", () => {
  const id = "apache-x-forwarded-proto-not-set";
  const inLocation = `<VirtualHost *:80>
    ServerName shop.example.com
    ProxyPreserveHost On
    <Location />
        ProxyPass http://127.0.0.1:8000/
    </Location>
</VirtualHost>`;
  assert.deepEqual(statuses(check(id, { apache: vhost(inLocation) })), ["fail"]);
  const balancer = `<Proxy balancer://shop>
    BalancerMember http://127.0.0.1:8000
</Proxy>
<VirtualHost *:80>
    ServerName shop.example.com
    ProxyPreserveHost On
    ProxyPass / balancer://shop/
</VirtualHost>`;
  assert.deepEqual(statuses(check(id, { apache: vhost(balancer) })), ["fail"]);
});

test("apache-x-forwarded-proto-https-on-plain: X-Forwarded-Proto https on an unredirected plain vhost, its own or server-wide", () => {
  const id = "apache-x-forwarded-proto-https-on-plain";
  const redirecting = settings(
    "SECURE_SSL_REDIRECT = True\nSECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')\n",
  );
  const inVhost = PLAIN_PROXY_80.replace('X-Forwarded-Proto "http"', 'X-Forwarded-Proto "https"');
  const [own] = check(id, { apache: vhost(inVhost + PROXIED_443), settings: redirecting });
  assert.equal(own?.status, "fail");
  assert.equal(own?.location.line, 4);
  const serverWide =
    'RequestHeader set X-Forwarded-Proto "https"\n' +
    PLAIN_PROXY_80.replace('    RequestHeader set X-Forwarded-Proto "http"\n', "") +
    PROXIED_443;
  assert.deepEqual(statuses(check(id, { apache: vhost(serverWide), settings: redirecting })), ["fail"]);
  // Django's redirect is no help: it believes the header.
  const [unredirected] = check("apache-no-https-redirect", {
    apache: vhost(serverWide),
    settings: redirecting,
  });
  assert.equal(unredirected?.status, "fail");
  assert.match(unredirected?.message ?? "", /SECURE_SSL_REDIRECT never fires/);
  // Redirected plain HTTP, or the right scheme per vhost, is fine.
  const redirected = inVhost.replace(
    "ProxyPreserveHost On",
    "Redirect permanent / https://shop.example.com/\n    ProxyPreserveHost On",
  );
  const wsgiRedirected = redirected.replace(
    "ProxyPass / http://127.0.0.1:8000/",
    "WSGIScriptAlias / /srv/shop/shop/wsgi.py",
  );
  assert.deepEqual(check(id, { apache: vhost(wsgiRedirected + PROXIED_443), settings: redirecting }), []);
  assert.deepEqual(check(id, { apache: vhost(PLAIN_PROXY_80 + PROXIED_443), settings: redirecting }), []);
});

test("apache-no-https-redirect: a RewriteRule counts only when mod_rewrite runs it for every plain request", () => {
  const id = "apache-no-https-redirect";
  const off = settings("SECURE_SSL_REDIRECT = False\n");
  const judged = (before: string, inside: string) =>
    statuses(
      check(id, {
        apache: vhost(
          before +
            PLAIN_PROXY_80.replace("ProxyPreserveHost On", `${inside}\n    ProxyPreserveHost On`) +
            PROXIED_443,
        ),
        settings: off,
      }),
    );
  const CERTBOT_RULE = "RewriteRule ^ https://%{SERVER_NAME}%{REQUEST_URI} [END,NE,R=permanent]";
  // certbot's own lines, and the usual conditions on the scheme or port, redirect.
  assert.deepEqual(
    judged("", `RewriteEngine on\n    RewriteCond %{SERVER_NAME} =shop.example.com\n    ${CERTBOT_RULE}`),
    [],
  );
  assert.deepEqual(
    judged(
      "",
      `RewriteEngine On\n    RewriteCond %{HTTPS} !=on\n    RewriteCond %{SERVER_PORT} ^80$\n    ${CERTBOT_RULE}`,
    ),
    [],
  );
  // The server's RewriteEngine On is inherited (checked on loopback with Apache 2.4).
  assert.deepEqual(judged("RewriteEngine On\n", CERTBOT_RULE), []);
  // No engine: the rule never runs.
  assert.deepEqual(judged("", CERTBOT_RULE), ["fail"]);
  // Server-level rules are not inherited without RewriteOptions Inherit.
  assert.deepEqual(judged(`RewriteEngine On\n${CERTBOT_RULE}\n`, ""), ["fail"]);
  assert.deepEqual(judged(`RewriteEngine On\n${CERTBOT_RULE}\n`, "RewriteOptions Inherit"), []);
  // A <Location> without a RewriteEngine of its own takes the vhost's (checked on loopback with Apache 2.4).
  const inLocation = (rule: string, engine = "") =>
    judged("", `RewriteEngine On\n    <Location "/">\n        ${engine}${rule}\n    </Location>`);
  assert.deepEqual(inLocation(CERTBOT_RULE), []);
  assert.deepEqual(inLocation(CERTBOT_RULE, "RewriteEngine Off\n        "), ["fail"]);
  // Per directory the pattern meets the path without its leading slash: "^/" never matches, and
  // "!^/healthz$" redirects /healthz too (both seen on loopback).
  const toHttps = "https://%{SERVER_NAME}%{REQUEST_URI} [R=301,L]";
  assert.deepEqual(inLocation(`RewriteRule ^/(.*)$ ${toHttps}`), ["fail"]);
  assert.deepEqual(inLocation(`RewriteRule !^/healthz$ ${toHttps}`), []);
  // A proxied request maps to no folder: a <Directory> rule never meets it; under mod_wsgi the script's does.
  const inDirectory = (folder: string, mount?: string) =>
    statuses(
      check(id, {
        apache: vhost(
          PLAIN_PROXY_80.replace(
            "ProxyPreserveHost On",
            `RewriteEngine On\n    <Directory ${folder}>\n        ${CERTBOT_RULE}\n    </Directory>`,
          ).replace("ProxyPass / http://127.0.0.1:8000/", mount ?? "ProxyPass / http://127.0.0.1:8000/") +
            PROXIED_443,
        ),
        settings: off,
      }),
    );
  assert.deepEqual(inDirectory("/var/www/html"), ["fail"]);
  const wsgi = "WSGIScriptAlias / /srv/shop/shop/wsgi.py";
  assert.deepEqual(inDirectory("/srv/shop/shop", wsgi), []);
  assert.deepEqual(inDirectory("/var/www/html", wsgi), ["fail"]);
  // A condition only some hosts meet leaves the others on plain HTTP.
  assert.deepEqual(
    judged(
      "",
      "RewriteEngine On\n    RewriteCond %{HTTP_HOST} ^www\\.(.*)$ [NC]\n    RewriteRule ^(.*)$ https://%1$1 [R=301,L]",
    ),
    ["fail"],
  );
  // Behind a balancer plain requests say http, and a client reaching Apache itself sends none: both are
  // redirected. One that forges https stays on plain HTTP alone (other rules judge who believes the header).
  const forwardedProto = (test: string) =>
    judged("", `RewriteEngine On\n    RewriteCond %{HTTP:X-Forwarded-Proto} ${test}\n    ${CERTBOT_RULE}`);
  assert.deepEqual(forwardedProto("!https"), []);
  assert.deepEqual(forwardedProto("!^https$ [NC]"), []);
  // Only a balancer's "http" meets =http: Apache's own plain clients are not redirected (seen on loopback).
  assert.deepEqual(forwardedProto("=http"), ["fail"]);
  assert.deepEqual(
    judged(
      "",
      `RequestHeader set X-Forwarded-Proto https early\n    RewriteEngine On\n    RewriteCond %{HTTP:X-Forwarded-Proto} !https\n    ${CERTBOT_RULE}`,
    ),
    ["fail"],
  );
});

test("apache-no-https-redirect: a vhost-level Redirect beside ProxyPass is never reached (mod_proxy maps the path first)", () => {
  const id = "apache-no-https-redirect";
  const off = settings("SECURE_SSL_REDIRECT = False\n");
  const redirect = (line: string, text = PLAIN_PROXY_80) =>
    vhost(text.replace("ProxyPreserveHost On", `${line}\n    ProxyPreserveHost On`) + PROXIED_443);
  assert.deepEqual(
    statuses(
      check(id, { apache: redirect("Redirect permanent / https://shop.example.com/"), settings: off }),
    ),
    ["fail"],
  );
  const contract = check("contract-plain-http-unredirected", {
    apache: redirect("Redirect permanent / https://shop.example.com/"),
    settings: off,
  });
  assert.deepEqual(statuses(contract), ["fail"]);
  // In a <Location>, mod_alias redirects at fixup, after mod_proxy's mapping: it does redirect.
  assert.deepEqual(
    check(id, {
      apache: redirect(
        '<Location "/">\n        Redirect permanent https://shop.example.com/\n    </Location>',
      ),
      settings: off,
    }),
    [],
  );
  // So is a Redirect in an <If> (checked on loopback: 301 beside ProxyPass), when every plain request meets it.
  const inIf = (condition: string, line = "Redirect permanent / https://shop.example.com/") =>
    statuses(
      check(id, {
        apache: redirect(`<If "${condition}">\n        ${line}\n    </If>`),
        settings: off,
      }),
    );
  assert.deepEqual(inIf("%{HTTPS} != 'on'"), []);
  assert.deepEqual(inIf("%{REQUEST_SCHEME} =~ /^http$/", "Redirect permanent https://shop.example.com/"), []);
  assert.deepEqual(inIf("req('X-Forwarded-Proto') != 'https'"), []);
  assert.deepEqual(inIf("%{HTTP_HOST} == 'www.shop.example.com'"), ["fail"]);
  assert.deepEqual(inIf("-n %{QUERY_STRING}"), ["fail"]);
  const afterIf = (first: string) =>
    statuses(
      check(id, {
        apache: redirect(
          `<If "${first}">\n        Header set X-Scheme https\n    </If>\n    <Else>\n        Redirect permanent / https://shop.example.com/\n    </Else>`,
        ),
        settings: off,
      }),
    );
  assert.deepEqual(afterIf("%{HTTPS} == 'on'"), []);
  assert.deepEqual(afterIf("%{HTTP_HOST} == 'shop.example.com'"), ["fail"]);
  // Under mod_wsgi, mod_alias runs first.
  const wsgi = PLAIN_PROXY_80.replace(
    "ProxyPass / http://127.0.0.1:8000/",
    "WSGIScriptAlias / /srv/shop/shop/wsgi.py",
  );
  assert.deepEqual(
    check(id, { apache: redirect("Redirect permanent / https://shop.example.com/", wsgi), settings: off }),
    [],
  );
  // An <If> only some names meet leaves the others on plain HTTP, in-process too.
  const wwwOnly = `<If "%{HTTP_HOST} == 'www.shop.example.com'">\n        Redirect permanent / https://shop.example.com/\n    </If>`;
  assert.deepEqual(statuses(check(id, { apache: redirect(wwwOnly, wsgi), settings: off })), ["fail"]);
});
