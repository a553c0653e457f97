/**
 * The deployment of the common gunicorn + nginx tutorials after `certbot --nginx`: one server for 443 that
 * redirects www to the bare name at server level and proxies the rest to gunicorn's socket with
 * X-Forwarded-Proto $scheme, certbot's port-80 server, and settings that read X-Forwarded-Proto and send HSTS.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyRules } from "../../../../src/static/audit.js";
import { ALL_RULES } from "../../../../src/static/rules/index.js";
import { inputOf, type Sources } from "../contract/fixtures.js";

const PROXY_HEADERS = `proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;`;

/** The site, its 443 server holding `extra` after the certbot lines. */
function nginx(extra = ""): string {
  return `events {}
http {
    server {
        server_name example.com www.example.com;

        if ($host = www.example.com) {
            return 301 https://example.com$request_uri;
        }

        location = /favicon.ico { access_log off; log_not_found off; }
        location /static/ {
            root /home/sammy/myprojectdir;
        }

        location / {
        ${PROXY_HEADERS}
            proxy_pass http://unix:/run/gunicorn.sock;
        }

        listen 443 ssl; # managed by Certbot
        ssl_certificate /etc/letsencrypt/live/example.com/fullchain.pem; # managed by Certbot
        ssl_certificate_key /etc/letsencrypt/live/example.com/privkey.pem; # managed by Certbot
${extra}
    }
    server {
        if ($host = www.example.com) {
            return 301 https://$host$request_uri;
        } # managed by Certbot

        if ($host = example.com) {
            return 301 https://$host$request_uri;
        } # managed by Certbot

        listen 80;
        server_name example.com www.example.com;
        return 404; # managed by Certbot
    }
}
`;
}

const SETTINGS = `
DEBUG = False
ALLOWED_HOSTS = ["example.com"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
`;

/** SETTINGS with one setting's line replaced, or removed when `line` is empty. */
function settingsWith(name: string, line: string): string {
  return SETTINGS.replace(new RegExp(`^${name} = .*$`, "m"), line);
}

/** [status, line] of each finding of one rule. */
function findings(rule: string, sources: Sources): [string, number][] {
  return applyRules(inputOf(sources), ALL_RULES)
    .filter((check) => check.id === rule)
    .map((check) => [check.status, check.location?.line ?? 0]);
}

describe("nginx-hsts-missing on a certbot site whose Django sends HSTS", () => {
  const id = "nginx-hsts-missing";

  it("says nothing where Django learns https from X-Forwarded-Proto and SECURE_HSTS_SECONDS is set", () => {
    assert.deepEqual(findings(id, { nginx: nginx(), settings: SETTINGS }), []);
  });

  it("still warns without the settings: only nginx's side is known", () => {
    assert.deepEqual(findings(id, { nginx: nginx() }), [["warn", 3]]);
  });

  for (const [why, settings] of [
    ["SECURE_HSTS_SECONDS = 0", settingsWith("SECURE_HSTS_SECONDS", "SECURE_HSTS_SECONDS = 0")],
    ["no SECURE_HSTS_SECONDS", settingsWith("SECURE_HSTS_SECONDS", "")],
    [
      "SECURE_HSTS_SECONDS from an env variable without a default",
      settingsWith("SECURE_HSTS_SECONDS", 'SECURE_HSTS_SECONDS = int(os.environ["HSTS_SECONDS"])'),
    ],
    [
      "SECURE_PROXY_SSL_HEADER naming a header nginx does not set",
      settingsWith("SECURE_PROXY_SSL_HEADER", 'SECURE_PROXY_SSL_HEADER = ("HTTP_X_SCHEME", "https")'),
    ],
    ["no SECURE_PROXY_SSL_HEADER", settingsWith("SECURE_PROXY_SSL_HEADER", "")],
    [
      "MIDDLEWARE without SecurityMiddleware",
      SETTINGS.replace('"django.middleware.security.SecurityMiddleware",', ""),
    ],
    [
      "MIDDLEWARE from a base settings module the audit did not read",
      SETTINGS.replace(/^MIDDLEWARE = \[[^\]]*\]$/m, "from .base import *  # noqa"),
    ],
  ] as const) {
    it(`still warns with ${why}`, () => {
      assert.deepEqual(findings(id, { nginx: nginx(), settings }), [["warn", 3]]);
    });
  }

  it("says nothing where gunicorn, trusting nginx, marks the request https without SECURE_PROXY_SSL_HEADER", () => {
    const sources = {
      nginx: nginx().replace("http://unix:/run/gunicorn.sock", "http://127.0.0.1:8000"),
      settings: settingsWith("SECURE_PROXY_SSL_HEADER", ""),
    };
    assert.deepEqual(findings(id, sources), [["warn", 3]]);
    const gunicorn = 'bind = "127.0.0.1:8000"\nforwarded_allow_ips = "127.0.0.1"\n';
    assert.deepEqual(findings(id, { ...sources, gunicorn }), []);
  });

  it("warns for a location that does not pass X-Forwarded-Proto, where Django sends none", () => {
    // A location with proxy_set_header lines of its own inherits none of the server's.
    const site = nginx(`        location /api/ {
            proxy_set_header Host $host;
            proxy_pass http://unix:/run/gunicorn.sock;
        }`);
    const line = site.split("\n").findLastIndex((l) => l.includes("proxy_pass")) + 1;
    assert.deepEqual(findings(id, { nginx: site, settings: SETTINGS }), [["warn", line]]);
  });
});

