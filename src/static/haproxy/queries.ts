/** What the rules ask of a parsed HAProxy config: inheritance, binds, backends, conditions. */
import { classifyHost, hostOfAddress, trustBreadth } from "../gunicorn/addresses.js";
import { perConfig } from "../memo.js";
import type {
  HaproxyCondition,
  HaproxyConditionTerm,
  HaproxyConfig,
  HaproxyDirective,
  HaproxySection,
} from "./model.js";

export function isProxySection(section: HaproxySection): boolean {
  return section.kind === "frontend" || section.kind === "backend" || section.kind === "listen";
}

/**
 * The defaults section a section inherits from: the one named by `from`, else (for proxies) the last one
 * before it. A defaults section without `from` starts afresh: HAProxy resets the defaults there.
 */
export function defaultsOf(config: HaproxyConfig, section: HaproxySection): HaproxySection | undefined {
  return defaultsBySection(config).get(section);
}

/** Every section's defaults, found in one pass: each proxy's rules ask for theirs, often several times. */
const defaultsBySection = perConfig((config: HaproxyConfig): ReadonlyMap<HaproxySection, HaproxySection> => {
  const found = new Map<HaproxySection, HaproxySection>();
  const lastByName = new Map<string | undefined, HaproxySection>();
  let last: HaproxySection | undefined;
  for (const section of config.sections) {
    const defaults =
      section.from !== undefined
        ? lastByName.get(section.from)
        : section.kind === "defaults"
          ? undefined
          : last;
    if (defaults) found.set(section, defaults);
    if (section.kind === "defaults") {
      lastByName.set(section.name, section);
      last = section;
    }
  }
  return found;
});

/** Last directive with this keyword (and first argument, when given) in the section, else in its defaults. */
function inherited(
  config: HaproxyConfig,
  section: HaproxySection,
  matches: (d: HaproxyDirective) => boolean,
): HaproxyDirective | undefined {
  const own = section.directives.findLast(matches);
  if (own) return own;
  const defaults = defaultsOf(config, section);
  return defaults ? inherited(config, defaults, matches) : undefined;
}

/** `mode` in the section or its defaults; HAProxy's own default is tcp. */
export function modeOf(config: HaproxyConfig, section: HaproxySection): string {
  return inherited(config, section, (d) => d.keyword === "mode")?.args[0] ?? "tcp";
}

/** The `option <name>` in effect (its directive), or undefined when absent or cancelled by `no option <name>`. */
export function optionOf(
  config: HaproxyConfig,
  section: HaproxySection,
  name: string,
): HaproxyDirective | undefined {
  const found = inherited(
    config,
    section,
    (d) =>
      (d.keyword === "option" && d.args[0] === name) ||
      (d.keyword === "no" && d.args[0] === "option" && d.args[1] === name),
  );
  return found?.keyword === "option" ? found : undefined;
}

export interface Bind {
  directive: HaproxyDirective;
  address: string;
  ssl: boolean;
  acceptProxy: boolean;
}

export function bindsOf(section: HaproxySection): Bind[] {
  return section.directives
    .filter((d) => d.keyword === "bind")
    .flatMap((directive) =>
      (directive.args[0] ?? "").split(",").map((address) => ({
        directive,
        address,
        ssl: directive.args.includes("ssl"),
        acceptProxy: directive.args.includes("accept-proxy"),
      })),
    );
}

/**
 * Backends a frontend can send requests to: default_backend and use_backend with literal names; a listen is
 * its own. A name with a `%` is a log-format expression (`use_backend %[req.hdr(host),map(hosts.map)]`)
 * that HAProxy evaluates per request: the request, which the client writes, may pick any backend (or listen)
 * of the same mode.
 */
