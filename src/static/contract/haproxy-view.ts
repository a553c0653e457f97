/**
 * The contract's view of an HAProxy configuration: one route per HTTP frontend and backend it sends to.
 * HAProxy forwards request headers as sent; http-request set-header / del-header in the frontend and then
 * the backend decide what the app receives, for TLS and plain requests separately.
 */
import type { HaproxyConfig, HaproxySection } from "../haproxy/model.js";
import {
  backendsOf,
  bindsOf,
  conditionCriteria,
  conditionOutcome,
  copiesClientHeader,
  copiesHost,
  headerActions,
  hostFilter,
  httpEntryPoints,
  redirectsPlainToHttps,
  requestSections,
  responseSections,
  type ConditionOutcome,
  type SectionDirective,
} from "../haproxy/queries.js";
import type { AppRoute, HeaderFate, ProxyView, Traffic } from "./proxy-view.js";

/** Words in an ACL criterion that are flags or match methods, not values. */
const CRITERION_FLAGS = /^(-[a-z]+|str|beg|end|sub|dom|reg|found|len)$/;

function locate(d: { file: string; line: number }) {
  return { file: d.file, line: d.line };
}

function valuesOf(criterion: string[]): string[] {
  return criterion.slice(1).filter((word) => !CRITERION_FLAGS.test(word));
}

/** Plain requests that get past the HTTPS redirect: "all" without one, else the paths its condition exempts. */
function plainPaths(redirect: SectionDirective | undefined): "all" | string[] {
  if (!redirect) return "all";
  return conditionCriteria(redirect.section, redirect.directive.condition)
    .filter((c) => /^path(_beg)?$/.test(c[0] ?? ""))
    .flatMap(valuesOf);
}

function schemeOf(value: string, traffic: Traffic): "https" | "http" | undefined {
  if (value === "https" || value === "http") return value;
  if (/%\[ssl_fc,iif\(https,http\)\]/.test(value)) return traffic === "tls" ? "https" : "http";
  return undefined;
}

/** The client's copy, now left in place only when `kept` holds (a conditional rule that removes or overwrites it). */
function keptWhen(
  fate: Extract<HeaderFate, { kind: "client" }>,
  kept: ConditionOutcome,
  line: number,
): HeaderFate {
  if (!("words" in kept)) return fate;
  const onlyWhen =
    kept.kind === "peer" ? [fate.onlyWhen, kept.words].filter(Boolean).join(" and ") : fate.onlyWhen;
  return {
    ...fate,
    how: `${fate.how}, and left in place by the rule at line ${line} when ${kept.words}`,
    ...(onlyWhen ? { onlyWhen } : {}),
  };
}

function headerFate(
  config: HaproxyConfig,
  entry: HaproxySection,
  backend: HaproxySection,
  name: string,
  traffic: Traffic,
): HeaderFate {
  let fate: HeaderFate = {
    kind: "client",
    how: "passed through (HAProxy forwards request headers as the client sent them)",
    at: locate(entry),
  };
  for (const { section, directive, action } of headerActions(
    requestSections(config, entry, backend),
    "http-request",
    [name],
  )) {
    const applies = conditionOutcome(section, directive.condition, traffic);
    if (applies.kind === "never") continue;
    const at = locate(directive);
    const value = directive.args[2] ?? "";
    if (applies.kind !== "always") {
      // A rule for some requests only: whose copy gets through depends on who decides its condition.
      if (
        fate.kind === "client" &&
        (action === "del-header" || (action === "set-header" && !copiesClientHeader(value)))
      )
        fate = keptWhen(fate, conditionOutcome(section, directive.condition, traffic, true), directive.line);
      else if (fate.kind !== "client" && action === "set-header" && copiesClientHeader(value))
        fate = {
          kind: "client",
          how: `copied from a request header (${value}) when ${applies.words}`,
          ...(applies.kind === "peer" ? { onlyWhen: applies.words } : {}),
          at,
        };
      continue;
    }
    if (action === "del-header") fate = { kind: "removed", at };
    else if (action === "add-header" && fate.kind === "client") {
      // Without a client copy, the added value is the only one.
      const fallback = schemeOf(value, traffic);
      fate = {
        kind: "client",
        how: "kept first: add-header appends after the client's copy",
        ...(fallback ? { fallbackScheme: fallback } : {}),
        at,
      };
    } else if (action === "set-header" || fate.kind === "removed") {
      const scheme = schemeOf(value, traffic);
      fate = copiesClientHeader(value)
        ? { kind: "client", how: `copied from a request header (${value})`, at }
        : { kind: "proxy", value, ...(scheme ? { scheme } : {}), at };
    }
  }
  return fate;
}

