/**
 * Which of a server's upstreams is Django: a JavaScript front end on `location /` with Django on /api/ and
 * /admin/ is a common layout, and nginx alone cannot tell the two apart. The app server's bind can.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { loadAppServerFile } from "../../../../src/static/appserver/load.js";
import { endpointKey } from "../../../../src/static/gunicorn/addresses.js";
import type { RuleFinding } from "../../../../src/static/rule.js";
import { ALL_RULES } from "../../../../src/static/rules/index.js";
import { inputOf, type Sources } from "../contract/fixtures.js";

function findings(id: string, sources: Sources): RuleFinding[] {
  const rule = ALL_RULES.find((r) => r.meta.id === id);
  assert.ok(rule, `rule ${id} is registered`);
  return rule.check(inputOf(sources));
}

const lines = (found: RuleFinding[]) => found.map((f) => [f.status, f.location.line]);

/** Next.js on / sets X-Forwarded-Proto; the Django locations (proxy_pass on lines 15 and 19) forget it. */
const FRONT_END_AND_DJANGO = `
http {
  upstream frontend { server 127.0.0.1:3000; }
  upstream django { server unix:/run/gunicorn/gunicorn.sock fail_timeout=0; }
  server {
    listen 80;
    listen 443 ssl;
    server_name shop.example.com;
    location / {
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_pass http://frontend;
    }
    location /api/ {
      proxy_set_header Host $host;
      proxy_pass http://django;
    }
    location /admin/ {
      proxy_set_header Host $host;
      proxy_pass http://django;
    }
  }
}`;

const GUNICORN_SOCKET = `bind = "unix:/run/gunicorn/gunicorn.sock"\nworkers = 3\n`;

describe("the app's upstream, told by where the app server listens", () => {
  it("judges the routes to gunicorn's socket, not the front end on location /", () => {
    assert.deepEqual(
      lines(findings("nginx-xfp-from-client", { nginx: FRONT_END_AND_DJANGO, gunicorn: GUNICORN_SOCKET })),
      [
        ["fail", 15],
        ["fail", 19],
      ],
    );
  });

  it("without the app server, keeps to location /'s upstream (the guess from nginx alone)", () => {
    assert.deepEqual(lines(findings("nginx-xfp-from-client", { nginx: FRONT_END_AND_DJANGO })), []);
  });

  it("matches a compose service by port: web:8000 is gunicorn bound to 0.0.0.0:8000", () => {
    const nginx = `
http {
  server {
    listen 80;
    location / { proxy_pass http://frontend:3000; }
    location /api/ {
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_pass http://web:8000;
    }
  }
}`;
    const gunicorn = `bind = "0.0.0.0:8000"\n`;
    assert.deepEqual(lines(findings("nginx-xfp-from-client", { nginx, gunicorn })), []);
    assert.deepEqual(lines(findings("nginx-xfp-from-client", { nginx })), [["fail", 5]]);
  });

  it("reads uWSGI's socket from an --app-server file", async () => {
    const nginx = `
http {
  server {
    listen 80;
    location / { proxy_pass http://127.0.0.1:3000; proxy_set_header X-Forwarded-Proto $scheme; }
    location /admin/ { uwsgi_pass unix:///run/uwsgi/shop.sock; }
  }
}`;
    const found = await loadAppServerFile(
      fileURLToPath(new URL("../appserver/fixtures/uwsgi-socket.ini", import.meta.url)),
    );
    const input = { ...inputOf({ nginx }), appServers: found.appServers };
    const rule = ALL_RULES.find((r) => r.meta.id === "nginx-xfp-from-client")!;
    assert.deepEqual(lines(rule.check(input)), [["fail", 6]]);
    assert.deepEqual(lines(rule.check(inputOf({ nginx }))), []);
  });

  it("matches a socket whose path holds a space", () => {
    const nginx = `
http {
  server {
    listen 80;
    location / { proxy_pass http://127.0.0.1:3000; proxy_set_header X-Forwarded-Proto $scheme; }
    location /api/ { proxy_pass "http://unix:/run/my app/gunicorn.sock:"; }
  }
}`;
    const gunicorn = `bind = ["unix:/run/my app/gunicorn.sock", "127.0.0.1:9000"]\n`;
    assert.deepEqual(lines(findings("nginx-xfp-from-client", { nginx, gunicorn })), [["fail", 6]]);
  });

  it("keeps location /'s upstream where no route reaches the app server's address", () => {
    const gunicorn = `bind = "127.0.0.1:8001"\n`;
    assert.deepEqual(lines(findings("nginx-xfp-from-client", { nginx: FRONT_END_AND_DJANGO, gunicorn })), []);
  });

  it("feeds the contract rules the same routes", () => {
    const settings = `SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")\nALLOWED_HOSTS = ["shop.example.com"]\n`;
    const sources = { nginx: FRONT_END_AND_DJANGO, settings };
    assert.deepEqual(findings("contract-scheme-header-from-client", sources), []);
    assert.deepEqual(
      lines(findings("contract-scheme-header-from-client", { ...sources, gunicorn: GUNICORN_SOCKET })),
      [
        ["warn", 15],
        ["fail", 15],
        ["warn", 19],
        ["fail", 19],
      ],
    );
  });
});

describe("endpointKey", () => {
  it("compares sockets by path and TCP by port", () => {
    const keys = [
      "unix:/run/app.sock",
      "unix:///run/app.sock",
      "/run/app.sock",
      "0.0.0.0:8000",
      "[::]:8000",
      "http://web:8000/",
      "django",
      "0.0.0.0:${PORT}",
    ].map(endpointKey);
    assert.deepEqual(keys, [
      "unix:/run/app.sock",
      "unix:/run/app.sock",
      "unix:/run/app.sock",
      ":8000",
      ":8000",
      ":8000",
      undefined,
      undefined,
    ]);
  });
});