export function backendsOf(config: HaproxyConfig, section: HaproxySection): HaproxySection[] {
  if (section.kind === "listen") return [section];
  const names = section.directives
    .filter((d) => d.keyword === "default_backend" || d.keyword === "use_backend")
    .map((d) => d.args[0] ?? "");
  if (names.some((name) => name.includes("%"))) {
    const mode = modeOf(config, section);
    return config.sections.filter(
      (s) => (s.kind === "backend" || s.kind === "listen") && modeOf(config, s) === mode,
    );
  }
  const defaults = defaultsOf(config, section);
  const inheritedDefault = defaults?.directives.findLast((d) => d.keyword === "default_backend")?.args[0];
  if (inheritedDefault && !section.directives.some((d) => d.keyword === "default_backend"))
    names.push(inheritedDefault);
  return config.sections.filter(
    (s) => (s.kind === "backend" || s.kind === "listen") && s.name !== undefined && names.includes(s.name),
  );
}

/**
 * A proxy section with the named defaults section it uses in front: HAProxy (2.5+) runs the http-request and
 * http-response rules of a named defaults section before the proxy's own. An anonymous one cannot hold rules.
 */
export function withDefaultsRules(config: HaproxyConfig, section: HaproxySection): HaproxySection[] {
  const defaults = defaultsOf(config, section);
  return defaults?.name !== undefined ? [defaults, section] : [section];
}

/** The sections whose rules a request from `entry` to `backend` passes: the frontend's, then the backend's, each after its defaults'. */
export function requestSections(
  config: HaproxyConfig,
  entry: HaproxySection,
  backend: HaproxySection,
): HaproxySection[] {
  return (backend === entry ? [entry] : [entry, backend]).flatMap((s) => withDefaultsRules(config, s));
}

/**
 * The sections whose http-response (and then http-after-response) rules the response passes: the backend's,
 * then the frontend's, each after its defaults' (dbe, be, dfe, fe, as haproxy 2.6 runs them).
 */
export function responseSections(
  config: HaproxyConfig,
  entry: HaproxySection,
  backend: HaproxySection,
): HaproxySection[] {
  return requestSections(config, backend, entry);
}

/** HTTP frontends (and listens) that send traffic to at least one server: the ones that proxy to the app. */
export function httpEntryPoints(config: HaproxyConfig): HaproxySection[] {
  return config.sections.filter(
    (s) =>
      (s.kind === "frontend" || s.kind === "listen") &&
      bindsOf(s).length > 0 &&
      modeOf(config, s) === "http" &&
      backendsOf(config, s).some((b) =>
        b.directives.some((d) => d.keyword === "server" || d.keyword === "server-template"),
      ),
  );
}

/** Rules ask about ACLs once per directive; parsed configs are not mutated after loading. */
const aclCache = new WeakMap<HaproxySection, Map<string, string[][]>>();

/** ACL criteria by name, as written on `acl <name> <criterion> ...` lines (several lines OR together). */
function aclCriteria(section: HaproxySection): Map<string, string[][]> {
  const cached = aclCache.get(section);
  if (cached) return cached;
  const acls = new Map<string, string[][]>();
  aclCache.set(section, acls);
  for (const d of section.directives.filter((d) => d.keyword === "acl")) {
    const [name, ...rest] = d.args;
    if (name) acls.set(name, [...(acls.get(name) ?? []), rest]);
  }
  return acls;
}

/** Every criterion a condition tests, with named ACLs replaced by their definitions. */
export function conditionCriteria(
  section: HaproxySection,
  condition: HaproxyCondition | undefined,
): string[][] {
  if (!condition) return [];
  const acls = aclCriteria(section);
  return condition.alternatives
    .flat()
    .flatMap((term) => (term.anonymous ? [term.anonymous] : (acls.get(term.acl ?? "") ?? [])));
}

/** True when any term of the condition tests something `matches` recognises, directly or through a named ACL. */
export function conditionTests(
  section: HaproxySection,
  condition: HaproxyCondition | undefined,
  matches: (criterion: string[]) => boolean,
): boolean {
  return conditionCriteria(section, condition).some(matches);
}

const REJECTING_ACTIONS = new Set(["deny", "reject", "tarpit", "silent-drop", "return", "redirect"]);

/**
 * A fetch of a request header's value: hdr() and fhdr() (the full value, commas kept), with or
 * without `req.`, and the matching forms (hdr_beg, hdr_dom …). hdr_cnt and hdr_len give a number,
 * not the value: a rule on them checks nothing about which host was asked for.
 */
