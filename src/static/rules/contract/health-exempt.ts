/**
 * Health checks over plain HTTP must get a plain answer: the proxy lets the path through, and Django's
 * SECURE_SSL_REDIRECT exempts it (SECURE_REDIRECT_EXEMPT). Each side's half is useless without the other's.
 */
import type { RuleFinding } from "../../rule.js";
import { exemptFromRedirect, redirectingBranches, reprList, stringItems } from "../../contract/app-side.js";
import { allRoutes, contractRule, finding, type ContractInput } from "./shared.js";
import { where } from "../../contract/scheme.js";
import { candidates, judgedOn, type Candidate } from "../../python/settings-queries.js";

const HEALTH_PATH = /(health|ping|ready|live|status|heartbeat|alive)/i;

function judge(input: ContractInput, redirect: Candidate, exempt: Candidate): RuleFinding[] {
  const patterns = stringItems(exempt);
  const suffix = `${judgedOn(redirect)}${judgedOn(exempt)}`;
  const plainRoutes = allRoutes(input).filter((route) => route.traffic.includes("plain"));
  if (!patterns) {
    if (plainRoutes.length === 0) return [];
    return [
      finding(
        "error",
        `${exempt.label}: the exempt paths cannot be read, so whether health checks over plain HTTP are redirected cannot be told.`,
        input.settings.locate("SECURE_REDIRECT_EXEMPT"),
      ),
    ];
  }
  const findings: RuleFinding[] = [];
  for (const route of plainRoutes) {
    if (route.plainPaths === "all") {
      if (patterns.length === 0) {
        findings.push(
          finding(
            "warn",
            `${route.label} passes plain HTTP to the app, ${redirect.label} and ${exempt.label}: a load balancer's health check over HTTP gets a redirect, not an answer${suffix}.`,
            input.settings.locate("SECURE_REDIRECT_EXEMPT"),
          ),
        );
      }
      continue;
    }
    for (const path of route.plainPaths.filter((p) => HEALTH_PATH.test(p))) {
      const exempted = exemptFromRedirect(patterns, path);
      if (exempted === true) continue;
      findings.push(
        finding(
          exempted === undefined ? "error" : "fail",
          exempted === undefined
            ? `${route.label} serves ${path} over plain HTTP, and ${exempt.label} holds patterns that cannot be evaluated here: whether Django redirects it cannot be told.`
            : `${route.label} serves ${path} over plain HTTP for health checks, but ${redirect.label} and no pattern in ${exempt.label} matches '${path.replace(/^\//, "")}': the check gets a redirect${suffix}.`,
          input.settings.locate("SECURE_REDIRECT_EXEMPT"),
        ),
      );
    }
  }
  const redirectsEverything = input.views.flatMap((view) => view.plainRedirects);
  if (patterns.length > 0 && plainRoutes.length === 0 && redirectsEverything.length > 0) {
    findings.push(
      finding(
        "warn",
        `${exempt.label} keeps ${reprList(patterns)} on plain HTTP, but the proxy redirects every plain-HTTP request before it reaches the app (${redirectsEverything.map(where).join(", ")}): a health check over HTTP through the proxy is redirected${suffix}.`,
        redirectsEverything[0]!,
      ),
    );
  }
  return findings;
}

export const healthExemptVsProxy = contractRule(
  {
    id: "contract-health-exempt",
    clause: "health-exempt",
    severity: "medium",
    title: "Health checks over plain HTTP are redirected by one side",
    explanation:
      "A load balancer that probes /healthz over plain HTTP and gets a 301 marks the instance down. The proxy must let the health path through on port 80 and Django must exempt it from SECURE_SSL_REDIRECT (SECURE_REDIRECT_EXEMPT = [r'^healthz$']); one without the other still redirects.",
    fix: {
      django: "SECURE_REDIRECT_EXEMPT = [r'^healthz$']",
      nginx: "location = /healthz { proxy_pass http://app; }  # in the port-80 server, next to the redirect",
      caddy:
        "http://app.example.com { handle /healthz { reverse_proxy app:8000 } handle { redir https://{host}{uri} 308 } }",
      haproxy: "http-request redirect scheme https code 301 unless { ssl_fc } || { path /healthz }",
      apache:
        '# In the port-80 vhost\nRewriteRule "!^/healthz$" "https://app.example.com%{REQUEST_URI}" [R=301,L]',
    },
  },
  (input) =>
    redirectingBranches(input.settings).flatMap((redirect) =>
      candidates(input.settings, "SECURE_REDIRECT_EXEMPT").flatMap((exempt) =>
        judge(input, redirect, exempt),
      ),
    ),
);
