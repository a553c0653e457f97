/**
 * The retrieval half of a scan: sends every probe (independent ones concurrently) and
 * records the exchanges. Nothing here decides pass or fail.
 */
import { isIP } from "node:net";
import { setCookies, isDeletion } from "../parsers/cookies.js";
import { csrfForms, postForms } from "../parsers/html-forms.js";
import { registrableDomainOf } from "../parsers/domains.js";
import { headerValue } from "../parsers/headers.js";
import type {
  Captured,
  CsrfOriginProbe,
  CsrfPair,
  ForwardedHostProbe,
  HealthProbe,
  HostProbe,
  Leg,
  OriginEvidence,
  RedirectChain,
  ScanEvidence,
  SchemeSpoof,
  TokenlessPost,
} from "./evidence.js";
import { PROBE_TOKEN_HEADER } from "./probe-answer.js";
import { pathOn, ProbeClient, type ProbeSpec } from "./probe-client.js";
import { claimHeaders, sendClaimFamily, type ClaimAnswer } from "./collect-claims.js";
import {
  claimsFor,
  CLIENT_IP_CLAIMS,
  type SchemeClaim,
  FORGED_CLIENT_IP,
  FORWARDED_HOST_CLAIMS,
  FOREIGN_HOST,
} from "./spoof-headers.js";
import type { ScanOptions } from "./options.js";
import { collectMtls, collectProxyProtocol } from "./collect-links.js";

export const DEFAULT_CSRF_PATHS = ["/admin/login/", "/accounts/login/", "/login/"];
export const DEFAULT_HEALTH_PATHS = ["/healthz", "/health", "/health/", "/ht/"];
const MAX_REDIRECT_HOPS = 10;
const QUERY_MARKER = "proxytrust=1";

interface Site {
  host: string;
  https: URL;
  http: URL;
  path: string;
}

export function siteOf(target: URL): Site {
  const https = new URL(target.href);
  const http = new URL(target.href);
  if (target.protocol === "https:") {
    http.protocol = "http:";
    http.port = "";
  } else {
    https.protocol = "https:";
    https.port = "";
  }
  return { host: target.hostname, https, http, path: `${target.pathname}${target.search}` };
}

export async function followRedirects(
  client: ProbeClient,
  start: URL,
  siteHost: string,
  labelPrefix: string,
  /** The answer to `start` when it was already asked for. */
  firstHop?: Promise<Captured>,
): Promise<RedirectChain> {
  const hops: Captured[] = [];
  const seen = new Set<string>();
  let url = start;
  for (let i = 0; i < MAX_REDIRECT_HOPS; i++) {
    seen.add(url.href);
    const hop = await (i === 0 && firstHop
      ? firstHop
      : client.probe({ label: `${labelPrefix} hop ${i + 1}`, url }));
    hops.push(hop);
    const response = hop.response;
    if (!response) return { hops, outcome: "error" };
    const location = headerValue(response.headers, "location");
    if (response.status < 300 || response.status > 399 || location === undefined)
      return { hops, outcome: "final" };
    if (!URL.canParse(location, url))
      return { hops, outcome: "invalid-location", unfollowedLocation: location };
    const next = new URL(location, url);
    // Never follow a redirect off the target's host (or to a non-HTTP scheme).
    if ((next.protocol !== "http:" && next.protocol !== "https:") || next.hostname !== siteHost) {
      return { hops, outcome: "off-host", unfollowedLocation: next.href };
    }
    if (seen.has(next.href)) return { hops, outcome: "loop" };
    url = next;
  }
  return { hops, outcome: "too-many" };
}

function hasCsrfCookie(response: NonNullable<Captured["response"]>): boolean {
  return setCookies(response.headers).some((c) => !isDeletion(c) && /csrf/i.test(c.name));
}

/** Where a form posts: its action, resolved against the page, or the page itself; undefined for an action no browser could follow. */
function formTarget(action: string | undefined, pageUrl: URL): URL | undefined {
  if (!action) return pageUrl;
  return URL.canParse(action, pageUrl) ? new URL(action, pageUrl) : undefined;
}