const HEADER_FETCH = String.raw`(?:req\.)?f?hdr(?:_(?:beg|end|dom|reg|sub|str|ip|val))?\(`;

const TESTS_HOST = new RegExp(String.raw`^${HEADER_FETCH}\s*(host|:authority)\b`, "i");

/** A criterion whose fetch is the Host header (or the authority in HTTP/2). */
function testsHost(criterion: string[]): boolean {
  return TESTS_HOST.test(criterion[0] ?? "");
}

const COPIES_HOST = new RegExp(String.raw`%\[\s*${HEADER_FETCH}\s*host\s*[),]`, "i");
const COPIES_CLIENT = new RegExp(String.raw`%\[\s*${HEADER_FETCH}(?!\s*host\s*[),])`, "i");

/** A set-header value that reads the client's Host header. */
export const copiesHost = (value: string): boolean => COPIES_HOST.test(value);

/** A set-header value that copies a request header the client wrote (Host aside): the client still picks it. */
export const copiesClientHeader = (value: string): boolean => COPIES_CLIENT.test(value);

export interface HostFilter {
  /** The Host tests of the http-request rules that reject other hosts and of the use_backend lines, in file order. */
  hostTests: string[][];
  /** An http-request rule rejects (or redirects) requests for hosts it does not list. */
  rejects: boolean;
  /** A use_backend line chooses its backend by Host. */
  routesByHost: boolean;
  /** Requests for any host reach the app: nothing rejects by Host, and a default backend (or a listen) takes what host routing leaves. */
  catchAll: boolean;
}

/**
 * The Host tests of a rejecting rule that fires for the hosts they do NOT match (`unless { hdr(host) -i
 * app.example.com }`, `if !{ ... }`): an allowlist. One that fires for the hosts it matches (`redirect prefix
 * https://www.example.com if { hdr(host) -i example.com }`, a deny of one bad name) lets every other host through.
 */
function rejectedHostTests(section: HaproxySection, condition: HaproxyCondition | undefined): string[][] {
  if (!condition) return [];
  const acls = aclCriteria(section);
  const hostTests = (terms: HaproxyCondition["alternatives"][number]) =>
    terms
      .flatMap((term) => (term.anonymous ? [term.anonymous] : (acls.get(term.acl ?? "") ?? [])))
      .filter(testsHost);
  // `unless A || B` fires when no alternative holds: a Host test in one keeps the hosts it lists out.
  if (condition.polarity === "unless")
    return hostTests(condition.alternatives.flat().filter((t) => !t.negated));
  // `if !A B` fires when every term holds: a Host it must match (`if !{ www } { example.com }`) narrows it to that host.
  return condition.alternatives
    .filter((terms) => hostTests(terms.filter((t) => !t.negated)).length === 0)
    .flatMap((terms) => hostTests(terms.filter((t) => t.negated)));
}

/** How a frontend (or listen) filters requests by Host, its named defaults' rules included. */
export function hostFilter(config: HaproxyConfig, entry: HaproxySection): HostFilter {
  const rules = withDefaultsRules(config, entry).flatMap((section) =>
    section.directives
      .filter(
        (d) =>
          (d.keyword === "http-request" && REJECTING_ACTIONS.has(d.args[0] ?? "")) ||
          d.keyword === "use_backend",
      )
      .map((directive) => ({
        directive,
        // A condition names the ACLs of the section it is written in.
        hostTests:
          directive.keyword === "use_backend"
            ? conditionCriteria(section, directive.condition).filter(testsHost)
            : rejectedHostTests(section, directive.condition),
      })),
  );
  const testing = rules.filter((rule) => rule.hostTests.length > 0);
  const rejects = testing.some((rule) => rule.directive.keyword === "http-request");
  const routesByHost = testing.some((rule) => rule.directive.keyword === "use_backend");
  // A default_backend in the defaults (named or not) takes the hosts use_backend leaves, as the frontend's own does.
  const fallback =
    entry.kind === "listen" || inherited(config, entry, (d) => d.keyword === "default_backend") !== undefined;
  return {
    hostTests: testing.flatMap((rule) => rule.hostTests),
    rejects,
    routesByHost,
    catchAll: !(rejects || (routesByHost && !fallback)),
  };
}

