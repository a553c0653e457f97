/**
 * Cross-check against the real thing: `caddy adapt` turns a Caddyfile into Caddy's JSON config, from which
 * the site hosts and reverse_proxy upstreams can be read and compared with what this parser found.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import type { CaddyConfig, LoadError } from "./model.js";
import { reverseProxies, upstreamDial, upstreamsOf } from "./queries.js";

export type AdaptResult = { ok: true; json: unknown } | { ok: false; error: string };

/** Path of the caddy binary when installed, else undefined. */
export function findCaddyBinary(): string | undefined {
  for (const candidate of ["/usr/bin/caddy", "/usr/local/bin/caddy"])
    if (existsSync(candidate)) return candidate;
  const probe = spawnSync("caddy", ["version"], { encoding: "utf8", timeout: 10_000 });
  return probe.status === 0 ? "caddy" : undefined;
}

export function adaptCaddyfile(file: string, binary = findCaddyBinary()): AdaptResult {
  if (!binary) return { ok: false, error: "caddy is not installed" };
  const run = spawnSync(binary, ["adapt", "--config", file, "--adapter", "caddyfile"], {
    encoding: "utf8",
    timeout: 30_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) return { ok: false, error: run.error.message };
  if (run.status !== 0) return { ok: false, error: (run.stderr || run.stdout).trim() };
  try {
    return { ok: true, json: JSON.parse(run.stdout) as unknown };
  } catch (err) {
    return { ok: false, error: `caddy adapt printed invalid JSON: ${(err as Error).message}` };
  }
}

/** What both sides are compared on: the hosts sites answer for and the upstreams they proxy to. */
export interface ProxySummary {
  hosts: string[];
  upstreams: string[];
}

/** Walks Caddy's JSON: route matchers' `host` lists and every reverse_proxy handler's upstream dials. */
export function summarizeAdaptedJson(json: unknown): ProxySummary {
  const hosts = new Set<string>();
  const upstreams = new Set<string>();
  const visit = (node: unknown, key: string | undefined): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, key);
      if (key === "host") for (const item of node) if (typeof item === "string") hosts.add(item);
      return;
    }
    if (node === null || typeof node !== "object") return;
    const record = node as Record<string, unknown>;
    if (record.handler === "reverse_proxy" && Array.isArray(record.upstreams)) {
      for (const upstream of record.upstreams as { dial?: unknown }[]) {
        if (typeof upstream.dial === "string") upstreams.add(upstream.dial);
      }
    }
    for (const [childKey, child] of Object.entries(record)) visit(child, childKey);
  };
  visit(json, undefined);
  return { hosts: [...hosts].sort(), upstreams: [...upstreams].sort() };
}

export function summarizeCaddyConfig(config: CaddyConfig): ProxySummary {
  const hosts = new Set<string>();
  const upstreams = new Set<string>();
  for (const site of config.sites) {
    for (const address of site.addresses) if (address.host !== "") hosts.add(address.host);
    for (const proxy of reverseProxies(site))
      for (const u of upstreamsOf(proxy)) upstreams.add(upstreamDial(u));
  }
  return { hosts: [...hosts].sort(), upstreams: [...upstreams].sort() };
}

/**
 * Where the real Caddy (when installed) refuses the file or reads it differently from this parser:
 * reported as reading problems, so a finding never rests on a Caddyfile Caddy would not run.
 */
export function adaptDisagreements(config: CaddyConfig, binary = findCaddyBinary()): LoadError[] {
  if (!binary || config.errors.length > 0) return [];
  const where = { file: config.file, line: 1 };
  const adapted = adaptCaddyfile(config.file, binary);
  if (!adapted.ok)
    return [{ ...where, message: `caddy adapt refuses this file: ${adapted.error.split("\n")[0]}` }];
  const theirs = summarizeAdaptedJson(adapted.json);
  const ours = summarizeCaddyConfig(config);
  const differ = (a: string[], b: string[]) => a.join(" ") !== b.join(" ");
  if (!differ(theirs.hosts, ours.hosts) && !differ(theirs.upstreams, ours.upstreams)) return [];
  return [
    {
      ...where,
      message: `caddy adapt reads this file differently (caddy: hosts ${theirs.hosts.join(", ") || "none"}, upstreams ${theirs.upstreams.join(", ") || "none"}; proxytrust: hosts ${ours.hosts.join(", ") || "none"}, upstreams ${ours.upstreams.join(", ") || "none"}): findings may be incomplete`,
    },
  ];
}
