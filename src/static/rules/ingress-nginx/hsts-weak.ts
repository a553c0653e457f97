/** ingress-nginx adds HSTS to TLS responses by default (max-age one year, includeSubDomains); the ConfigMap can weaken it. */
import { clause } from "../../../clauses.js";
import {
  controllerValue,
  describeBool,
  isFalse,
  type ControllerValue,
} from "../../kubernetes/ingress-nginx.js";
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";

const ONE_YEAR = 31536000;

/**
 * What is wrong with hsts-max-age, if anything. The controller copies it as written into "max-age=…"; without
 * a number of seconds the header breaks RFC 6797's grammar and browsers ignore all of it.
 */
function maxAgeWeakness(maxAge: ControllerValue): string | undefined {
  const seconds = maxAge.value.trim();
  if (seconds === "")
    return 'hsts-max-age is empty: the controller sends "max-age=" with no number, a header browsers ignore';
  if (!/^\d+$/.test(seconds))
    return `hsts-max-age is "${maxAge.value}", not a number of seconds: browsers ignore the header it makes`;
  return Number(seconds) < ONE_YEAR ? `hsts-max-age is ${seconds}, under a year` : undefined;
}

export const ingressNginxHstsWeak: StaticRule = {
  meta: {
    id: "ingress-nginx-hsts-weak",
    clause: "hsts",
    severity: "low",
    title: "The ingress-nginx ConfigMap turns HSTS off or weakens it",
    explanation:
      'hsts: "false", an hsts-max-age under a year or hsts-include-subdomains: "false" in the controller ConfigMap leaves browsers free to try plain HTTP first. With hsts off, a strong HSTS sent by Django still reaches browsers; a weak max-age or includeSubDomains off cannot be made up for by Django, as the controller sets its own Strict-Transport-Security on every TLS response, replacing the one from the app.',
    fix: {
      "ingress-nginx":
        'hsts: "true", hsts-max-age: "31536000", hsts-include-subdomains: "true"  # the defaults',
      django: clause("hsts").fix.django,
    },
  },
  check(input: AuditInput): RuleFinding[] {
    const off = controllerValue(input.kubernetes, "hsts");
    const maxAge = controllerValue(input.kubernetes, "hsts-max-age");
    const subdomains = controllerValue(input.kubernetes, "hsts-include-subdomains");
    // With hsts off the controller sends no header: how it would have written one does not matter.
    if (off && isFalse(off))
      return [
        {
          status: "warn",
          message: `hsts is ${describeBool(off)}: no Strict-Transport-Security at all (fine only if Django sends HSTS)`,
          location: off.location,
        },
      ];
    const weak = [
      ...(maxAge && maxAgeWeakness(maxAge) ? [{ why: maxAgeWeakness(maxAge)!, at: maxAge }] : []),
      ...(subdomains && isFalse(subdomains)
        ? [{ why: `hsts-include-subdomains is ${describeBool(subdomains)}`, at: subdomains }]
        : []),
    ];
    return weak.map(({ why, at }) => ({
      status: "warn",
      // The controller sets its own header on every TLS response, over any Django sent.
      message: `${why} (it replaces any Strict-Transport-Security Django sends)`,
      location: at.location,
    }));
  },
};