function isSslTest(criterion: string[]): boolean {
  return criterion.length === 1 && criterion[0] === "ssl_fc";
}

/** A directive with the section it is written in, whose ACLs its condition names. */
export interface SectionDirective {
  section: HaproxySection;
  directive: HaproxyDirective;
}

/**
 * `redirect scheme https` / `http-request redirect scheme|prefix|location https...` that reaches plain
 * requests, in the proxy or in the named defaults whose rules run before its own.
 */
export function redirectsPlainToHttps(
  config: HaproxyConfig,
  proxy: HaproxySection,
): SectionDirective | undefined {
  for (const section of withDefaultsRules(config, proxy)) {
    const directive = section.directives.find((d) => {
      const args =
        d.keyword === "http-request" && d.args[0] === "redirect"
          ? d.args.slice(1)
          : d.keyword === "redirect"
            ? d.args
            : undefined;
      if (!args) return false;
      const [how, target = ""] = args;
      const toHttps = how === "scheme" ? target === "https" : /^https:\/\//i.test(target);
      return toHttps && reachesAllPlain(section, d.condition);
    });
    if (directive) return { section, directive };
  }
  return undefined;
}

/** A criterion on the request's path (or URL): what a health-check exemption tests. */
function isPathTest(criterion: string[]): boolean {
  return /^(?:path|url)(?:_[a-z]+)?(?:,|$)/.test(criterion[0] ?? "");
}

/**
 * True when a redirect's condition holds for every plain request, or for every one but some paths
 * (`unless { ssl_fc } || { path /healthz }`, `if !{ ssl_fc } !{ path /healthz }`: the usual way to exempt
 * a health check). Any other test beside the plain-traffic one (`if !{ ssl_fc } { hdr(host) -i example.com }`)
 * lets the requests it does not match through on plain HTTP.
 */
function reachesAllPlain(section: HaproxySection, condition: HaproxyCondition | undefined): boolean {
  if (!condition) return true;
  const acls = aclCriteria(section);
  const criteria = (term: HaproxyConditionTerm) =>
    term.anonymous ? [term.anonymous] : (acls.get(term.acl ?? "") ?? []);
  const onPlain = (term: HaproxyConditionTerm) => termOutcome(criteria(term), term.negated, "plain").kind;
  const pathOnly = (term: HaproxyConditionTerm) =>
    criteria(term).length > 0 && criteria(term).every(isPathTest);
  if (condition.polarity === "if")
    // One alternative that holds on plain traffic, but for the paths it excludes, is enough.
    return condition.alternatives.some((terms) =>
      terms.every((t) => onPlain(t) === "always" || (t.negated && pathOnly(t))),
    );
  // unless A || B: the redirect needs every alternative to fail. One fails on all plain traffic when a
  // term never holds there, and on all but some paths when what is left of it tests paths only.
  return condition.alternatives.every((terms) => {
    if (terms.some((t) => onPlain(t) === "never")) return true;
    const open = terms.filter((t) => onPlain(t) !== "always");
    return open.length > 0 && open.every((t) => !t.negated && pathOnly(t));
  });
}

/**
 * `http-request set-header|add-header|del-header <name>` lines (or the `actions` asked for), for a header
 * name compared case-insensitively.
 */
export function headerActions(
  sections: HaproxySection[],
  prefix: "http-request" | "http-response",
  names: string[],
  actions: readonly HeaderAction["action"][] = ["set-header", "add-header", "del-header"],
): HeaderAction[] {
  const wanted = names.map((n) => n.toLowerCase());
  return sections.flatMap((section) =>
    section.directives
      .filter(
        (d) => d.keyword === prefix || (prefix === "http-response" && d.keyword === "http-after-response"),
      )
      .filter((d) => actions.some((action) => action === d.args[0]))
      .filter((d) => wanted.includes((d.args[1] ?? "").toLowerCase()))
      .map((directive) => ({ section, directive, action: directive.args[0] as HeaderAction["action"] })),
  );
}