/**
 * Where to send a POST without any token: without a token pair, the endpoint the user named; else (and
 * besides a pair) the first form on a page that set no CSRF cookie, which Django's middleware would have.
 */
function tokenlessTarget(
  searched: Captured[],
  site: Site,
  options: ScanOptions,
  pair: CsrfPair | undefined,
): { source: string; url: URL } | undefined {
  if (options.csrfPost && !pair)
    return { source: options.csrfPost, url: pathOn(site.https, options.csrfPost) };
  for (const page of searched) {
    if (page.response?.status !== 200 || hasCsrfCookie(page.response)) continue;
    const form = postForms(page.response.body)[0];
    const pageUrl = new URL(page.request.url);
    const url = form && formTarget(form.action, pageUrl);
    if (!form || !url) continue;
    const lacking = form.token === undefined ? "no csrfmiddlewaretoken" : "no CSRF cookie with it";
    if (url.hostname === site.host && url.protocol === "https:" && url.pathname !== pair?.postPath)
      return { source: `${url.pathname} (the form on ${pageUrl.pathname}, ${lacking})`, url };
  }
  return undefined;
}

/** The first page that hands out a CSRF cookie and a form token, and where its form posts. */
function csrfPairIn(searched: Captured[], site: Site, options: ScanOptions): CsrfPair | undefined {
  for (const page of searched) {
    const response = page.response;
    if (!response || response.status !== 200 || !hasCsrfCookie(response)) continue;
    const form = csrfForms(response.body)[0];
    if (!form) continue;
    const pageUrl = new URL(page.request.url);
    const postUrl = options.csrfPost
      ? pathOn(site.https, options.csrfPost)
      : formTarget(form.action, pageUrl);
    if (postUrl?.hostname !== site.host) continue;
    const cookies = setCookies(response.headers).filter((c) => !isDeletion(c));
    return {
      pagePath: `${pageUrl.pathname}${pageUrl.search}`,
      postPath: `${postUrl.pathname}${postUrl.search}`,
      cookieHeader: cookies.map((c) => `${c.name}=${c.value}`).join("; "),
      formToken: form.token,
    };
  }
  return undefined;
}

interface CsrfSearch {
  searched: Captured[];
  pair?: CsrfPair;
  reason?: string;
  /** Where a POST without any token can be aimed, if anywhere. */
  tokenlessTarget?: { source: string; url: URL };
}

/** The token pair and the pages searched for it. */
async function findCsrfPair(
  client: ProbeClient,
  site: Site,
  options: ScanOptions,
  sitePage: Promise<Captured>,
): Promise<CsrfSearch> {
  const candidates = options.csrfPath ? [options.csrfPath] : [site.path, ...DEFAULT_CSRF_PATHS];
  const unique = [...new Set(candidates)];
  const searched = await Promise.all(
    unique.map((path) =>
      path === site.path
        ? sitePage
        : client.probe({ label: `CSRF token page ${path}`, url: pathOn(site.https, path) }),
    ),
  );
  const pair = csrfPairIn(searched, site, options);
  const found = pair
    ? { pair }
    : {
        reason: `no page among ${unique.join(", ")} answered 200 with a CSRF cookie and a csrfmiddlewaretoken form field${options.csrfPath ? "" : " (use --csrf-path)"}`,
      };
  return { searched, ...found, tokenlessTarget: tokenlessTarget(searched, site, options, pair) };
}

/** A POST without any token, from a foreign Origin, where one can be aimed. */
async function postWithoutToken(
  client: ProbeClient,
  target: CsrfSearch["tokenlessTarget"],
): Promise<TokenlessPost | undefined> {
  if (!target) return undefined;
  const captured = await client.probe({
    label: `POST without any CSRF token from a foreign Origin (${target.source})`,
    url: target.url,
    form: { proxytrust: "1" },
    headers: [["Origin", `https://${FOREIGN_HOST}`]],
  });
  return { source: target.source, captured };
}