describe("contract-allowed-hosts on a certbot site that redirects www to the bare name", () => {
  const id = "contract-allowed-hosts";
  const WWW_REDIRECT = `if ($host = www.example.com) {
            return 301 https://example.com$request_uri;
        }`;

  /** The hosts the rule reports as refused by ALLOWED_HOSTS. */
  function refused(site: string): string[] {
    return applyRules(inputOf({ nginx: site, settings: SETTINGS }), ALL_RULES)
      .filter((check) => check.id === id)
      .map((check) => /serves (\S+),/.exec(check.summary)?.[1] ?? check.summary);
  }

  it("says nothing of www, which nginx redirects before any request reaches Django", () => {
    assert.deepEqual(refused(nginx()), []);
  });

  for (const [how, redirect] of [
    [
      "every host but the bare name",
      "if ($host != example.com) {\n return 301 https://example.com$request_uri;\n }",
    ],
    [
      "it by a rewrite",
      "if ($host = www.example.com) {\n rewrite ^(.*)$ https://example.com$1 permanent;\n }",
    ],
    ["hosts matching a regex", "if ($host ~* ^www\\.) {\n return 301 https://example.com$request_uri;\n }"],
  ] as const) {
    it(`says nothing of www when nginx redirects ${how}`, () => {
      assert.deepEqual(refused(nginx().replace(WWW_REDIRECT, redirect)), []);
    });
  }

  it("still reports a name the redirect does not cover", () => {
    const site = nginx().replace(
      "server_name example.com www.example.com;",
      "server_name example.com www.example.com api.example.com;",
    );
    assert.deepEqual(refused(site), ["api.example.com"]);
  });

  for (const [how, redirect] of [
    ["the if does not end the request", "if ($host = www.example.com) {\n set $canonical 0;\n }"],
    [
      "the if reads $http_host, which a client may spell www.example.com:443",
      "if ($http_host = www.example.com) {\n return 301 https://example.com$request_uri;\n }",
    ],
    [
      "an earlier rewrite ... last skips the if for the paths it matches",
      `rewrite ^/old/(.*)$ /$1 last;\n ${WWW_REDIRECT}`,
    ],
  ] as const) {
    it(`still reports www when ${how}`, () => {
      assert.deepEqual(refused(nginx().replace(WWW_REDIRECT, redirect)), ["www.example.com"]);
    });
  }
});

