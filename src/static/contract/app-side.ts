/**
 * The app's half of the contract, read from Django settings and gunicorn's config: which request
 * headers decide the scheme, which hosts and origins are accepted, which paths skip the HTTPS redirect.
 * Values from the environment are judged on their defaults (see ../python/settings-queries.ts).
 */
import type { SourceLocation } from "../../report/model.js";
import type { AppServerConfig } from "../appserver/model.js";
import { classifyHost, hostOfAddress } from "../gunicorn/addresses.js";
import { GUNICORN_DEFAULTS } from "../gunicorn/defaults.js";
import type { GunicornConfig } from "../gunicorn/model.js";
import type { DjangoSettings } from "../python/settings-model.js";
import { repr } from "../python/values.js";
import { candidates, isTruthy, judgedOn, type Candidate } from "../python/settings-queries.js";

export interface SchemeHeader {
  /** As the proxy names it, e.g. "X-Forwarded-Proto". */
  name: string;
  /** The value that means https, e.g. "https" or "on". */
  secureValue: string;
}

/** How the app learns whether a request came over HTTPS, on one branch of the settings. */
export type SchemeReader =
  | {
      kind: "headers";
      headers: SchemeHeader[];
      /** "SECURE_PROXY_SSL_HEADER = (...)" or "gunicorn's secure_scheme_headers for forwarded_allow_ips ...". */
      who: string;
      /** The Django reader also sees the underscore spelling merged in by gunicorn before 22 and uvicorn. */
      django: boolean;
      /** The peers whose headers the app server believes, and its name. */
      trusted?: { peers: readonly string[]; server: string };
      /** The scheme header counts only when the proxy also sets this one (daphne: X-Forwarded-For). */
      needs?: string;
      /** Another way the proxy conveys https, judged elsewhere (uWSGI's HTTPS variable). */
      otherwise?: string;
      /**
       * Django's reader: when its header is absent, Django takes wsgi.url_scheme, which these app-server
       * readers decide (only when the app server's config was given).
       */
      whenAbsent?: SchemeReader[];
      suffix: string;
      at: SourceLocation;
    }
  | {
      kind: "nobody";
      who: string;
      /** False when no app server config was given: which one runs, and whom it trusts, is unknown. */
      certain: boolean;
      suffix: string;
      at: SourceLocation;
    }
  | { kind: "unknown"; who: string; at: SourceLocation };

/** "HTTP_X_FORWARDED_PROTO" -> "X-Forwarded-Proto". */
export function headerFromMeta(meta: string): string | undefined {
  if (!/^HTTP_[A-Z0-9_]+$/.test(meta)) return undefined;
  return meta
    .slice(5)
    .toLowerCase()
    .split("_")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("-");
}

/** "X-FORWARDED-PROTO" -> "X-Forwarded-Proto". */
export function headerTitleCase(header: string): string {
  return headerFromMeta(`HTTP_${header.toUpperCase().replace(/-/g, "_")}`) ?? header;
}

/** Why Django asks the app server: "SECURE_PROXY_SSL_HEADER is not set", or its header is absent. */
type Absence = string;
const NOT_SET: Absence = "SECURE_PROXY_SSL_HEADER is not set";
const HEADER_ABSENT: Absence = "without that header";