/**
 * A name beside the site's under the same registrable domain. The public suffix list is the larger part
 * of a scan's start-up, so it loads while the first probes are on the wire, and only for a host name.
 */
async function siblingHost(host: string): Promise<string | undefined> {
  if (isIP(host.replace(/^\[|\]$/g, ""))) return undefined;
  // A turn of the event loop first: the scan's first connections are opened, then the list loads.
  await new Promise(setImmediate);
  const registrable = registrableDomainOf(host) ?? host;
  const parent = host.split(".").slice(1).join(".");
  const base = parent.length >= registrable.length ? parent : host;
  return `proxytrust-sibling.${base}`;
}

export async function collectEvidence(
  target: URL,
  options: ScanOptions,
  client: ProbeClient,
): Promise<ScanEvidence> {
  const site = siteOf(target);
  const probe = (spec: ProbeSpec) => client.probe(spec);
  const legUrl = (leg: Leg, path = site.path) => pathOn(leg === "https" ? site.https : site.http, path);
  // First in the queue: whatever else stalls, the HTTPS baseline gets a connection. It is also the
  // HTTPS redirect chain's first hop and, unless --csrf-path names another, the first page searched.
  const httpsPage = probe({
    label: "https baseline",
    url: legUrl("https"),
    recordCertificate: true,
  });
  // Not awaited here: probes that need no CSRF token start at once, so one stalled leg cannot hold the other.
  const csrfSearch = findCsrfPair(client, site, options, httpsPage);

  const csrfPost = async (leg: Leg, label: string, headers: ProbeSpec["headers"] = []) => {
    const { pair } = await csrfSearch;
    return pair
      ? probe({
          label,
          url: legUrl(leg, pair.postPath),
          cookie: pair.cookieHeader,
          form: { csrfmiddlewaretoken: pair.formToken },
          headers,
        })
      : undefined;
  };

  // Asks the probe middleware what Django saw, when the user installed it and gave its token.
  const token = options.probeToken;
  const askDjango = (leg: Leg, label: string, headers: ProbeSpec["headers"] = []) =>
    token !== undefined
      ? probe({
          label: `${label} (probe)`,
          url: legUrl(leg, options.probePath),
          headers: [[PROBE_TOKEN_HEADER, token], ...(headers ?? [])],
        })
      : Promise.resolve(undefined);

  const baselineFor = async (leg: Leg) => {
    const [get, postNoReferer, djangoView] = await Promise.all([
      leg === "https"
        ? httpsPage
        : probe({ label: `${leg} baseline`, url: legUrl(leg), recordCertificate: true }),
      csrfPost(leg, `${leg} POST with token, no Referer`),
      askDjango(leg, `${leg} baseline`),
    ]);
    return { get, postNoReferer, probe: djangoView };
  };
  const httpsBaseline = baselineFor("https");
  const httpBaseline = baselineFor("http");
  const baselineAnswer = (leg: Leg): Promise<ClaimAnswer> =>
    (leg === "https" ? httpsBaseline : httpBaseline).then((b) => ({
      get: b.get,
      post: b.postNoReferer,
      probe: b.probe,
    }));

  const schemeSpoofs = (["http", "https"] as Leg[]).map((leg) =>
    sendClaimFamily(leg, claimsFor(leg), baselineAnswer(leg), async (claims): Promise<SchemeSpoof> => {
      const { headers, ...named } = claimHeaders(claims);
      const [get, post, djangoView] = await Promise.all([
        probe({ label: `${leg} + ${named.header}`, url: legUrl(leg), headers }),
        csrfPost(leg, `${leg} POST + ${named.header}`, headers),
        askDjango(leg, `${leg} + ${named.header}`, headers),
      ]);
      return { leg, ...named, claimed: leg === "http" ? "https" : "http", get, post, probe: djangoView };
    }),
  );

  // Each on a connection of its own: a proxy may pick the site for a connection by its first request.
  const fresh = { freshConnection: true };
  const hostProbes: Promise<HostProbe>[] = [
    probe({ label: `https Host: ${FOREIGN_HOST}`, url: legUrl("https"), host: FOREIGN_HOST, ...fresh }).then(
      (captured) => ({
        kind: "foreign-host" as const,
        injected: FOREIGN_HOST,
        captured,
      }),
    ),
    probe({ label: `http Host: ${FOREIGN_HOST}`, url: legUrl("http"), host: FOREIGN_HOST, ...fresh }).then(
      (captured) => ({
        kind: "foreign-host-http" as const,
        injected: FOREIGN_HOST,
        captured,
      }),
    ),
    probe({
      label: `https absolute-form target on ${FOREIGN_HOST}`,
      url: legUrl("https"),
      requestTarget: `https://${FOREIGN_HOST}${site.path}`,
      ...fresh,
    }).then((captured) => ({ kind: "absolute-form" as const, injected: FOREIGN_HOST, captured })),
    probe({
      label: `https Host: ${site.host}:31337`,
      url: legUrl("https"),
      host: `${site.host}:31337`,
      ...fresh,
    }).then((captured) => ({ kind: "odd-port" as const, injected: `${site.host}:31337`, captured })),
  ];

  const forwardedHost: Promise<ForwardedHostProbe>[] = FORWARDED_HOST_CLAIMS.flatMap((make) => {
    const claim = make(FOREIGN_HOST);
    const header = `${claim.name}: ${claim.value}`;
    const headers: ProbeSpec["headers"] = [[claim.name, claim.value]];
    return (["https", "http"] as Leg[]).map(async (leg) => {
      const [get, post, djangoView] = await Promise.all([
        probe({ label: `${leg} + ${header}`, url: legUrl(leg), headers }),
        leg === "https"
          ? csrfPost(leg, `https POST with Origin https://${FOREIGN_HOST} + ${header}`, [
              ...headers,
              ["Origin", `https://${FOREIGN_HOST}`],
            ])
          : Promise.resolve(undefined),
        askDjango(leg, `${leg} + ${header}`, headers),
      ]);
      return { header: `${leg} ${header}`, injected: FOREIGN_HOST, get, post, probe: djangoView };
    });
  });

  const siblingLookup = siblingHost(site.host);
  const originProbesFor = (
    pair: CsrfPair | undefined,
    sibling: string | undefined,
  ): { kind: CsrfOriginProbe["kind"]; origin?: string; referer?: string }[] =>
    pair
      ? [
          { kind: "own-origin", origin: site.https.origin },
          { kind: "foreign-origin", origin: `https://${FOREIGN_HOST}` },
          { kind: "null-origin", origin: "null" },
          { kind: "http-origin", origin: site.http.origin },
          ...(sibling ? [{ kind: "sibling-origin" as const, origin: `https://${sibling}` }] : []),
          { kind: "foreign-referer", referer: `https://${FOREIGN_HOST}/` },
        ]
      : [];
  const csrfOrigins = Promise.all([csrfSearch, siblingLookup]).then(([{ pair }, sibling]) =>
    Promise.all(
      originProbesFor(pair, sibling).map(async (p) => {
        const headers: ProbeSpec["headers"] = p.origin
          ? [["Origin", p.origin]]
          : [["Referer", p.referer ?? ""]];
        const captured = await csrfPost("https", `CSRF POST ${p.kind} (${p.origin ?? p.referer})`, headers);
        return { ...p, captured: captured as Captured };
      }),
    ),
  );

  const healthPaths: { path: string; named: boolean }[] = options.healthPaths.length
    ? options.healthPaths.map((path) => ({ path, named: true }))
    : DEFAULT_HEALTH_PATHS.map((path) => ({ path, named: false }));
  const health = healthPaths.map(async ({ path, named }): Promise<HealthProbe> => {
    const [https, http] = await Promise.all([
      named ? Promise.resolve(undefined) : probe({ label: `https ${path}`, url: legUrl("https", path) }),
      probe({ label: `http ${path}`, url: legUrl("http", path) }),
    ]);
    return { path, named, https, http };
  });

  const clientIp = CLIENT_IP_CLAIMS.map(async ([name, value]) => {
    const djangoView = await askDjango("https", `https + ${name}: ${value}`, [[name, value]]);
    return { header: `${name}: ${value}`, injected: FORGED_CLIENT_IP, probe: djangoView as Captured };
  });

  // --client-cert is the proxy's certificate for its https origin: the first one named.
  const mtlsOrigin = options.origins.find((origin) => origin.protocol === "https:");

  const cookiePage = options.cookiePath
    ? probe({ label: `cookie page ${options.cookiePath}`, url: legUrl("https", options.cookiePath) })
    : Promise.resolve(undefined);

  const [
    httpsBase,
    httpBase,
    httpChain,
    httpsChain,
    spoofs,
    hosts,
    fwdHosts,
    origins,
    healthResults,
    cookiePageResult,
    originServers,
    clientIpResults,
    proxyProtocol,
    mtls,
    tokenless,
  ] = await Promise.all([
    httpsBaseline,
    httpBaseline,
    followRedirects(client, withMarker(legUrl("http")), site.host, "http redirect"),
    followRedirects(client, legUrl("https"), site.host, "https redirect", httpsPage),
    Promise.all(schemeSpoofs).then((legs) => legs.flat()),
    Promise.all(hostProbes),
    Promise.all(forwardedHost),
    csrfOrigins,
    Promise.all(health),
    cookiePage,
    csrfSearch.then(({ pair }) => collectOrigins(client, options, site, pair)),
    Promise.all(clientIp),
    options.proxyProtocolListener
      ? collectProxyProtocol(client, site, options.proxyProtocolListener, options)
      : Promise.resolve(undefined),
    mtlsOrigin && options.clientCertificate
      ? collectMtls(client, mtlsOrigin, site, options.clientCertificate)
      : Promise.resolve(undefined),
    // Beside the token-carrying POSTs rather than before them: none of them needs its answer.
    csrfSearch.then((search) => postWithoutToken(client, search.tokenlessTarget)),
  ]);

  const { tokenlessTarget: _aimedAt, ...csrf } = await csrfSearch;
  const cookieSources: ScanEvidence["cookieSources"] = [
    { leg: "https", captured: httpsBase.get },
    ...csrf.searched
      .filter((captured) => captured !== httpsBase.get)
      .map((captured) => ({ leg: "https" as const, captured })),
    ...(cookiePageResult ? [{ leg: "https" as const, captured: cookiePageResult }] : []),
    { leg: "http", captured: httpBase.get },
  ];

  return {
    siteHost: site.host,
    httpsUrl: legUrl("https").href,
    httpUrl: legUrl("http").href,
    path: site.path,
    baselines: { https: httpsBase, http: httpBase },
    httpChain,
    httpChainStart: withMarker(legUrl("http")).href,
    httpsChain,
    schemeSpoofs: spoofs,
    hostProbes: hosts,
    forwardedHost: fwdHosts,
    csrf: { ...csrf, origins, ...(tokenless ? { tokenless } : {}) },
    cookieSources,
    ...(options.cookiePath ? { cookiePath: options.cookiePath } : {}),
    health: healthResults,
    originServers,
    clientIp: clientIpResults,
    probeAsked: token !== undefined,
    ...(proxyProtocol ? { proxyProtocol } : {}),
    ...(mtls ? { mtls } : {}),
    requestCount: client.count,
  };
}

