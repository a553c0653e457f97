import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CLAUSES } from "../../../../src/clauses.js";
import { loadNginxText } from "../../../../src/static/nginx/loader.js";
import { configErrors } from "../../../../src/static/rules/config-errors.js";
import { nginxRules as nginxOwnRules } from "../../../../src/static/rules/nginx/index.js";

/** The nginx rules plus the reading problems every audit reports. */
const nginxRules = [...nginxOwnRules, configErrors];

function check(ruleId: string, text: string) {
  const rule = nginxRules.find((r) => r.meta.id === ruleId);
  assert.ok(rule, `no rule ${ruleId}`);
  const nginx = loadNginxText(text, "/virtual/nginx.conf", { sysroot: "/nonexistent" });
  return rule.check({ nginx }).map((f) => [f.status, f.location.line, f.message] as const);
}

interface Case {
  rule: string;
  failing: string;
  /** [status, line, part of the message] of each expected finding. */
  expect: [string, number, RegExp][];
  passing: string;
}

const SAFE_LOCATION = `location / {
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_pass http://127.0.0.1:8000;
    }`;

const cases: Case[] = [
  {
    rule: "nginx-xfp-from-client",
    failing: `server {
      listen 80; listen 443 ssl;
      location / { proxy_set_header Host $host; proxy_pass http://app; }
      location /api { proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto; proxy_pass http://app; }
    }`,
    expect: [
      ["fail", 3, /X-Forwarded-Proto is not set in location \/ .*client's own X-Forwarded-Proto/],
      ["fail", 4, /X-Forwarded-Proto is set to "\$http_x_forwarded_proto".*\$http_x_forwarded_proto/],
    ],
    passing: `server { listen 443 ssl; ${SAFE_LOCATION} }`,
  },
  {
    rule: "nginx-xfp-from-client",
    failing: `server {
      listen 443 ssl;
      location / { proxy_set_header Host $host; proxy_pass http://app; }
      location /api { proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto; proxy_pass http://app; }
    }`,
    expect: [
      [
        "warn",
        3,
        /client's own X-Forwarded-Proto reaches the app unchanged; the server only listens for HTTPS/,
      ],
      [
        "warn",
        4,
        /comes from the client \(\$http_x_forwarded_proto\); the server only listens for HTTPS, where a client can only claim http/,
      ],
    ],
    passing: `server { listen 443 ssl; ${SAFE_LOCATION} }`,
  },
  {
    rule: "nginx-xfp-from-client",
    failing: `http {
      map $http_x_forwarded_proto $proto { default $scheme; https https; }
      set_real_ip_from 10.0.0.0/8;
      server { location / { proxy_set_header X-Forwarded-Proto $proto; proxy_pass http://app; } }
    }`,
    expect: [
      [
        "warn",
        4,
        /comes from the client \(\$http_x_forwarded_proto\); safe only if nothing but the trusted proxy/,
      ],
    ],
    passing: `server { location / { uwsgi_param HTTP_X_FORWARDED_PROTO $scheme; uwsgi_pass unix:/run/app.sock; } }`,
  },
  {
    rule: "nginx-underscores-in-headers",
    failing: "http {\n underscores_in_headers on;\n ignore_invalid_headers off;\n}",
    expect: [
      ["fail", 2, /underscores_in_headers on/],
      ["fail", 3, /ignore_invalid_headers off/],
    ],
    passing: "http { underscores_in_headers off; ignore_invalid_headers on; }",
  },
  {
    rule: "nginx-no-https-redirect",
    failing: `server {\n listen 80;\n ${SAFE_LOCATION} }\nserver { listen 8080; ${SAFE_LOCATION} }`,
    expect: [
      [
        "warn",
        2,
        /accepts plain HTTP on port 80 and proxies it to the app without redirecting to https:\/\/\. Users stay on plain HTTP unless Django redirects/,
      ],
    ],
    passing: `server { listen 80; if ($scheme = http) { return 301 https://$host$request_uri; } ${SAFE_LOCATION} }
      server { listen 80; location / { rewrite ^ https://example.com/ permanent; proxy_pass http://app; } }
      server {
        listen 80;
        location / { if ($scheme = http) { return 301 https://$host$request_uri; } try_files $uri @app; }
        location @app { proxy_pass http://app; }
      }`,
  },
  {
    // Judged per route: a redirect in one location, or one under a Host test, leaves the rest on plain HTTP.
    rule: "nginx-no-https-redirect",
    failing: `server {
      listen 80;
      location / { proxy_pass http://app; }
      location /x { rewrite ^ https://example.com/ permanent; }
    }
    server {
      listen 80;
      location / { if ($scheme = http) { return 301 https://$host$request_uri; } proxy_pass http://app; }
      location /admin/ { proxy_pass http://app; }
    }
    server {
      listen 80;
      if ($host = www.example.com) { return 301 https://example.com$request_uri; }
      location / { try_files $uri @app; }
      location @app { proxy_pass http://app; }
    }`,
    expect: [
      ["warn", 2, /proxies it to the app without redirecting to https:\/\//],
      ["warn", 7, /proxies it to the app in location \/admin\/ without redirecting/],
      ["warn", 12, /proxies it to the app without redirecting/],
    ],
    passing: `server { listen 80; return 301 https://$host$request_uri; location / { proxy_pass http://app; } }
      server {
        listen 80;
        location = /healthz { proxy_pass http://app; }
        location / { return 301 https://$host$request_uri; }
      }`,
  },
  {
    rule: "nginx-hsts-missing",
    failing: `server {\n listen 443 ssl;\n add_header X-Frame-Options DENY;\n ${SAFE_LOCATION} }`,
    expect: [["warn", 1, /terminates TLS and proxies to the app but never adds Strict-Transport-Security/]],
    passing: `server { listen 443 ssl; add_header Strict-Transport-Security "max-age=31536000" always; ${SAFE_LOCATION} }
      server { listen 443 ssl; more_set_headers "Strict-Transport-Security: max-age=63072000"; ${SAFE_LOCATION} }
      server { listen 80; ${SAFE_LOCATION} }`,
  },
  {
    // One location adding HSTS does not cover the others.
    rule: "nginx-hsts-missing",
    failing: `server {
      listen 443 ssl;
      location / { proxy_pass http://app; }
      location /api/ { add_header Strict-Transport-Security "max-age=31536000" always; proxy_pass http://app; }
    }`,
    expect: [
      [
        "warn",
        3,
        /TLS responses from location \/ .*carry no Strict-Transport-Security, though other locations/,
      ],
    ],
    passing: `server {
        listen 443 ssl;
        add_header Strict-Transport-Security "max-age=31536000" always;
        location / { proxy_pass http://app; }
        location /api/ { add_header Strict-Transport-Security "max-age=31536000" always; proxy_pass http://app; }
        location /static/ { add_header Cache-Control public; proxy_pass http://app; }
      }`,
  },
  {
    rule: "nginx-hsts-dropped",
    failing: `server {
      listen 443 ssl;
      add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
      location /static/ { add_header Cache-Control public; }
      location / { if ($arg_x) { add_header X-Debug 1; } proxy_pass http://app; }
    }`,
    expect: [
      ["fail", 4, /location \/static\/ has its own add_header lines/],
      ["fail", 5, /if \(\$arg_x\) has its own add_header lines/],
    ],
    passing: `server {
      listen 443 ssl;
      add_header Strict-Transport-Security "max-age=31536000" always;
      location /static/ { add_header Cache-Control public; add_header Strict-Transport-Security "max-age=31536000" always; }
      location / { proxy_pass http://app; }
    }
    server { listen 80; add_header Strict-Transport-Security "max-age=1"; location / { add_header X-A b; } }`,
  },
  {
    rule: "nginx-hsts-weak",
    failing: `add_header Strict-Transport-Security "max-age=60";\nmore_set_headers 'Strict-Transport-Security: includeSubDomains';\nadd_header Strict-Transport-Security "max-age=16000000; includeSubDomains" always;\nadd_header Strict-Transport-Security "max-age=31536000" always;`,
    expect: [
      ["fail", 1, /max-age=60 is below six months \(15768000 s\); no includeSubDomains/],
      ["fail", 2, /browsers ignore it \(max-age is missing\)/],
      ["warn", 3, /max-age=16000000 is below a year \(31536000 s\)\.$/],
      ["warn", 4, /"max-age=31536000": no includeSubDomains/],
    ],
    passing: `add_header Strict-Transport-Security "max-age=63072000; includeSubDomains; preload" always;`,
  },
  {
    rule: "nginx-host-from-client",
    failing: "proxy_set_header Host $http_host;\nuwsgi_param HTTP_HOST $arg_host;",
    expect: [
      ["fail", 1, /Host built from \$http_host/],
      ["fail", 2, /Host built from \$arg_host/],
    ],
    passing: "proxy_set_header Host $host;\nproxy_set_header X-Host $http_host;\nuwsgi_param HOST $arg_host;",
  },
  {
    // Behind a trusted load balancer, not setting the header and copying it have the same effect.
    rule: "nginx-xfp-from-client",
    failing: `http {
      set_real_ip_from 10.0.0.0/16;
      server { listen 80; location / { proxy_pass http://app; } }
      server { listen 80; location / { proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto; proxy_pass http://app; } }
    }`,
    expect: [
      [
        "warn",
        3,
        /X-Forwarded-Proto is not set in location \/ .*unchanged; safe only if nothing but the trusted proxy/,
      ],
      [
        "warn",
        4,
        /comes from the client \(\$http_x_forwarded_proto\); safe only if nothing but the trusted proxy/,
      ],
    ],
    passing: `http { set_real_ip_from 10.0.0.0/16; server { listen 80; ${SAFE_LOCATION} } }`,
  },
  {
    // A literal https where plain HTTP reaches the app: Django takes every plain request for HTTPS.
    rule: "nginx-xfp-from-client",
    failing: `server {
      listen 80; listen 443 ssl;
      location / { proxy_set_header X-Forwarded-Proto https; proxy_pass http://app; }
      location /a { proxy_set_header X-Forwarded-Ssl on; proxy_set_header X-Forwarded-Proto $scheme; proxy_pass http://app; }
    }`,
    expect: [
      [
        "fail",
        3,
        /X-Forwarded-Proto is set to "https" in location \/ .*plain HTTP reaches without a redirect/,
      ],
      ["fail", 4, /X-Forwarded-Ssl is set to "on" in location \/a .*SECURE_SSL_REDIRECT never fires/],
    ],
    passing: `server { listen 443 ssl; location / { proxy_set_header X-Forwarded-Proto https; proxy_pass http://app; } }
      server {
        listen 80; listen 443 ssl;
        if ($scheme = http) { return 301 https://$host$request_uri; }
        location / { proxy_set_header X-Forwarded-Proto https; proxy_pass http://app; }
      }`,
  },
  {
    rule: "nginx-no-catch-all-server",
    failing: `server {\n listen 443 ssl;\n server_name app.example.com;\n ${SAFE_LOCATION} }
      server { listen 80 default_server; ${SAFE_LOCATION} }`,
    expect: [
      [
        "fail",
        2,
        /On \*:443 the default server is the server on \*:443 \(app\.example\.com\) \(the first server listed\)/,
      ],
      ["fail", 10, /On \*:80 .*marked default_server/],
    ],
    passing: `server { listen 443 ssl default_server; ssl_reject_handshake on; }
      server { listen 80 default_server; return 444; }
      server { listen 443 ssl; listen 80; server_name app.example.com; ${SAFE_LOCATION} }
      server { listen 8080; if ($host != app.example.com) { return 444; } ${SAFE_LOCATION} }`,
  },
  {
    // A canonical-host redirect fires for the host it names only: every other Host still reaches the app.
    rule: "nginx-no-catch-all-server",
    failing: `server {
      listen 443 ssl default_server;
      server_name example.com www.example.com;
      if ($host = www.example.com) { return 301 https://example.com$request_uri; }
      ${SAFE_LOCATION} }`,
    expect: [["fail", 2, /On \*:443 the default server .*marked default_server/]],
    passing: `server {
        listen 443 ssl default_server;
        if ($host !~* ^(example\\.com|www\\.example\\.com)$) { return 444; }
        if ($host = www.example.com) { return 301 https://example.com$request_uri; }
        ${SAFE_LOCATION} }
      server { listen 8080; if ( $http_host != example.com ) { return 444; } ${SAFE_LOCATION} }`,
  },
  {
    // An allowlist in the location that proxies counts as one in the server block; an enclosing
    // location's does not run for a request a nested location takes.
    rule: "nginx-no-catch-all-server",
    failing: `server {
      listen 80 default_server;
      location / {
        if ($host != app.example.com) { return 444; }
        location /api/ { proxy_set_header Host $host; proxy_set_header X-Forwarded-Proto $scheme; proxy_pass http://app; }
        proxy_set_header Host $host; proxy_set_header X-Forwarded-Proto $scheme; proxy_pass http://app;
      } }`,
    expect: [["fail", 2, /On \*:80 the default server .*marked default_server/]],
    passing: `server {
      listen 80 default_server;
      location / {
        if ($host != app.example.com) { return 444; }
        proxy_set_header Host $host; proxy_set_header X-Forwarded-Proto $scheme; proxy_pass http://app;
      } }`,
  },
  {
    rule: "nginx-xfh-from-client",
    failing: `location / {\n proxy_set_header X-Forwarded-Host $http_x_forwarded_host;\n proxy_set_header X-Forwarded-Host $http_host; }`,
    expect: [
      ["fail", 2, /the client decides what Django believes its own host is/],
      ["warn", 3, /the raw Host header, not the host nginx matched/],
    ],
    passing: `server { location / { proxy_set_header X-Forwarded-Host $host; proxy_pass http://app; } }
      server { location / { proxy_pass http://app; } }`,
  },
  {
    rule: "nginx-real-ip-too-broad",
    failing: "set_real_ip_from 0.0.0.0/0;\nset_real_ip_from ::/0;\nset_real_ip_from 64.0.0.0/3;",
    expect: [
      ["fail", 1, /trusts every address/],
      ["fail", 2, /trusts every address/],
      ["fail", 3, /trusts 2\^29 addresses/],
    ],
    passing:
      "set_real_ip_from 10.0.0.0/8;\nset_real_ip_from 2400:cb00::/32;\nset_real_ip_from 192.0.2.1;\nset_real_ip_from unix:;",
  },
  {
    rule: "nginx-xff-from-client",
    failing: `server {
      location / { proxy_pass http://app; }
      location /a { proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; proxy_set_header X-Real-IP $remote_addr; proxy_pass http://app; }
      location /b { proxy_set_header X-Forwarded-For $http_x_forwarded_for; proxy_set_header X-Real-IP $remote_addr; proxy_pass http://app; }
      location /c { proxy_set_header X-Real-IP $http_x_forwarded_for; proxy_set_header X-Forwarded-For $remote_addr; proxy_pass http://app; }
      location /d {
        proxy_set_header X-Forwarded-For $remote_addr;
        proxy_pass http://app;
      }
    }`,
    expect: [
      [
        "warn",
        2,
        /X-Forwarded-For and X-Real-IP are not set in location \/ .*an app that reads them believes/,
      ],
      ["warn", 3, /\$proxy_add_x_forwarded_for .*nginx is the first proxy/],
      ["fail", 4, /X-Forwarded-For is set to "\$http_x_forwarded_for"/],
      ["fail", 5, /X-Real-IP is set to "\$http_x_forwarded_for"/],
      ["warn", 8, /X-Real-IP is not set in location \/d .*the client's own X-Real-IP reaches the app/],
    ],
    passing: `server {
        location / {
          proxy_set_header X-Forwarded-For $remote_addr;
          proxy_set_header X-Real-IP $remote_addr;
          proxy_pass http://app;
        }
        location /static { proxy_set_header X-Forwarded-For ""; proxy_set_header X-Real-IP ""; proxy_pass http://app; }
      }
      server {
        set_real_ip_from 10.0.0.0/24;
        location / { proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; proxy_pass http://app; }
      }`,
  },
  {
    rule: "nginx-proxy-protocol-untrusted",
    failing: `server {\n listen 443 ssl proxy_protocol;\n proxy_set_header X-Real-IP $proxy_protocol_addr; }
      server { listen 8443 proxy_protocol; real_ip_header proxy_protocol; }`,
    expect: [
      ["fail", 2, /lacks set_real_ip_from <load balancer> and real_ip_header proxy_protocol/],
      ["fail", 4, /lacks set_real_ip_from <load balancer>:/],
    ],
    passing: `http {
      set_real_ip_from 10.0.0.0/24;
      real_ip_header proxy_protocol;
      server { listen 443 ssl proxy_protocol; }
    }`,
  },
  {
    rule: "config-error",
    failing: "http {\n server {\n  listen 80\n }\n}",
    expect: [["error", 3, /syntax error: "listen" directive is not terminated by ";"/]],
    passing: "http { server { listen 80; } }",
  },
];

describe("nginx rules", () => {
  for (const [index, c] of cases.entries()) {
    it(`${c.rule} (case ${index + 1}) flags the failing config`, () => {
      const found = check(c.rule, c.failing);
      assert.equal(found.length, c.expect.length, JSON.stringify(found, null, 1));
      for (const [i, [status, line, message]] of c.expect.entries()) {
        assert.equal(found[i]![0], status, found[i]![2]);
        assert.equal(found[i]![1], line, found[i]![2]);
        assert.match(found[i]![2], message);
      }
    });
    it(`${c.rule} (case ${index + 1}) stays quiet on the passing config`, () => {
      assert.deepEqual(check(c.rule, c.passing), []);
    });
  }

  it("every rule has metadata for a known clause and a fix", () => {
    const ids = new Set<string>();
    for (const { meta } of nginxOwnRules) {
      assert.ok(CLAUSES.has(meta.clause), meta.id);
      assert.match(meta.id, /^nginx-[a-z-]+$/);
      assert.ok(!ids.has(meta.id), `duplicate ${meta.id}`);
      ids.add(meta.id);
      assert.ok(meta.fix.nginx, `${meta.id} has no nginx fix`);
      assert.ok(meta.explanation.length > 80, `${meta.id} explanation too thin`);
    }
  });

  it("returns nothing without an nginx config", () => {
    for (const rule of nginxRules) assert.deepEqual(rule.check({}), []);
  });
});
