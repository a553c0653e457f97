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
  upstream: string;
  proxyAddress?: string;
}

export function buildInitRequest(answers: InitAnswers): InitRequest {
  if (answers.domains.length === 0) throw new InitInputError("init needs at least one --domain");
  const domains = [...new Set(answers.domains.map(parseDomain))];
  const upstream = parseUpstream(answers.upstream);
  const appServer = answers.appServer ?? "gunicorn";
  checkAppServer(appServer, answers.proxy, upstream);
  return {
    proxy: answers.proxy,
    domains,
    healthPath: parseHealthPath(answers.healthPath),
    ...(answers.behind ? { behind: answers.behind } : {}),
    appServer,
    app: {
      dir: parseAppDir(answers.appDir ?? `/srv/${domains[0] as string}`),
      package: parsePackage(answers.project ?? "project"),
    },
    upstream,
    proxyAddress: resolveProxyAddress(upstream, answers.proxyAddress),
    listening: DEFAULT_LISTENING,
  };
}
