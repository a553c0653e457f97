/**
 * Identifying the proxy and app server from captured responses of the real stacks: each signature
 * names the server it was captured from, and where nothing tells, nothing is named.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Captured, HostProbe, ScanEvidence } from "../../../src/scan/evidence.js";
import { identifyServers } from "../../../src/scan/identify.js";
import type { WireResponse } from "../../../src/transport/send.js";
import { evidence, exchange } from "./fixtures.js";
import * as seen from "./server-responses.js";

function answered(label: string, url: string, response: WireResponse): Captured {
  return { ...exchange(url, response), label };
}

function hostProbe(response: WireResponse | undefined, error?: string): HostProbe {
  const captured = response
    ? answered("https Host: proxytrust-foreign.invalid", "https://app.test/", response)
    : exchange("https://app.test/", undefined, {}, error);
  return { kind: "foreign-host", injected: "proxytrust-foreign.invalid", captured };
}

function site(https: WireResponse, http: WireResponse, more: Partial<ScanEvidence> = {}): ScanEvidence {
  return evidence({
    baselines: {
      https: { get: answered("https baseline", "https://app.test/", https) },
      http: { get: answered("http baseline", "http://app.test/", http) },
    },
    ...more,
  });
}

function origin(response: WireResponse): Partial<ScanEvidence> {
  const url = "http://127.0.0.2:8000/";
  return {
    originServers: [
      { url, candidate: false, baseline: answered(`origin ${url} baseline`, url, response), spoofs: [] },
    ],
  };
}

describe("the proxy, from what it cannot hide", () => {
  test("nginx: its Server header", () => {
    const found = identifyServers(site(seen.NGINX_PROXIED, seen.NGINX_REDIRECT));
    assert.equal(found.proxy?.kind, "nginx");
    assert.match(found.proxy.from, /Server: nginx, in "https baseline"/);
  });

  test("nginx with its Server header removed: the signature on its own redirect page", () => {
    const strip = (r: WireResponse): WireResponse => ({
      ...r,
      headers: r.headers.filter(([n]) => n.toLowerCase() !== "server"),
    });
    const found = identifyServers(site(strip(seen.NGINX_PROXIED), strip(seen.NGINX_REDIRECT)));
    assert.equal(found.proxy?.kind, "nginx");
    assert.match(found.proxy.from, /nginx's own 301 page/);
  });

  test("HAProxy sends no Server header: its own 421 page for a foreign Host", () => {
    const found = identifyServers(
      site(seen.HAPROXY_PROXIED, seen.HAPROXY_REDIRECT, { hostProbes: [hostProbe(seen.HAPROXY_421)] }),
    );
    assert.equal(found.proxy?.kind, "haproxy");
    assert.match(found.proxy.from, /HAProxy's own 421 page \(<html><body><h1>421 Misdirected Request/);
  });

  test("HAProxy's 400 page for an absolute-form target", () => {
    const found = identifyServers(
      site(seen.HAPROXY_PROXIED, seen.HAPROXY_PROXIED, { hostProbes: [hostProbe(seen.HAPROXY_400)] }),
    );
    assert.equal(found.proxy?.kind, "haproxy");
  });

  test("HAProxy without any page of its own: it writes every header name in lower case", () => {
    const found = identifyServers(site(seen.HAPROXY_PROXIED, seen.HAPROXY_REDIRECT));
    assert.equal(found.proxy?.kind, "haproxy");
    assert.match(found.proxy.from, /lower case/);
  });

  test("Apache passes gunicorn's Server header on, but its own 421 page says Apache", () => {
    const withHeader = identifyServers(
      site(seen.APACHE_PROXIED, seen.APACHE_PROXIED, { hostProbes: [hostProbe(seen.APACHE_421)] }),
    );
    assert.equal(withHeader.proxy?.kind, "apache");
    const withoutHeader = identifyServers(
      site(seen.APACHE_PROXIED, seen.APACHE_PROXIED, {
        hostProbes: [
          hostProbe({
            ...seen.APACHE_421,
            headers: seen.APACHE_421.headers.filter(([n]) => n !== "Server"),
          }),
        ],
      }),
    );
    assert.equal(withoutHeader.proxy?.kind, "apache");
    assert.match(withoutHeader.proxy.from, /Apache's own 421 page/);
  });

  test("Apache that answers nothing itself: Date, then gunicorn's Server, is the order Apache writes", () => {
    const found = identifyServers(site(seen.APACHE_PROXIED, seen.APACHE_PROXIED));
    assert.equal(found.proxy?.kind, "apache");
    assert.match(found.proxy.from, /Date and then Server: gunicorn/);
    // gunicorn itself writes Server first
    assert.equal(identifyServers(site(seen.GUNICORN_DIRECT, seen.GUNICORN_DIRECT)).proxy, undefined);
  });

  test("Apache with ProxyVia Full names itself in Via", () => {
    const via: WireResponse = {
      ...seen.APACHE_PROXIED,
      headers: [...seen.APACHE_PROXIED.headers.slice(2), ["Via", "1.1 app.test (Apache/2.4.71)"]],
    };
    const found = identifyServers(site(via, via));
    assert.equal(found.proxy?.kind, "apache");
    assert.match(found.proxy.from, /Via: 1\.1 app\.test \(Apache\/2\.4\.71\)/);
    // ProxyVia On names only the host: nothing to go on
    const bare: WireResponse = { ...via, headers: [...via.headers.slice(0, -1), ["Via", "1.1 app.test"]] };
    assert.equal(identifyServers(site(bare, bare)).proxy, undefined);
  });

  test("Caddy: its Server header beside gunicorn's", () => {
    const found = identifyServers(site(seen.CADDY_PROXIED, seen.CADDY_PROXIED));
    assert.equal(found.proxy?.kind, "caddy");
    assert.equal(found.appServer?.kind, "gunicorn");
  });

  test("nothing tells: a reset Host probe and app answers only name no proxy", () => {
    const found = identifyServers(
      site(seen.GUNICORN_DIRECT, seen.GUNICORN_DIRECT, {
        hostProbes: [hostProbe(undefined, "connection reset")],
      }),
    );
    assert.equal(found.proxy, undefined);
    assert.equal(found.appServer?.kind, "gunicorn");
  });

  test("an app server's lower-case names (uvicorn writes date, server) are not HAProxy's", () => {
    const found = identifyServers(site(seen.UVICORN_DIRECT, seen.UVICORN_DIRECT));
    assert.equal(found.proxy, undefined);
    assert.equal(found.appServer?.kind, "uvicorn");
  });
});

describe("the app server", () => {
  test("behind nginx it is hidden, but the app server's own address (--origin) names it", () => {
    const hidden = identifyServers(site(seen.WAITRESS_BEHIND_NGINX, seen.NGINX_REDIRECT));
    assert.equal(hidden.appServer, undefined);
    const named = identifyServers(
      site(seen.WAITRESS_BEHIND_NGINX, seen.NGINX_REDIRECT, origin(seen.WAITRESS_DIRECT)),
    );
    assert.equal(named.appServer?.kind, "waitress");
    assert.match(named.appServer.from, /Server: waitress, in "origin http:\/\/127\.0\.0\.2:8000\/ baseline"/);
    assert.equal(named.proxy?.kind, "nginx");
  });

  test("gunicorn's own error page, which carries no Server header", () => {
    const page = {
      ...seen.GUNICORN_400_BEHIND_CADDY,
      headers: seen.GUNICORN_400_BEHIND_CADDY.headers.filter(([n]) => n !== "Server"),
    };
    const found = identifyServers(site(seen.WAITRESS_BEHIND_NGINX, page));
    assert.equal(found.appServer?.kind, "gunicorn");
    assert.match(found.appServer.from, /gunicorn's own 400 page/);
  });

  test("HAProxy passes gunicorn's Server header through, lower-cased", () => {
    assert.equal(
      identifyServers(site(seen.HAPROXY_PROXIED, seen.HAPROXY_REDIRECT)).appServer?.kind,
      "gunicorn",
    );
  });
});