function gunicornReader(
  settings: DjangoSettings,
  gunicorn: GunicornConfig | undefined,
  suffix: string,
  absence: Absence,
): SchemeReader[] {
  if (!gunicorn) {
    return [
      {
        kind: "nobody",
        who: `${absence}, so Django takes the scheme from the app server, whose config was not given`,
        certain: false,
        suffix,
        at: settings.locate("SECURE_PROXY_SSL_HEADER"),
      },
    ];
  }
  const allowed = gunicorn.forwardedAllowIps;
  const allowedValues = allowed?.values ?? [
    { kind: "known" as const, value: [...GUNICORN_DEFAULTS.forwardedAllowIps] },
  ];
  // uvicorn's workers apply uvicorn's own ProxyHeadersMiddleware (X-Forwarded-Proto only) for forwarded_allow_ips.
  const uvicornWorker = gunicorn.workerClass?.values.some(
    (v) => v.kind === "known" && /uvicorn/i.test(v.value),
  );
  const headerValues = uvicornWorker
    ? [{ kind: "known" as const, value: { "X-FORWARDED-PROTO": "https" } }]
    : (gunicorn.secureSchemeHeaders?.values ?? [
        { kind: "known" as const, value: { ...GUNICORN_DEFAULTS.secureSchemeHeaders } },
      ]);
  const noHeader = `${absence}, so Django takes the scheme from gunicorn's wsgi.url_scheme`;
  const at = allowed ? { file: allowed.file, line: allowed.line } : { file: gunicorn.file, line: 1 };
  const byDefault = allowed ? "" : " (the default, unless $FORWARDED_ALLOW_IPS is set)";
  return allowedValues.flatMap((ips): SchemeReader[] => {
    if (ips.kind === "unknown")
      return [{ kind: "unknown", who: `gunicorn's forwarded_allow_ips (${ips.reason})`, at }];
    const env = ips.fromEnv ? ` (from $${ips.fromEnv}, judged on the default)` : "";
    if (ips.value.length === 0) {
      return [
        {
          kind: "nobody",
          who: `${noHeader}, and gunicorn trusts no proxy (forwarded_allow_ips is empty${env})`,
          certain: true,
          suffix,
          at,
        },
      ];
    }
    return headerValues.flatMap((headers): SchemeReader[] =>
      headers.kind === "unknown"
        ? [{ kind: "unknown", who: `gunicorn's secure_scheme_headers (${headers.reason})`, at }]
        : [
            {
              kind: "headers",
              headers: Object.entries(headers.value).map(([name, secureValue]) => ({
                name: headerTitleCase(name),
                secureValue,
              })),
              who: `gunicorn, which sets the scheme from ${Object.keys(headers.value).map(headerTitleCase).join(" / ")} for peers in forwarded_allow_ips ${ips.value.join(",")}${byDefault}${env} (${noHeader})`,
              django: false,
              trusted: { peers: ips.value, server: "gunicorn" },
              suffix,
              at,
            },
          ],
    );
  });
}

/**
 * uvicorn, daphne, waitress and uWSGI set the scheme Django sees (scope / wsgi.url_scheme) from
 * X-Forwarded-Proto for the peers they trust (uWSGI: every peer). Behind uwsgi_pass the HTTPS variable
 * carries the scheme too: whether it is sent is nginx-uwsgi-https-not-passed's to judge.
 */
function appServerReader(
  settings: DjangoSettings,
  server: AppServerConfig,
  suffix: string,
  absence: Absence,
): SchemeReader[] {
  const noHeader = `${absence}, so Django takes the scheme from ${server.server}`;
  const at = { file: server.trustedPeers.file, line: server.trustedPeers.line };
  const peers = server.trustedPeers.value;
  // uvicorn's unix-socket peers have no address, so only '*' covers them.
  const unixOnly =
    server.server === "uvicorn" &&
    !peers.includes("*") &&
    server.binds.value.every((b) => classifyHost(hostOfAddress(b)) === "unix");
  if (peers.length === 0 || server.schemeHeaders.length === 0 || unixOnly) {
    const why = unixOnly
      ? `uvicorn listens on a unix socket, whose peers have no address in ${server.trustedPeers.option} ${peers.join(",")}`
      : `${server.server} trusts no proxy's scheme header (${server.trustedPeers.option === "default" ? "its default" : server.trustedPeers.option})`;
    return [{ kind: "nobody", who: `${noHeader}, and ${why}`, certain: true, suffix, at }];
  }
  const names = server.schemeHeaders.map((h) => h.name).join(" / ");
  return [
    {
      kind: "headers",
      headers: server.schemeHeaders,
      ...(server.schemeNeedsHeader ? { needs: server.schemeNeedsHeader } : {}),
      ...(server.protocol === "uwsgi" ? { otherwise: "HTTPS variable of the uwsgi protocol" } : {}),
      who: `${server.server}, which sets the scheme from ${names} ${server.server === "uwsgi" ? "whoever sends it" : `for peers in ${server.trustedPeers.option} ${peers.join(",")}`} (${noHeader})`,
      django: false,
      ...(server.server === "uwsgi" ? {} : { trusted: { peers, server: server.server } }),
      suffix,
      at,
    },
  ];
}

