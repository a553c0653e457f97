/**
 * Which proxy and app server answered, from what they cannot hide: their Server header, or a Via that
 * names them, else their own error pages and the way they write header names (casing, order). Pure:
 * reads captured exchanges. Every signature was checked against the real servers the test stacks run;
 * nothing is guessed, since printing one proxy's fix to another's user is worse than listing them all.
 */
import type { AppServerKind, ProxyKind } from "../clauses.js";
import { headerValues } from "../parsers/headers.js";
import type { Identification, Identified } from "../report/model.js";
import type { WireResponse } from "../transport/send.js";
import type { Captured, ScanEvidence } from "./evidence.js";

/** What a response shows of one server, in words a reader can check against the exchange. */
type Signature<K> = (response: WireResponse) => { kind: K; shows: string } | undefined;

const PROXY_SERVER_HEADERS: [RegExp, ProxyKind][] = [
  [/^nginx\b/i, "nginx"],
  [/^caddy\b/i, "caddy"],
  // "Apache/2.4.57 (Debian)" or plain "Apache"; not Tomcat's "Apache-Coyote".
  [/^apache(\/|\s|$)/i, "apache"],
  [/^cloudflare\b/i, "cloudflare"],
  [/^awselb\b/i, "alb"],
];

const APP_SERVER_HEADERS: [RegExp, AppServerKind][] = [
  [/^gunicorn\b/i, "gunicorn"],
  [/^uvicorn\b/i, "uvicorn"],
  [/^daphne\b/i, "daphne"],
  [/^waitress\b/i, "waitress"],
];

function byServerHeader<K>(table: [RegExp, K][]): Signature<K> {
  return (response) => {
    for (const server of headerValues(response.headers, "server")) {
      const hit = table.find(([pattern]) => pattern.test(server.trim()));
      if (hit) return { kind: hit[1], shows: `Server: ${server}` };
    }
    return undefined;
  };
}

/** nginx signs the pages it writes itself (redirects, errors) even with server_tokens off. */
const NGINX_PAGE = /<hr><center>nginx(\/[\d.]+)?<\/center>/;
/** HAProxy's built-in pages: "<html><body><h1>421 Misdirected Request</h1>\nRequest sent to ...". */
const HAPROXY_PAGE = /^<html><body><h1>\d{3} [^<]+<\/h1>\n[^<]*\n<\/body><\/html>\s*$/;
/** Apache httpd's error and redirect pages (the HTML 4.01 doctype of Debian's 2.4, or the older HTML 2.0 one). */
const APACHE_PAGE =
  /^<!DOCTYPE HTML PUBLIC "-\/\/(W3C\/\/DTD HTML 4\.01|IETF\/\/DTD HTML 2\.0)\/\/EN"[^>]*>\n<html><head>\n<title>\d{3} /;
/** gunicorn's own error page (a malformed or refused header): "<h1><p>Bad Request</p></h1>". */
const GUNICORN_PAGE = /<title>[^<]+<\/title>\s*<\/head>\s*<body>\s*<h1><p>[^<]+<\/p><\/h1>/;

function firstLine(body: string): string {
  return body.trim().split("\n")[0]?.slice(0, 80) ?? "";
}

const proxyServerHeader = byServerHeader(PROXY_SERVER_HEADERS);