describe("contract-allowed-hosts on a site that redirects www inside a location", () => {
  const id = "contract-allowed-hosts";
  const WWW_REDIRECT = `if ($host = www.example.com) {
            return 301 https://example.com$request_uri;
        }`;
  const ROOT = "location / {";
  const DJANGO = `${PROXY_HEADERS}
            proxy_pass http://unix:/run/gunicorn.sock;`;

  /** The site with its www redirect moved from the server block to the top of the block `opening` opens. */
  function redirectIn(opening: string, site = nginx()): string {
    return site.replace(WWW_REDIRECT, "").replace(opening, `${opening}\n            ${WWW_REDIRECT}`);
  }

  /** The hosts the rule reports as refused by ALLOWED_HOSTS, with the location of the route that serves each. */
  function refused(site: string): string[] {
    return applyRules(inputOf({ nginx: site, settings: SETTINGS }), ALL_RULES)
      .filter((check) => check.id === id)
      .map(
        (check) =>
          /^(location \S+) .* serves (\S+),/.exec(check.summary)?.slice(1).join(": ") ?? check.summary,
      );
  }

  it("says nothing of www when location /, the only way to Django, redirects it", () => {
    assert.deepEqual(refused(redirectIn(ROOT)), []);
  });

  it("says nothing of www when location / redirects it by a rewrite", () => {
    const site = redirectIn(ROOT).replace(
      "return 301 https://example.com$request_uri;",
      "rewrite ^(.*)$ https://example.com$1 permanent;",
    );
    assert.deepEqual(refused(site), []);
  });

  it("still reports www when only location /static/ redirects it", () => {
    assert.deepEqual(refused(redirectIn("location /static/ {")), ["location /: www.example.com"]);
  });

  it("still reports www for a second route to Django that does not redirect it", () => {
    const site = redirectIn(ROOT, nginx(`        location /api/ {\n        ${DJANGO}\n        }`));
    assert.deepEqual(refused(site), ["location /api/: www.example.com"]);
  });

  it("still reports www for a location nested in location /: nginx runs only the nested location's if", () => {
    const site = redirectIn(
      ROOT,
      nginx().replace(ROOT, `${ROOT}\n            location /api/ {\n        ${DJANGO}\n            }`),
    );
    assert.deepEqual(refused(site), ["location /api/: www.example.com"]);
  });

  describe("with Django behind try_files $uri @django", () => {
    const site = nginx().replace(
      `${ROOT}\n        ${DJANGO}\n        }`,
      `${ROOT}\n            try_files $uri @django;\n        }\n        location @django {\n        ${DJANGO}\n        }`,
    );

    for (const opening of [ROOT, "location @django {"]) {
      it(`says nothing of www when ${opening.slice(0, -2)} redirects it`, () => {
        assert.deepEqual(refused(redirectIn(opening, site)), []);
      });
    }

    it("still reports www when only location /static/ redirects it", () => {
      assert.deepEqual(refused(redirectIn("location /static/ {", site)), [
        "location @django: www.example.com",
      ]);
    });
  });
});

describe("an HSTS add_header without always on a certbot site whose Django sends none", () => {
  const HSTS = 'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains"';
  const settings = settingsWith("SECURE_HSTS_SECONDS", "");

  /** The hsts-clause findings of the proxy and contract rules (Django's own rules judge Django alone). */
  function hstsFindings(extra: string): string[] {
    return applyRules(inputOf({ nginx: nginx(`        ${extra}`), settings }), ALL_RULES)
      .filter((check) => check.clause === "hsts" && !check.id.startsWith("django-"))
      .map((check) => `${check.id} ${check.status}: ${check.summary}`);
  }

  // nginx then adds it to 200, 201, 204, 206 and 30x responses, not to errors: browsers learn HSTS from every page that works.
  it("counts as sending HSTS, as with always", () => {
    assert.deepEqual(hstsFindings(`${HSTS};`), []);
    assert.deepEqual(hstsFindings(`${HSTS};`), hstsFindings(`${HSTS} always;`));
  });

  it("is reported as missing without the add_header", () => {
    assert.deepEqual(
      hstsFindings("").map((f) => f.split(":")[0]),
      ["nginx-hsts-missing warn", "contract-hsts-never-sent fail"],
    );
  });
});