export interface HeaderAction extends SectionDirective {
  action: "set-header" | "add-header" | "del-header" | "replace-header" | "replace-value";
}

function hostKind(address: string): ReturnType<typeof classifyHost> {
  return classifyHost(hostOfAddress(address.replace(/^ipv[46]@/, "")));
}

/** unix@, abns@, fd@ or a path: reachable only through the file system (or handed down). */
export function isSocket(address: string): boolean {
  return /^(unix|abns|fd)@/.test(address) || hostKind(address) === "unix";
}

export function isLoopbackOrSocket(address: string): boolean {
  return isSocket(address) || hostKind(address) === "loopback";
}

/** send-proxy, send-proxy-v2 and their -ssl variants on a server line. */
export function sendsProxyProtocol(arg: string): boolean {
  return /^send-proxy(-v2)?(-ssl(-cn)?)?$/.test(arg);
}

/**
 * What decides a condition on one kind of traffic: nothing (it always or never holds: `{ ssl_fc }`), the
 * peer's address (`{ src 10.0.0.0/8 }`: only those peers), or the request, which the client writes.
 */
export type ConditionOutcome =
  { kind: "always" } | { kind: "never" } | { kind: "peer" | "request"; words: string };

type Outcome = ConditionOutcome;

function termOutcome(criteria: string[][], negated: boolean, traffic: "tls" | "plain"): Outcome {
  if (criteria.length > 0 && criteria.every(isSslTest)) {
    return (traffic === "tls") !== negated ? { kind: "always" } : { kind: "never" };
  }
  const peers = criteria.every((c) => c[0] === "src") ? criteria.flatMap((c) => c.slice(1)) : undefined;
  if (peers && peers.length > 0) {
    const listed = peers.includes("-f");
    const ranges = peers.filter((p) => p !== "-f").join(", ");
    const which = listed ? `listed in ${ranges}` : ranges;
    // Peers outside a range are the whole internet: only "inside" narrows who can pick the branch.
    if (!negated && !peers.some((p) => trustBreadth(p) === "everyone"))
      return { kind: "peer", words: `the peer is ${listed ? which : `in ${which}`}` };
    return {
      kind: "request",
      words: `the peer is ${negated ? (listed ? `not ${which}` : `outside ${which}`) : `in ${which}`}`,
    };
  }
  const written = criteria.map((c) => `{ ${c.join(" ")} }`).join(" or ");
  return { kind: "request", words: `${negated ? "not " : ""}${written || "an undefined ACL"}` };
}

/** AND or OR of outcomes: a peer test in an AND narrows the whole to those peers; an OR is the peer's only if every part is. */
function combine(outcomes: Outcome[], op: "and" | "or"): Outcome {
  const decisive = op === "and" ? "never" : "always";
  if (outcomes.some((o) => o.kind === decisive)) return { kind: decisive };
  const open = outcomes.filter((o): o is Extract<Outcome, { words: string }> => "words" in o);
  if (open.length === 0) return { kind: op === "and" ? "always" : "never" };
  const peer = op === "and" ? open.some((o) => o.kind === "peer") : open.every((o) => o.kind === "peer");
  return { kind: peer ? "peer" : "request", words: open.map((o) => o.words).join(` ${op} `) };
}

/**
 * A condition on one kind of traffic, or its negation (`negate`: when the rule does NOT apply). `unless`
 * negates the whole; negation goes down to the terms, so the words name what holds ("the peer is outside ...").
 */
export function conditionOutcome(
  section: HaproxySection,
  condition: HaproxyCondition | undefined,
  traffic: "tls" | "plain",
  negate = false,
): ConditionOutcome {
  if (!condition) return { kind: negate ? "never" : "always" };
  const flip = negate !== (condition.polarity === "unless");
  const acls = aclCriteria(section);
  const parts = condition.alternatives.map((terms) =>
    combine(
      terms.map((term) =>
        termOutcome(
          term.anonymous ? [term.anonymous] : (acls.get(term.acl ?? "") ?? []),
          term.negated !== flip,
          traffic,
        ),
      ),
      flip ? "or" : "and",
    ),
  );
  return combine(parts, flip ? "and" : "or");
}