/** A proxy that names its product in Via, e.g. Apache's ProxyVia Full: "1.1 app.test (Apache/2.4.71)". */
const VIA_PRODUCTS: [RegExp, ProxyKind][] = [
  [/\(apache\b/i, "apache"],
  [/\bnginx\b/i, "nginx"],
  [/\bcaddy\b/i, "caddy"],
  [/\bhaproxy\b/i, "haproxy"],
  [/\btraefik\b/i, "traefik"],
];

const proxyVia: Signature<ProxyKind> = (response) => {
  for (const via of headerValues(response.headers, "via")) {
    const hit = VIA_PRODUCTS.find(([pattern]) => pattern.test(via));
    if (hit) return { kind: hit[1], shows: `Via: ${via}` };
  }
  return undefined;
};

function byPage<K>(kind: K, pattern: RegExp, whose: string): Signature<K> {
  return (response) =>
    pattern.test(response.body)
      ? { kind, shows: `${whose} own ${response.status} page (${firstLine(response.body)})` }
      : undefined;
}

/**
 * HAProxy writes every HTTP/1 header name in lower case, the app's too ("server: gunicorn"), and its
 * own answers carry no Date. A response made of lower-case names only, and no proxy's Server header,
 * is HAProxy's; with fewer than three names there is too little to go on.
 */
const haproxyHeaderCase: Signature<ProxyKind> = (response) => {
  const names = response.headers.map(([name]) => name);
  if (names.length < 3 || names.some((n) => n !== n.toLowerCase())) return undefined;
  if (proxyServerHeader(response)) return undefined;
  return { kind: "haproxy", shows: `every header name in lower case (${names.slice(0, 4).join(", ")}, ...)` };
};

const appServerHeader = byServerHeader(APP_SERVER_HEADERS);

/**
 * Apache httpd writes Date and then Server ahead of every other header, the app server's Server
 * header included, which it passes on. App servers answering directly write Server first (gunicorn,
 * daphne last, waitress sorted, uvicorn in lower case), so Date, Server: gunicorn is Apache's order.
 */
const apacheHeaderOrder: Signature<ProxyKind> = (response) => {
  const [first, second] = response.headers;
  if (first?.[0] !== "Date" || second?.[0] !== "Server" || !appServerHeader(response)) return undefined;
  return {
    kind: "apache",
    shows: `Date and then Server: ${second[1]} ahead of the app's headers, the order Apache writes`,
  };
};

/** Strongest first: a Server header is the server's own word, a page its handwriting, casing a habit. */
const PROXY_SIGNATURES: Signature<ProxyKind>[] = [
  proxyServerHeader,
  proxyVia,
  byPage("nginx", NGINX_PAGE, "nginx's"),
  byPage("haproxy", HAPROXY_PAGE, "HAProxy's"),
  byPage("apache", APACHE_PAGE, "Apache's"),
  haproxyHeaderCase,
  apacheHeaderOrder,
];

const APP_SERVER_SIGNATURES: Signature<AppServerKind>[] = [
  appServerHeader,
  byPage("gunicorn", GUNICORN_PAGE, "gunicorn's"),
];

/** The site's exchanges, baselines and the probes that provoke the proxy's own pages first. */
function siteExchanges(e: ScanEvidence): (Captured | undefined)[] {
  return [
    e.baselines.https.get,
    e.baselines.http.get,
    ...e.hostProbes.map((p) => p.captured),
    ...e.httpChain.hops,
    ...e.httpsChain.hops,
    ...e.schemeSpoofs.flatMap((s) => [s.get, s.post]),
    ...e.forwardedHost.flatMap((p) => [p.get, p.post]),
    ...e.health.flatMap((h) => [h.https, h.http]),
  ];
}

/** Exchanges with the app server itself (--origin): no proxy in between. */
function originExchanges(e: ScanEvidence): (Captured | undefined)[] {
  return e.originServers.flatMap((o) => [o.baseline, o.baselinePost, ...o.spoofs.map((s) => s.get)]);
}

function find<K extends string>(
  signatures: Signature<K>[],
  exchanges: (Captured | undefined)[],
): Identified<K> | undefined {
  for (const signature of signatures) {
    for (const captured of exchanges) {
      const seen = captured?.response && signature(captured.response);
      if (seen && captured) return { kind: seen.kind, from: `${seen.shows}, in "${captured.label}"` };
    }
  }
  return undefined;
}

export function identifyServers(evidence: ScanEvidence): Identification {
  const proxy = find(PROXY_SIGNATURES, siteExchanges(evidence));
  const appServer = find(APP_SERVER_SIGNATURES, [...originExchanges(evidence), ...siteExchanges(evidence)]);
  return { ...(proxy ? { proxy } : {}), ...(appServer ? { appServer } : {}) };
}
