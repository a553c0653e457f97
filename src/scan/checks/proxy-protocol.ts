import type { Captured } from "../evidence.js";
import type { ProxyProtocolProbe } from "../evidence.js";
import { forgedAddressFindings } from "./client-ip.js";
import { describeOutcome, present, timedOut, type Judgement, type LiveCheck } from "./check.js";

/** Whether the request after (or without) the header was served: an HTTP answer below 400. */
function served(captured: Captured): boolean {
  const status = captured.response?.status;
  return status !== undefined && status < 400;
}

const headerOf = (p: ProxyProtocolProbe) => `PROXY v${p.version}`;

/** Failures that say nothing about PROXY headers: the listener was never reached. */
const UNREACHED = [
  "connection refused",
  "host name not found",
  "host name lookup failed",
  "host unreachable",
  "network unreachable",
];
const unreached = (captured: Captured) => UNREACHED.includes(captured.error ?? "");

/**
 * A PROXY protocol listener takes the header only from the load balancer (and insists on it), and the
 * site's ordinary listeners never take one: whoever may write the header chooses the client address.
 */
export const proxyProtocolCheck: LiveCheck = {
  id: "client-ip-proxy-protocol",
  clause: "client-ip",
  severity: "high",
  appliesTo: (e) => e.proxyProtocol !== undefined,
  judge(e): Judgement {
    const pp = e.proxyProtocol!;
    const of = (kind: ProxyProtocolProbe["kind"]) => pp.probes.filter((p) => p.kind === kind);
    const atListener = [...of("no-header"), ...of("forged-header")];
    const missed = pp.probes.find((p) => unreached(p.captured));
    if (missed) {
      return {
        status: "error",
        summary: `${missed.listener} could not be reached (${missed.captured.error}), so what it does with PROXY headers is unknown`,
        evidence: [missed.captured],
      };
    }

    const silent = pp.probes.find((p) => timedOut(p.captured));
    if (silent) {
      return {
        status: "error",
        summary: `${silent.listener} gave ${silent.kind === "no-header" ? "a request without a PROXY header" : `a ${headerOf(silent)} header`} no answer in time (${silent.captured.error}), which shows neither a refusal nor an acceptance`,
        evidence: [silent.captured],
      };
    }

    const failures: { text: string; evidence: Captured }[] = [];
    const warnings: { text: string; evidence: Captured }[] = [];
    const passes: string[] = [];

    for (const p of of("no-header")) {
      if (served(p.captured))
        failures.push({
          text: `${pp.listener} served a request without a PROXY header (${describeOutcome(p.captured)}): a listener that also takes plain connections lets anyone who reaches it choose between the two, and with a header, the client address`,
          evidence: p.captured,
        });
      else passes.push(`without a PROXY header ${pp.listener} refused (${describeOutcome(p.captured)})`);
    }

    for (const p of of("forged-header")) {
      if (!served(p.captured)) {
        passes.push(`${headerOf(p)} from this scanner: refused (${describeOutcome(p.captured)})`);
        continue;
      }
      if (!pp.probeAsked) {
        warnings.push({
          text: `${pp.listener} accepted a ${headerOf(p)} header from this scanner claiming ${pp.injected}; whether the app then believed it needs --probe-token. Unless this scanner runs where the load balancer does, the listener takes PROXY headers from strangers`,
          evidence: p.captured,
        });
        continue;
      }
      const found = forgedAddressFindings({
        header: `a ${headerOf(p)} header from this scanner`,
        injected: pp.injected,
        probe: p.captured,
      });
      if (found === undefined) {
        warnings.push({
          text: `${pp.listener} accepted a ${headerOf(p)} header from this scanner, but the probe middleware did not answer (${describeOutcome(p.captured)})`,
          evidence: p.captured,
        });
      } else if (found.length) {
        for (const f of found)
          (f.level === "fail" ? failures : warnings).push({ text: f.text, evidence: p.captured });
      } else {
        passes.push(
          `${headerOf(p)} from this scanner: accepted, but Django never saw ${pp.injected} (probe middleware)`,
        );
      }
    }

    for (const p of of("header-on-ordinary-listener")) {
      if (served(p.captured))
        failures.push({
          text: `the ordinary listener ${p.listener} served a request after a ${headerOf(p)} header (${describeOutcome(p.captured)}): it guesses whether a header is there, so anyone can send one`,
          evidence: p.captured,
        });
      else passes.push(`${p.listener} refused a ${headerOf(p)} header (${describeOutcome(p.captured)})`);
    }

    const shown = failures.length ? failures : warnings;
    if (shown.length) {
      return {
        status: failures.length ? "fail" : "warn",
        summary: shown.map((s) => s.text).join("\n"),
        evidence: present(...shown.map((s) => s.evidence)).slice(0, 3),
      };
    }
    return {
      status: "pass",
      summary: passes.join("; "),
      evidence: present(...atListener.map((p) => p.captured)),
    };
  },
};