function hostRewrite(
  config: HaproxyConfig,
  entry: HaproxySection,
  backend: HaproxySection,
): AppRoute["hostRewrite"] {
  const set = headerActions(requestSections(config, entry, backend), "http-request", ["Host"])
    .filter((a) => a.action === "set-header" && !copiesHost(a.directive.args[2] ?? ""))
    .at(-1);
  if (!set) return undefined;
  const value = set.directive.args[2] ?? "";
  return { value, ...(value.includes("%[") ? {} : { host: value }), at: locate(set.directive) };
}

/** The backend's server addresses, unless it binds its own source address (`source`, in the section or on a server). */
function serverAddresses(backend: HaproxySection): Pick<AppRoute, "upstreams"> {
  const servers = backend.directives.filter((d) => d.keyword === "server");
  const ownSource =
    backend.directives.some((d) => d.keyword === "source") || servers.some((d) => d.args.includes("source"));
  const templates = backend.directives.some((d) => d.keyword === "server-template");
  return ownSource || templates ? {} : { upstreams: servers.map((d) => d.args[1] ?? "") };
}

/** The routes through one HTTP frontend or listen section: one per backend it sends to that has servers. */
export function haproxyEntryRoutes(config: HaproxyConfig, entry: HaproxySection): AppRoute[] {
  const binds = bindsOf(entry);
  const paths = plainPaths(redirectsPlainToHttps(config, entry));
  const traffic: Traffic[] = [
    ...(binds.some((b) => b.ssl) ? ["tls" as const] : []),
    ...(binds.some((b) => !b.ssl) && paths.length > 0 ? ["plain" as const] : []),
  ];
  const { hostTests, catchAll } = hostFilter(config, entry);
  const hosts = [...new Set(hostTests.flatMap(valuesOf))];
  return backendsOf(config, entry)
    .filter((backend) =>
      backend.directives.some((d) => d.keyword === "server" || d.keyword === "server-template"),
    )
    .map((backend): AppRoute => {
      const rewrite = hostRewrite(config, entry, backend);
      return {
        proxy: "haproxy",
        label: `${entry.kind} ${entry.name ?? ""} to backend ${backend.name ?? ""}`,
        site: `${entry.kind} ${entry.name ?? ""}`,
        at: locate(entry),
        traffic,
        plainPaths: paths,
        hosts,
        catchAll,
        header: (name, kind) => headerFate(config, entry, backend, name, kind),
        ...serverAddresses(backend),
        ...(rewrite ? { hostRewrite: rewrite } : {}),
        sendsHsts: headerActions(responseSections(config, entry, backend), "http-response", [
          "Strict-Transport-Security",
        ]).some(
          (a) =>
            a.action !== "del-header" &&
            conditionOutcome(a.section, a.directive.condition, "tls").kind === "always",
        ),
      };
    });
}

export function haproxyView(config: HaproxyConfig): ProxyView {
  const entries = httpEntryPoints(config);
  const plainRedirects = entries.flatMap((entry) => {
    const redirect = bindsOf(entry).some((b) => !b.ssl) ? redirectsPlainToHttps(config, entry) : undefined;
    return redirect ? [locate(redirect.directive)] : [];
  });
  return {
    proxy: "haproxy",
    routes: entries.flatMap((entry) => haproxyEntryRoutes(config, entry)),
    plainRedirects,
  };
}
