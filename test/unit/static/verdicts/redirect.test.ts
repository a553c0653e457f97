/**
 * A proxy that passes plain HTTP to the app without redirecting: a failure only when nothing
 * downstream redirects; when Django does (SECURE_SSL_REDIRECT), a warning about the round trip.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyRules } from "../../../../src/static/audit.js";
import { ALL_RULES } from "../../../../src/static/rules/index.js";
import { inputOf } from "../contract/fixtures.js";
import { NGINX_ONE_SERVER_BOTH_PORTS, SETTINGS_DJANGO_REDIRECTS } from "./fixtures.js";

function audit(sources: Parameters<typeof inputOf>[0]) {
  return applyRules(inputOf(sources), ALL_RULES).map((c) => ({ ...c, fix: undefined }));
}

const HAPROXY_NO_REDIRECT = `
global
    maxconn 2048
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend www
    bind :80
    bind :443 ssl crt /etc/haproxy/certs/app.example.com.pem
    http-request deny unless { req.hdr(host) -i app.example.com }
    http-request set-header X-Forwarded-Proto https if { ssl_fc }
    http-request set-header X-Forwarded-Proto http unless { ssl_fc }
    http-response set-header Strict-Transport-Security "max-age=31536000; includeSubDomains; preload" if { ssl_fc }
    default_backend django
backend django
    server app1 127.0.0.1:8000
`;

const CADDY_HTTP_SITE = `
http://app.example.com {
    reverse_proxy 127.0.0.1:8000
}
https://app.example.com {
    header Strict-Transport-Security "max-age=31536000; includeSubDomains; preload"
    reverse_proxy 127.0.0.1:8000
}
`;

const SETTINGS_NO_REDIRECT = SETTINGS_DJANGO_REDIRECTS.replace(
  "SECURE_SSL_REDIRECT = True",
  "SECURE_SSL_REDIRECT = False",
);

describe("a proxy that leaves the HTTPS redirect to Django", () => {
  for (const [proxy, config, ruleId] of [
    ["nginx", NGINX_ONE_SERVER_BOTH_PORTS, "nginx-no-https-redirect"],
    ["haproxy", HAPROXY_NO_REDIRECT, "haproxy-no-https-redirect"],
    ["caddy", CADDY_HTTP_SITE, "caddy-http-site-proxies"],
  ] as const) {
    it(`${proxy}: Django's SECURE_SSL_REDIRECT redirects, so no https-redirect failure, only a round-trip warning`, () => {
      const checks = audit({ settings: SETTINGS_DJANGO_REDIRECTS, [proxy]: config });
      assert.deepEqual(
        checks.filter((c) => c.clause === "https-redirect" && c.status === "fail").map((c) => c.summary),
        [],
      );
      const note = checks.find((c) => c.id === ruleId);
      assert.equal(note?.status, "warn");
      assert.match(note!.summary, /Django redirects it .*round trip/);
    });

    it(`${proxy}: with SECURE_SSL_REDIRECT = False nobody redirects, a failure at the proxy`, () => {
      const finding = audit({ settings: SETTINGS_NO_REDIRECT, [proxy]: config }).find((c) => c.id === ruleId);
      assert.equal(finding?.status, "fail");
      assert.match(finding!.summary, /SECURE_SSL_REDIRECT = False: nobody redirects plain HTTP/);
    });

    it(`${proxy}: without the settings the audit cannot tell who redirects, and warns`, () => {
      const finding = audit({ [proxy]: config }).find((c) => c.id === ruleId);
      assert.equal(finding?.status, "warn");
      assert.match(finding!.summary, /unless Django redirects .*--settings/);
    });
  }

  it("SECURE_SSL_REDIRECT without SecurityMiddleware redirects nothing: a failure", () => {
    const settings = SETTINGS_DJANGO_REDIRECTS.replace(
      '    "django.middleware.security.SecurityMiddleware",\n',
      "",
    );
    const finding = audit({ settings, nginx: NGINX_ONE_SERVER_BOTH_PORTS }).find(
      (c) => c.id === "nginx-no-https-redirect",
    );
    assert.equal(finding?.status, "fail");
    assert.match(finding!.summary, /lacks django\.middleware\.security\.SecurityMiddleware/);
  });

  it("the healthy one-server stack gets no failure from any rule", () => {
    const failures = audit({
      settings: SETTINGS_DJANGO_REDIRECTS,
      nginx: NGINX_ONE_SERVER_BOTH_PORTS,
    }).filter((c) => c.status === "fail" || c.status === "error");
    assert.deepEqual(
      failures.map((c) => `${c.id}: ${c.summary}`),
      [],
    );
  });
});

describe("nginx-no-https-redirect where nginx tells Django every request is https", () => {
  const id = "nginx-no-https-redirect";
  const nginx = NGINX_ONE_SERVER_BOTH_PORTS.replace(
    "proxy_set_header X-Forwarded-Proto $scheme;",
    "proxy_set_header X-Forwarded-Proto https;",
  );
  const line = nginx.split("\n").findIndex((l) => l.includes("X-Forwarded-Proto https")) + 1;
  const withoutProxyHeader = SETTINGS_DJANGO_REDIRECTS.replace(/^SECURE_PROXY_SSL_HEADER = .*$/m, "");

  function verdict(sources: Parameters<typeof inputOf>[0]) {
    return audit(sources).find((c) => c.id === id);
  }

  it("fails: SECURE_PROXY_SSL_HEADER takes the literal https for https, so SECURE_SSL_REDIRECT never fires", () => {
    const finding = verdict({ settings: SETTINGS_DJANGO_REDIRECTS, nginx });
    assert.equal(finding?.status, "fail");
    assert.match(
      finding!.summary,
      new RegExp(
        `X-Forwarded-Proto is set to "https" \\(\\S+:${line}\\) on plain HTTP too, and SECURE_PROXY_SSL_HEADER .* takes it for https: Django sees every plain request as secure, so SECURE_SSL_REDIRECT never redirects it: nobody redirects plain HTTP`,
      ),
    );
    assert.doesNotMatch(finding!.summary, /Django redirects it/);
  });

  it("fails where gunicorn, trusting nginx's address, takes the literal https for https", () => {
    const gunicorn = 'bind = "127.0.0.1:8000"\nforwarded_allow_ips = "127.0.0.1"\n';
    const finding = verdict({ settings: withoutProxyHeader, nginx, gunicorn });
    assert.equal(finding?.status, "fail");
    assert.match(finding!.summary, /and gunicorn, .* takes it for https/);
  });

  it("says Django redirects where gunicorn trusts none of the addresses nginx dials from, and so ignores the literal", () => {
    const gunicorn = 'bind = "0.0.0.0:8000"\n';
    const toContainer = nginx.replace(
      "server 127.0.0.1:8000 fail_timeout=0;",
      "server web:8000 fail_timeout=0;",
    );
    assert.notEqual(toContainer, nginx);
    const finding = verdict({ settings: withoutProxyHeader, nginx: toContainer, gunicorn });
    assert.equal(finding?.status, "warn");
    assert.match(finding!.summary, /Django redirects it/);
  });

  it("warns that plain HTTP may stay unredirected when gunicorn's config, which decides, was not given", () => {
    const finding = verdict({ settings: withoutProxyHeader, nginx });
    assert.equal(finding?.status, "warn");
    assert.match(
      finding!.summary,
      /which Django may take for https .*the app server, whose config was not given.*: plain HTTP may stay unredirected/,
    );
  });

  it("still says Django redirects where it reads another header than the one nginx fixes", () => {
    const settings = SETTINGS_DJANGO_REDIRECTS.replace(
      "HTTP_X_FORWARDED_PROTO",
      "HTTP_X_FORWARDED_SSL",
    ).replace('"https")', '"on")');
    const sources = {
      settings,
      nginx: nginx.replace(
        "X-Forwarded-Proto https;",
        "X-Forwarded-Proto https;\n            proxy_set_header X-Forwarded-Ssl $https;",
      ),
    };
    const finding = verdict(sources);
    assert.equal(finding?.status, "warn");
    assert.match(finding!.summary, /Django redirects it/);
  });
});

describe("HAProxy and Caddy telling Django every plain request is https: nobody redirects", () => {
  const haproxy = HAPROXY_NO_REDIRECT.replace(
    "    http-request set-header X-Forwarded-Proto https if { ssl_fc }\n    http-request set-header X-Forwarded-Proto http unless { ssl_fc }\n",
    "    http-request set-header X-Forwarded-Proto https\n",
  );
  const caddy = CADDY_HTTP_SITE.replace(
    "http://app.example.com {\n    reverse_proxy 127.0.0.1:8000\n}",
    "http://app.example.com {\n    reverse_proxy 127.0.0.1:8000 {\n        header_up X-Forwarded-Proto https\n    }\n}",
  );
  for (const [proxy, config, ruleId] of [
    ["haproxy", haproxy, "haproxy-no-https-redirect"],
    ["caddy", caddy, "caddy-http-site-proxies"],
  ] as const)
    it(`${proxy}: SECURE_PROXY_SSL_HEADER takes the literal https for https, so SECURE_SSL_REDIRECT never fires`, () => {
      assert.notEqual(
        config,
        proxy === "haproxy" ? HAPROXY_NO_REDIRECT : CADDY_HTTP_SITE,
        "the fixture changed",
      );
      const finding = audit({ settings: SETTINGS_DJANGO_REDIRECTS, [proxy]: config }).find(
        (c) => c.id === ruleId,
      );
      assert.equal(finding?.status, "fail");
      assert.match(
        finding!.summary,
        /X-Forwarded-Proto is set to "https" .* on plain HTTP too, .*SECURE_SSL_REDIRECT never redirects it: nobody redirects plain HTTP/,
      );
    });
});