/** Every way the scheme may be decided, one per branch of SECURE_PROXY_SSL_HEADER. */
export function schemeReaders(
  settings: DjangoSettings,
  gunicorn: GunicornConfig | undefined,
  appServers: AppServerConfig[] = [],
): SchemeReader[] {
  return schemeReadersByBranch(settings, gunicorn, appServers).flat();
}

/** The ways the scheme may be decided on each branch of SECURE_PROXY_SSL_HEADER; none for a branch left unjudged. */
export function schemeReadersByBranch(
  settings: DjangoSettings,
  gunicorn: GunicornConfig | undefined,
  appServers: AppServerConfig[] = [],
): SchemeReader[][] {
  const at = settings.locate("SECURE_PROXY_SSL_HEADER");
  const appServerReaders = (suffix: string, absence: Absence) =>
    appServers.length > 0 && !gunicorn
      ? appServers.flatMap((server) => appServerReader(settings, server, suffix, absence))
      : gunicornReader(settings, gunicorn, suffix, absence);
  const known = gunicorn !== undefined || appServers.length > 0;
  return candidates(settings, "SECURE_PROXY_SSL_HEADER").map((c): SchemeReader[] => {
    const value = c.value;
    if (value.kind === "none") return appServerReaders(judgedOn(c), NOT_SET);
    const [meta, secure] = value.kind === "tuple" || value.kind === "list" ? value.items : [];
    const header = meta?.kind === "str" ? headerFromMeta(meta.value) : undefined;
    if (header && secure?.kind === "str") {
      return [
        {
          kind: "headers",
          headers: [{ name: header, secureValue: secure.value }],
          who: c.label,
          django: true,
          ...(known ? { whenAbsent: appServerReaders(judgedOn(c), HEADER_ABSENT) } : {}),
          suffix: judgedOn(c),
          at,
        },
      ];
    }
    // Malformed values are django-proxy-ssl-header-shape's business; an env variable without a default is
    // the deployer's to set (no verdict), anything else unknown cannot be judged.
    return value.kind === "unknown" && !c.env ? [{ kind: "unknown", who: c.label, at }] : [];
  });
}

/** Branches where SECURE_SSL_REDIRECT is on, with their labels. */
export function redirectingBranches(settings: DjangoSettings): Candidate[] {
  return candidates(settings, "SECURE_SSL_REDIRECT").filter((c) => isTruthy(c) === true);
}

export function stringItems(c: Candidate): string[] | undefined {
  const items = c.value.kind === "list" || c.value.kind === "tuple" ? c.value.items : undefined;
  if (!items) return undefined;
  const strings = items.flatMap((item) => (item.kind === "str" ? [item.value] : []));
  return strings.length === items.length ? strings : undefined;
}

/** Django's validate_host: '*', '.domain' (the domain and its subdomains) or the exact host, port removed. */
export function hostAllowed(allowed: string[], host: string): boolean {
  const bare = host.toLowerCase().replace(/:\d+$/, "").replace(/\.$/, "");
  return allowed.some((entry) => {
    const pattern = entry.toLowerCase();
    if (pattern === "*") return true;
    if (pattern.startsWith(".")) return bare.endsWith(pattern) || bare === pattern.slice(1);
    return bare === pattern;
  });
}

/** Whether a proxy's host name, maybe a wildcard ("*.example.com", nginx's ".example.com"), is fully covered. */
export function proxyNameAllowed(allowed: string[], name: string): boolean {
  if (!/^\*?\./.test(name)) return hostAllowed(allowed, name);
  const suffix = name.replace(/^\*/, "").toLowerCase();
  return allowed.some(
    (entry) => entry === "*" || (entry.startsWith(".") && suffix.endsWith(entry.toLowerCase())),
  );
}

/**
 * Django's SecurityMiddleware skips the redirect when any pattern matches the path without its leading
 * slash (re.search). Undefined when a pattern is not a regular expression JavaScript reads the same way.
 */
export function exemptFromRedirect(patterns: string[], path: string): boolean | undefined {
  const subject = path.replace(/^\//, "");
  let unknown = false;
  for (const pattern of patterns) {
    try {
      if (new RegExp(pattern).test(subject)) return true;
    } catch {
      unknown = true;
    }
  }
  return unknown ? undefined : false;
}

export function reprList(items: string[]): string {
  return repr({ kind: "list", items: items.map((value) => ({ kind: "str", value })) });
}
