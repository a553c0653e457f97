import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadNginxText } from "../../../../src/static/nginx/loader.js";
import { forwardedHeader, routesToApp, type AppRoute } from "../../../../src/static/nginx/routes.js";
import { defaultServers, parseListen, serverBlocks } from "../../../../src/static/nginx/servers.js";
import { variableIndex } from "../../../../src/static/nginx/variables.js";
import { forEachNamed, walkDirectives } from "../../../../src/static/nginx/scope.js";

function load(text: string) {
  const config = loadNginxText(text, "/virtual/nginx.conf", { sysroot: "/nonexistent" });
  assert.deepEqual(config.errors, []);
  return config;
}

function route(text: string, location = "/"): AppRoute {
  const found = routesToApp(load(text)).find((r) => r.location === location);
  assert.ok(found, `no route at ${location}`);
  return found;
}

function header(r: AppRoute, name: string): string {
  const h = forwardedHeader(r, name);
  return h.source === "set" || h.source === "default" ? `${h.source}:${h.value}` : h.source;
}

describe("effective request headers", () => {
  it("replaces every inherited proxy_set_header once a block sets any", () => {
    const r = route(`
      http {
        proxy_set_header X-Forwarded-Proto $scheme;
        server { location / { proxy_set_header Host $host; proxy_pass http://app; } }
      }`);
    assert.equal(header(r, "Host"), "set:$host");
    assert.equal(header(r, "X-Forwarded-Proto"), "client");
  });

  it("inherits from the nearest block that sets any, case-insensitively by header name", () => {
    const r = route(`
      server {
        proxy_set_header x-forwarded-proto $scheme;
        location / { proxy_pass http://app; }
      }`);
    assert.equal(header(r, "X-Forwarded-Proto"), "set:$scheme");
    assert.equal(header(r, "Host"), "default:$proxy_host");
    assert.equal(header(r, "X-Forwarded-For"), "client");
  });

  it("treats an empty value or proxy_pass_request_headers off as removing the client's header", () => {
    const r = route(
      `server { location / { proxy_set_header X-Forwarded-Proto ""; proxy_pass http://app; } }`,
    );
    assert.equal(header(r, "X-Forwarded-Proto"), "removed");
    const off = route(`server { proxy_pass_request_headers off; location / { proxy_pass http://app; } }`);
    assert.equal(header(off, "X-Forwarded-Proto"), "removed");
  });

  it("reads uwsgi_param HTTP_* for uwsgi_pass and notes proxy_set_header lines that do nothing there", () => {
    const r = route(`
      server { location / {
        uwsgi_pass 127.0.0.1:8001;
        uwsgi_param HTTP_X_FORWARDED_FOR $remote_addr;
        proxy_set_header X-Forwarded-Proto $scheme;
      } }`);
    assert.equal(r.pass.module, "uwsgi");
    assert.equal(header(r, "X-Forwarded-For"), "set:$remote_addr");
    assert.equal(header(r, "Host"), "client");
    const xfp = forwardedHeader(r, "X-Forwarded-Proto");
    assert.equal(xfp.source, "client");
    assert.equal(xfp.source === "client" && xfp.ignored?.line, 5);
  });

  it("finds proxy_pass inside an if, inheriting the location's headers", () => {
    const r = route(
      `
      server { location /api {
        proxy_set_header X-Forwarded-Proto $scheme;
        if ($request_method = POST) { proxy_pass http://app; }
      } }`,
      "/api",
    );
    assert.equal(r.scope.path[r.scope.path.length - 1]!.name, "if");
    assert.equal(header(r, "X-Forwarded-Proto"), "set:$scheme");
  });

  it("names unix socket upstreams by their path, with or without slashes after unix:", () => {
    const routes = routesToApp(
      load(`server {
        location / { uwsgi_pass unix:///run/uwsgi/shop.sock; }
        location /api/ { proxy_pass http://unix:/run/gunicorn.sock:/api/; }
        location /admin/ { uwsgi_pass uwsgi://127.0.0.1:3031; }
      }`),
    );
    assert.deepEqual(
      routes.map((r) => r.pass.upstream),
      ["unix:/run/uwsgi/shop.sock", "unix:/run/gunicorn.sock", "127.0.0.1:3031"],
    );
  });

  it("marks side backends: other upstreams than the one location / proxies to", () => {
    const routes = routesToApp(
      load(`server {
        location /static/ { proxy_pass http://storage:9000/static/; }
        location / { proxy_pass http://web:8000/; }
        location /api/ { proxy_pass http://web:8000/api/; }
      }`),
    );
    assert.deepEqual(
      routes.map((r) => [r.location, r.pass.upstream, r.appBound]),
      [
        ["/static/", "storage:9000", false],
        ["/", "web:8000", true],
        ["/api/", "web:8000", true],
      ],
    );
  });
});

