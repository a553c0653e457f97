/**
 * The fix printed under a finding, written for the deployment at hand: the proxy and app server that
 * were identified (or each of them, said so, when they were not), the headers that actually got
 * through, and the site's own host name where the catalogue has a placeholder.
 */
import {
  APP_SERVER_KINDS,
  clause,
  PROXY_KINDS,
  type AppServerKind,
  type ClauseId,
  type ProxyKind,
} from "./clauses.js";
import type { Report } from "./report/model.js";

export interface FixContext {
  proxy?: ProxyKind;
  appServer?: AppServerKind;
  /** The site's host (with its port when not the default), in place of the catalogue's app.example.com. */
  siteHost?: string;
  /** Client-sent header names that reached the app and changed its answer, exactly as sent. */
  headersThrough?: readonly string[];
  /** The path they got through on, so the fix says where it belongs. */
  route?: string;
}

const PLACEHOLDER_HOST = "app.example.com";

/** The catalogue's placeholder host replaced by the site's: origins keep the port, host names drop it. */
export function withSiteHost(text: string, siteHost: string | undefined): string {
  if (!siteHost) return text;
  const hostname = siteHost.replace(/:\d+$/, "");
  return text
    .replaceAll(`https://${PLACEHOLDER_HOST}`, `https://${siteHost}`)
    .replaceAll(PLACEHOLDER_HOST, hostname);
}

/** The header each clause wants the proxy to overwrite with its own value, and how each proxy does it. */
const OVERWRITTEN: Partial<Record<ClauseId, { header: string; set: Partial<Record<ProxyKind, string>> }>> = {
  "spoofed-proto": {
    header: "X-Forwarded-Proto",
    set: {
      nginx: "proxy_set_header X-Forwarded-Proto $scheme;  # overwrite, never $http_x_forwarded_proto",
      haproxy:
        "http-request set-header X-Forwarded-Proto https if { ssl_fc }\nhttp-request set-header X-Forwarded-Proto http unless { ssl_fc }  # set-header replaces the client's copy; add-header appends after it",
      apache:
        '# In the :443 VirtualHost ("http" in the :80 one)\nRequestHeader set X-Forwarded-Proto "https"',
    },
  },
  "forwarded-host": {
    header: "X-Forwarded-Host",
    set: {
      nginx: "proxy_set_header X-Forwarded-Host $host;  # overwrite, never $http_x_forwarded_host",
      haproxy: "http-request set-header X-Forwarded-Host %[req.hdr(host)]",
      apache: "# mod_proxy then sets it from the real Host\nRequestHeader unset X-Forwarded-Host",
    },
  },
};

/** How each proxy removes a client header before it reaches the app. */
function removal(proxy: ProxyKind, header: string): string | undefined {
  const underscore = header.includes("_");
  switch (proxy) {
    case "nginx":
      // nginx cannot name a header with an underscore in proxy_set_header; by default it drops them.
      return underscore
        ? `underscores_in_headers off;  # the default: nginx then drops ${header} and every name with an underscore`
        : `proxy_set_header ${header} "";`;
    case "haproxy":
      return `http-request del-header ${header}`;
    case "caddy":
      return `header_up -${header}`;
    case "apache":
      return `RequestHeader unset ${header}`;
    default:
      return undefined;
  }
}

/** A proxy's fix written from the exact headers that got through; undefined when it cannot be. */
function derivedProxyFix(id: ClauseId, proxy: ProxyKind, context: FixContext): string | undefined {
  const overwritten = OVERWRITTEN[id];
  const headers = context.headersThrough ?? [];
  if (!overwritten || headers.length === 0) return undefined;
  const unique = [...new Map(headers.map((h) => [h.toLowerCase(), h])).values()];
  const lines = unique.map((header) =>
    header.toLowerCase() === overwritten.header.toLowerCase()
      ? overwritten.set[proxy]
      : removal(proxy, header),
  );
  if (lines.some((line) => line === undefined)) return undefined;
  const where = context.route
    ? [`# where ${context.route} is proxied, and on every other route and port that reaches Django`]
    : [];
  return [...new Set(lines), ...where].join("\n");
}

function proxyLines(id: ClauseId, context: FixContext): string[] {
  const { fix } = clause(id);
  const forProxy = (proxy: ProxyKind) => derivedProxyFix(id, proxy, context) ?? fix[proxy];
  if (context.proxy) {
    const text = forProxy(context.proxy);
    return text ? [`${context.proxy}: ${text}`] : [];
  }
  const each = PROXY_KINDS.flatMap((kind) => {
    const text = forProxy(kind);
    return text ? [`${kind}: ${text}`] : [];
  });
  return each.length ? ["(the proxy was not identified; the fix for each)", ...each] : [];
}

function appServerLines(id: ClauseId, context: FixContext): string[] {
  const { fix } = clause(id);
  if (context.appServer) {
    const text = fix[context.appServer];
    return text ? [`${context.appServer}: ${text}`] : [];
  }
  const each = APP_SERVER_KINDS.flatMap((kind) => (fix[kind] ? [`${kind}: ${fix[kind]}`] : []));
  return each.length ? ["(the app server was not identified; the fix for each)", ...each] : [];
}

/** The fix for one clause in this deployment: the proxy's part, Django's, then the app server's. */
export function renderFix(id: ClauseId, context: FixContext = {}): string {
  const django = clause(id).fix.django;
  const lines = [
    ...proxyLines(id, context),
    ...(django ? [`django: ${django}`] : []),
    ...appServerLines(id, context),
  ];
  return withSiteHost(lines.join("\n"), context.siteHost);
}

/** The deployment a report is about, as far as it tells: a scan's (or doctor's) proxy, app server and host. */
export function deploymentOf(report: Report): FixContext {
  // A doctor's target is "URL + files"; an audit's is files only.
  const url = report.target.split(" ")[0] ?? "";
  const live = (report.command === "scan" || report.command === "doctor") && URL.canParse(url);
  return {
    proxy: PROXY_KINDS.find((kind) => kind === report.proxy),
    appServer: report.identified?.appServer?.kind,
    ...(live ? { siteHost: new URL(url).host } : {}),
  };
}
