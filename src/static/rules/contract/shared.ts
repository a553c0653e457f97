/** What every contract rule shares: it needs settings and a proxy, and asks where clients' copies of a header get through. */
import type { SourceLocation } from "../../../report/model.js";
import type { GunicornConfig } from "../../gunicorn/model.js";
import type { AppServerConfig } from "../../appserver/model.js";
import type { DjangoSettings } from "../../python/settings-model.js";
import type { RuleFinding, StaticRule, StaticRuleMeta } from "../../rule.js";
import { proxyViews } from "../../contract/views.js";
import {
  trafficLabel,
  underscoreSpelling,
  type AppRoute,
  type HeaderFate,
  type ProxyView,
  type Traffic,
} from "../../contract/proxy-view.js";

export interface ContractInput {
  settings: DjangoSettings;
  views: ProxyView[];
  gunicorn?: GunicornConfig;
  appServers: AppServerConfig[];
}

/** A rule over both sides: nothing unless the settings and at least one proxy config were read. */
export function contractRule(
  meta: StaticRuleMeta,
  check: (input: ContractInput) => RuleFinding[],
): StaticRule {
  return {
    meta,
    check(input) {
      if (!input.settings) return [];
      const views = proxyViews(input);
      if (views.length === 0) return [];
      const seen = new Set<string>();
      const findings = check({
        settings: input.settings,
        views,
        ...(input.gunicorn ? { gunicorn: input.gunicorn } : {}),
        appServers: input.appServers ?? [],
      });
      return findings.filter((f) => !seen.has(f.message) && seen.add(f.message));
    },
  };
}

export function finding(status: RuleFinding["status"], message: string, at: SourceLocation): RuleFinding {
  return { status, message, location: { file: at.file, line: at.line } };
}

export function allRoutes(input: ContractInput): AppRoute[] {
  return input.views.flatMap((view) => view.routes);
}

export interface ClientCopy {
  route: AppRoute;
  traffic: Traffic;
  header: string;
  fate: Extract<HeaderFate, { kind: "client" }>;
  /** The copy arrives under the underscore spelling, which gunicorn before 22 and uvicorn merge in. */
  underscore: boolean;
}

/**
 * Where a client's copy of `header` reaches the app. The underscore spelling is asked about only when
 * the header itself is safe: WSGI servers that merge it put it next to the proxy's value.
 */
export function clientCopies(routes: AppRoute[], header: string, withUnderscore: boolean): ClientCopy[] {
  return routes.flatMap((route) =>
    route.traffic.flatMap((traffic): ClientCopy[] => {
      const fate = route.header(header, traffic);
      if (fate.kind === "client") return [{ route, traffic, header, fate, underscore: false }];
      const spelled = underscoreSpelling(header);
      const merged = withUnderscore && spelled !== header ? route.header(spelled, traffic) : undefined;
      return merged?.kind === "client"
        ? [{ route, traffic, header: spelled, fate: merged, underscore: true }]
        : [];
    }),
  );
}

/**
 * A client copy on plain HTTP claims https, under the underscore spelling too (gunicorn before 22 and
 * uvicorn put it ahead of the proxy's value, and Django reads the first); on HTTPS it can only claim
 * http, and an onlyWhen copy depends on the peer.
 */
export function copyStatus(copy: ClientCopy): RuleFinding["status"] {
  return copy.traffic === "plain" && !copy.fate.onlyWhen ? "fail" : "warn";
}

/** The fate's `how` names the branches and peers it holds for. */
export function describeCopy(copy: ClientCopy): string {
  const merge = copy.underscore
    ? ` (gunicorn before 22 and uvicorn merge ${copy.header} into ${copy.header.replace(/_/g, "-")}, the client's copy first)`
    : "";
  return `${copy.header} is ${copy.fate.how} on ${trafficLabel(copy.traffic)} through ${copy.route.label}${merge}`;
}