describe("client-controlled variables", () => {
  const config = load(`
    http {
      map $http_x_forwarded_proto $picked { default $scheme; https https; }
      map $scheme $fixed { default http; https https; }
      map $http_x_forwarded_proto $constant { default https; }
      server {
        if ($http_x_forwarded_proto = https) { set $chosen https; }
        set $plain $scheme;
      }
    }`);
  const variables = variableIndex(config);

  it("follows map inputs the client controls", () => {
    assert.deepEqual(variables.clientSources("$picked"), ["$http_x_forwarded_proto"]);
    assert.deepEqual(variables.clientSources("$fixed"), []);
    assert.deepEqual(variables.clientSources("$constant"), []);
  });

  it("follows set inside an if that tests a client value", () => {
    assert.deepEqual(variables.clientSources("$chosen"), ["$http_x_forwarded_proto"]);
    assert.deepEqual(variables.clientSources("${plain}"), []);
  });

  it("knows request variables and the appending $proxy_add_x_forwarded_for", () => {
    assert.deepEqual(variables.clientSources("$http_host:$arg_x$remote_addr"), ["$http_host", "$arg_x"]);
    assert.deepEqual(variables.clientSources("$proxy_add_x_forwarded_for"), ["$proxy_add_x_forwarded_for"]);
    assert.deepEqual(variables.clientSources("$host $scheme $remote_addr"), []);
  });
});

describe("servers and listen", () => {
  it("normalises listen addresses the way nginx groups them", () => {
    const spec = (args: string[]) => {
      const s = parseListen({ name: "listen", args, file: "f", line: 1 });
      return [s.key, s.port, s.ssl, s.defaultServer, s.proxyProtocol];
    };
    assert.deepEqual(spec(["80"]), ["*:80", 80, false, false, false]);
    assert.deepEqual(spec(["127.0.0.1:8080", "default_server"]), [
      "127.0.0.1:8080",
      8080,
      false,
      true,
      false,
    ]);
    assert.deepEqual(spec(["[::]:443", "ssl", "ipv6only=off"]), ["*:443", 443, true, false, false]);
    assert.deepEqual(spec(["[::]:443", "ssl"]), ["[::]:443", 443, true, false, false]);
    assert.deepEqual(spec(["localhost", "proxy_protocol"]), ["localhost:80", 80, false, false, true]);
    assert.deepEqual(spec(["unix:/run/nginx.sock"]), [
      "unix:/run/nginx.sock",
      undefined,
      false,
      false,
      false,
    ]);
  });

  it("picks default_server, else the first server, per address and port; skips stream servers", () => {
    const config = load(`
      stream { server { listen 80; } }
      http {
        server { server_name a; }
        server { listen 80 default_server; server_name b; listen 443 ssl; }
        server { listen 443 ssl; server_name c; }
      }`);
    const servers = serverBlocks(config);
    assert.equal(servers.length, 3);
    const chosen = defaultServers(servers);
    assert.deepEqual(chosen.get("*:80")?.names, ["b"]);
    assert.deepEqual(chosen.get("*:443")?.names, ["b"]);
    assert.equal(servers[0]!.tls, false);
    assert.equal(servers[1]!.tls, true);
  });

  it("decides TLS per address and port: ssl on any listen there, or ssl on in its default server", () => {
    const config = load(`
      http {
        server { listen 0.0.0.0:443 ssl default_server; return 444; }
        server { listen 443; server_name shared; }
        server { listen [::]:443; server_name v6; }
        server { listen 8443 default_server; ssl on; server_name legacy; }
        server { listen 8443; server_name behind-legacy; }
        server { listen 8080; ssl on; server_name not-default; }
        server { listen 8080 default_server; server_name plain; }
      }`);
    const tls = serverBlocks(config).map((s) => [s.names[0] ?? "", s.tls, s.listens.map((l) => l.ssl)]);
    assert.deepEqual(tls, [
      ["", true, [true]],
      ["shared", true, [true]],
      ["v6", false, [false]],
      ["legacy", true, [true]],
      ["behind-legacy", true, [true]],
      // nginx decides the handshake from the default server of the address, before any Host is read.
      ["not-default", false, [false]],
      ["plain", false, [false]],
    ]);
  });
});

describe("directives by name", () => {
  it("visits the named directives in walk order, each with the scope walkDirectives gives it", () => {
    const config = load(`
      http {
        map $http_upgrade $connection { default upgrade; '' close; }
        server {
          set $a 1;
          location / {
            if ($request_method = POST) { set $b 2; }
            set $c 3;
            location /inner { set $d 4; }
          }
          set $e 5;
        }
      }`);
    const walked: string[] = [];
    walkDirectives(config.root, (directive, scope) => {
      if (directive.name === "set" || directive.name === "map")
        walked.push(`${directive.args[0]} in ${scope.path.map((block) => block.name).join("/")}`);
    });
    const named: string[] = [];
    forEachNamed(config.root, ["set", "map"], (directive, scope) => {
      named.push(`${directive.args[0]} in ${scope.path.map((block) => block.name).join("/")}`);
    });
    assert.deepEqual(named, walked);
    assert.deepEqual(named, [
      "$http_upgrade in http",
      "$a in http/server",
      "$e in http/server",
      "$c in http/server/location",
      "$b in http/server/location/if",
      "$d in http/server/location/location",
    ]);
  });
});