function withMarker(url: URL): URL {
  const marked = new URL(url.href);
  marked.search = marked.search ? `${marked.search}&${QUERY_MARKER}` : `?${QUERY_MARKER}`;
  return marked;
}

/** What an app server itself may take as the scheme, gunicorn's secure_scheme_headers among them. */
const ORIGIN_SCHEME_CLAIMS: SchemeClaim[] = [
  { name: "X-Forwarded-Proto", value: "https" },
  { name: "X-Forwarded-Ssl", value: "on" },
  { name: "X-Forwarded-Protocol", value: "ssl" },
];

/** Where app servers listen by default or by habit: gunicorn and runserver, uWSGI's socket, Flask, TLS. */
export const ORIGIN_CANDIDATE_PORTS = [8000, 8080, 8001, 5000, 3031, 8443];

/** Every --origin, then every candidate port on the scheme it answered. */
function collectOrigins(
  client: ProbeClient,
  options: ScanOptions,
  site: Site,
  pair: CsrfPair | undefined,
): Promise<OriginEvidence[]> {
  const host = options.originCandidatesHost;
  const candidates = host
    ? ORIGIN_CANDIDATE_PORTS.map(async (port) => {
        const { url, baseline } = await findCandidate(client, host, port, site);
        return baseline.response
          ? collectOrigin(client, url, site, pair, baseline)
          : { url: url.href, candidate: true, baseline, spoofs: [] };
      })
    : [];
  return Promise.all([
    ...options.origins.map((url) => collectOrigin(client, url, site, pair)),
    ...candidates,
  ]);
}

