/** ingress-nginx adds HSTS to TLS responses by default (max-age one year, includeSubDomains); the ConfigMap can weaken it. */
import { clause } from "../../../clauses.js";
import { controllerValue, isFalse } from "../../kubernetes/ingress-nginx.js";
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import { djangoSendsHsts } from "../caddy/django-side.js";

const ONE_YEAR = 31536000;

export const ingressNginxHstsWeak: StaticRule = {
  meta: {
    id: "ingress-nginx-hsts-weak",
    clause: "hsts",
    severity: "low",
    title: "The ingress-nginx ConfigMap turns HSTS off or weakens it",
    explanation:
      'hsts: "false", an hsts-max-age under a year or hsts-include-subdomains: "false" in the controller ConfigMap leaves browsers free to try plain HTTP first, unless Django sends a strong HSTS itself.',
    fix: {
      "ingress-nginx":
        'hsts: "true", hsts-max-age: "31536000", hsts-include-subdomains: "true"  # the defaults',
      django: clause("hsts").fix.django,
    },
  },
  check(input: AuditInput): RuleFinding[] {
    if (djangoSendsHsts(input)) return [];
    const off = controllerValue(input.kubernetes, "hsts");
    const maxAge = controllerValue(input.kubernetes, "hsts-max-age");
    const subdomains = controllerValue(input.kubernetes, "hsts-include-subdomains");
    const weak = [
      ...(off && isFalse(off)
        ? [{ why: 'hsts is "false": no Strict-Transport-Security at all', at: off }]
        : []),
      ...(maxAge && !(Number(maxAge.value) >= ONE_YEAR)
        ? [{ why: `hsts-max-age is ${maxAge.value}, under a year`, at: maxAge }]
        : []),
      ...(subdomains && isFalse(subdomains)
        ? [{ why: 'hsts-include-subdomains is "false"', at: subdomains }]
        : []),
    ];
    return weak.map(({ why, at }) => ({
      status: "warn",
      message: `${why} (fine only if Django sends HSTS)`,
      location: at.location,
    }));
  },
};
