/** Turns what the user typed into a validated InitRequest (or an InitInputError). */
import type { AppServerKind } from "../clauses.js";
import {
  checkAppServer,
  DEFAULT_LISTENING,
  InitInputError,
  parseDomain,
  parseAppDir,
  parseHealthPath,
  parsePackage,
  parseUpstream,
  resolveProxyAddress,
  type InitProxy,
  type InitRequest,
  type OuterTier,
} from "./model.js";

export interface InitAnswers {
  proxy: InitProxy;
  domains: string[];
  healthPath: string;
  behind?: OuterTier;
  /** Default gunicorn. */
  appServer?: AppServerKind;
  /** Default /srv/<first domain>. */
  appDir?: string;
  /** Default "project". */
  project?: string;
  /** Default DEFAULT_UPSTREAM; none with mod_wsgi. */
  upstream?: string;
  /** None with mod_wsgi. */
  proxyAddress?: string;
}

/** Where the app server listens unless --upstream says otherwise. */
export const DEFAULT_UPSTREAM = "127.0.0.1:8000";

export function buildInitRequest(answers: InitAnswers): InitRequest {
  if (answers.domains.length === 0) throw new InitInputError("init needs at least one --domain");
  const domains = [...new Set(answers.domains.map(parseDomain))];
  const site = {
    domains,
    healthPath: parseHealthPath(answers.healthPath),
    ...(answers.behind ? { behind: answers.behind } : {}),
    app: {
      dir: parseAppDir(answers.appDir ?? `/srv/${domains[0] as string}`),
      package: parsePackage(answers.project ?? "project"),
    },
    listening: DEFAULT_LISTENING,
  };
  const appServer = answers.appServer ?? "gunicorn";
  if (appServer === "mod_wsgi") return { ...site, ...inProcess(answers), appServer };
  const upstream = parseUpstream(answers.upstream ?? DEFAULT_UPSTREAM);
  checkAppServer(appServer, upstream);
  return {
    ...site,
    proxy: answers.proxy,
    appServer,
    upstream,
    proxyAddress: resolveProxyAddress(upstream, answers.proxyAddress),
  };
}

/** mod_wsgi runs Django inside Apache: only Apache can host it, and nothing is forwarded to an upstream. */
function inProcess(answers: InitAnswers): { proxy: "apache" } {
  if (answers.proxy !== "apache")
    throw new InitInputError("--app-server mod_wsgi runs Django inside Apache: use it with --proxy apache");
  const forwardingOption =
    answers.upstream !== undefined
      ? "--upstream"
      : answers.proxyAddress !== undefined
        ? "--proxy-address"
        : undefined;
  if (forwardingOption)
    throw new InitInputError(
      `${forwardingOption} is for an app server the proxy forwards to; with --app-server mod_wsgi, Django runs inside Apache: leave it out`,
    );
  return { proxy: "apache" };
}