/** A candidate port asked on both schemes, since nothing tells which one the app server speaks. */
async function findCandidate(
  client: ProbeClient,
  host: string,
  port: number,
  site: Site,
): Promise<Candidate> {
  const authority = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
  const ask = async (scheme: Leg): Promise<Candidate> => {
    const url = new URL(`${scheme}://${authority}${site.path}`);
    return {
      url,
      baseline: await originProbe(client, url, site, `candidate ${url.origin}`, { recordCertificate: true }),
    };
  };
  const [plain, overTls] = await Promise.all([ask("http"), ask("https")]);
  // A TLS port answers plain HTTP too (nginx: 400, "The plain HTTP request was sent to HTTPS port"),
  // while a plain port never completes a handshake: an answer over TLS says which one the port speaks.
  return overTls.baseline.response ? overTls : plain;
}

interface Candidate {
  url: URL;
  baseline: Captured;
}

/** A request to the app server as the proxy would send it: the site's Host, and its name for TLS to an address. */
function originProbe(
  client: ProbeClient,
  url: URL,
  site: Site,
  label: string,
  extra: Pick<ProbeSpec, "headers" | "cookie" | "form" | "recordCertificate"> = {},
): Promise<Captured> {
  const servername = isIP(url.hostname.replace(/^\[|\]$/g, "")) ? site.host : undefined;
  return client.probe({ label, url, host: site.host, servername, ...extra });
}

