/**
 * One shape for every proxy, so each contract rule is written once: the routes by which requests
 * reach the app, what the app receives as a header on each, and where plain HTTP is redirected.
 * nginx-view.ts, caddy-view.ts, haproxy-view.ts and apache-view.ts build it with each parser's own query helpers;
 * views.ts builds the views of an audit's configs.
 */
import type { ProxyKind } from "../../clauses.js";
import type { SourceLocation } from "../../report/model.js";

export type Traffic = "tls" | "plain";

/** What the app receives as one request header, for one kind of traffic. */
export type HeaderFate = { at: SourceLocation } & (
  | {
      kind: "proxy";
      /** The value written, as in the config ("$scheme", "https", "{host}"). */
      value: string;
      /** "https" / "http" when the value is a scheme the proxy knows for this traffic. */
      scheme?: "https" | "http";
    }
  | { kind: "removed" }
  | {
      kind: "client";
      /** How the client's copy gets through, for messages: "passed through", "appended after"... */
      how: string;
      /** Set when the client's copy gets through only for some peers (e.g. Caddy's trusted_proxies). */
      onlyWhen?: string;
      /** The scheme the proxy writes itself when the client sent no copy. */
      fallbackScheme?: "https" | "http";
    }
);

export interface AppRoute {
  proxy: ProxyKind;
  /** "location / of the server on 127.0.0.1:443 (app.test)", for messages. */
  label: string;
  /** The server block, site or frontend the route belongs to: a browser's host-wide HSTS is learnt per site. */
  site: string;
  /** The pages it serves when not the whole site ("every page under location /api/"); undefined for every page. */
  pages?: string;
  at: SourceLocation;
  traffic: Traffic[];
  /**
   * The paths plain-HTTP requests reach the app on: "all", or the few a proxy lets through past its
   * HTTPS redirect (health checks, ACME).
   */
  plainPaths: "all" | string[];
  /** Host names whose requests this route passes to the app, as the proxy spells them ("app.test", "*.example.com"). */
  hosts: string[];
  /** Requests whose Host matches no name land here (a default server, a host-less site or frontend). */
  catchAll: boolean;
  header(name: string, traffic: Traffic): HeaderFate;
  /**
   * The addresses the proxy connects to ("127.0.0.1:8000", "web:8000", "unix:/run/app.sock"): the app
   * server's peer follows from them. Undefined when not known, or when the proxy binds its own source
   * address (nginx's proxy_bind, HAProxy's source).
   */
  upstreams?: readonly string[];
  /** Set when the proxy sends another Host than the client's (nginx's $proxy_host, header_up Host ...). */
  hostRewrite?: {
    value: string;
    /** The host Django then sees, when it is a literal (an upstream address or name). */
    host?: string;
    at: SourceLocation;
  };
  /**
   * Through uwsgi_pass: whether the HTTPS / UWSGI_SCHEME variable is sent (undefined for other routes,
   * or when an unread include may send it).
   */
  sendsSchemeVariable?: boolean;
  /**
   * The app runs inside the proxy (mod_wsgi): wsgi.url_scheme is the proxy's own connection's, so Django
   * knows https without any header, and reads one only where SECURE_PROXY_SSL_HEADER names it.
   */
  schemeFromConnection?: boolean;
  /** The proxy itself adds Strict-Transport-Security to responses of this route. */
  sendsHsts: boolean;
}

export interface ProxyView {
  proxy: ProxyKind;
  routes: AppRoute[];
  /** Plain-HTTP listeners that redirect requests to https before any reach the app. */
  plainRedirects: SourceLocation[];
}

export function trafficLabel(traffic: Traffic): string {
  return traffic === "tls" ? "HTTPS" : "plain HTTP";
}

/** The header name as it reaches WSGI with underscores, e.g. X_Forwarded_Proto: some proxies pass it as a separate header. */
export function underscoreSpelling(header: string): string {
  return header.replace(/-/g, "_");
}
