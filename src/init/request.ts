/** Turns what the user typed into a validated InitRequest (or an InitInputError). */
import {
  DEFAULT_LISTENING,
  InitInputError,
  parseDomain,
  parseHealthPath,
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
  upstream: string;
  proxyAddress?: string;
}

export function buildInitRequest(answers: InitAnswers): InitRequest {
  if (answers.domains.length === 0) throw new InitInputError("init needs at least one --domain");
  const domains = [...new Set(answers.domains.map(parseDomain))];
  const upstream = parseUpstream(answers.upstream);
  return {
    proxy: answers.proxy,
    domains,
    healthPath: parseHealthPath(answers.healthPath),
    ...(answers.behind ? { behind: answers.behind } : {}),
    upstream,
    proxyAddress: resolveProxyAddress(upstream, answers.proxyAddress),
    listening: DEFAULT_LISTENING,
  };
}