/** Talks to the app server directly, as anyone who can reach it could. */
async function collectOrigin(
  client: ProbeClient,
  origin: URL,
  site: Site,
  pair: CsrfPair | undefined,
  candidateBaseline?: Captured,
): Promise<OriginEvidence> {
  const url = pathOn(origin, site.path);
  const direct = (label: string, headers: ProbeSpec["headers"] = []) =>
    originProbe(client, url, site, label, { headers });
  const post = (label: string, headers: ProbeSpec["headers"]) =>
    pair
      ? originProbe(client, pathOn(origin, pair.postPath), site, label, {
          cookie: pair.cookieHeader,
          form: { csrfmiddlewaretoken: pair.formToken },
          headers,
        })
      : Promise.resolve(undefined);
  const baseline =
    candidateBaseline ??
    originProbe(client, url, site, `origin ${origin.origin} baseline`, { recordCertificate: true });
  const baselinePost = post(`origin ${origin.origin} POST with token, no Referer`, []);
  // The origin check reads the app's belief as for plain HTTP, whatever the origin's scheme.
  const spoofs = await sendClaimFamily(
    "http",
    ORIGIN_SCHEME_CLAIMS,
    Promise.all([baseline, baselinePost]).then(([get, post]) => ({ get, post })),
    async (claims) => {
      const { headers, ...named } = claimHeaders(claims);
      const [get, spoofPost] = await Promise.all([
        direct(`origin ${origin.origin} + ${named.header}`, headers),
        post(`origin ${origin.origin} POST + ${named.header}`, headers),
      ]);
      return { ...named, get, post: spoofPost };
    },
  );
  return {
    url: url.href,
    candidate: candidateBaseline !== undefined,
    baseline: await baseline,
    baselinePost: await baselinePost,
    spoofs,
  };
}
