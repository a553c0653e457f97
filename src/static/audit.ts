/** A whole audit: load every file given, run every rule over what loaded, build the report. */
import { relative } from "node:path";
import type { FixTarget } from "../clauses.js";
import type { CheckResult, Report, SourceLocation } from "../report/model.js";
import { VERSION } from "../version.js";
import { loadCaddyfile } from "./caddy/model.js";
import { loadGunicornConfig } from "./gunicorn/model.js";
import { loadHaproxyConfig } from "./haproxy/model.js";
import { loadNginxConfig } from "./nginx/loader.js";
import { loadDjangoSettings } from "./python/load-settings.js";
import type { AuditInput, StaticRule } from "./rule.js";
import { ALL_RULES } from "./rules/index.js";

export interface AuditFiles {
  settings?: string;
  nginx?: string;
  caddy?: string;
  haproxy?: string;
  gunicorn?: string;
}

interface LoadProblem extends SourceLocation {
  message: string;
}

export interface AuditOutcome {
  report: Report;
  /** Set when no file could be read at all. */
  couldNotRun?: string;
}

async function loadAll(
  files: AuditFiles,
): Promise<{ input: AuditInput; problems: LoadProblem[]; loaded: number }> {
  const input: AuditInput = {};
  const problems: LoadProblem[] = [];
  let loaded = 0;
  const attempt = async <
    T extends { errors?: LoadProblem[]; diagnostics?: (LoadProblem & { severity: string })[] },
  >(
    file: string | undefined,
    load: (f: string) => T | Promise<T>,
    store: (value: T) => void,
  ) => {
    if (!file) return;
    try {
      const value = await load(file);
      const errors = [
        ...(value.errors ?? []),
        ...(value.diagnostics ?? []).filter((d) => d.severity === "error"),
      ];
      problems.push(...errors.map((e) => ({ file: e.file, line: e.line, message: e.message })));
      // A file that produced nothing but an I/O error was not read.
      const unreadable = errors.length > 0 && errors.every((e) => e.file === file && e.line === 0);
      if (!unreadable) loaded += 1;
      store(value);
    } catch (err) {
      problems.push({ file, line: 0, message: (err as Error).message.split("\n")[0] ?? String(err) });
    }
  };
  await Promise.all([
    attempt(files.settings, loadDjangoSettings, (v) => (input.settings = v)),
    attempt(files.nginx, loadNginxConfig, (v) => (input.nginx = v)),
    attempt(files.caddy, loadCaddyfile, (v) => (input.caddy = v)),
    attempt(files.haproxy, loadHaproxyConfig, (v) => (input.haproxy = v)),
    attempt(files.gunicorn, loadGunicornConfig, (v) => (input.gunicorn = v)),
  ]);
  return { input, problems, loaded };
}

function fixText(fix: Partial<Record<FixTarget, string>>): string {
  return Object.entries(fix)
    .map(([target, text]) => `${target}: ${text}`)
    .join("\n");
}

function display(location: SourceLocation): SourceLocation {
  const file = relative(process.cwd(), location.file);
  return { ...location, file: file.startsWith("..") ? location.file : file };
}

export function applyRules(input: AuditInput, rules: readonly StaticRule[]): CheckResult[] {
  return rules.flatMap((rule): CheckResult[] => {
    const base = {
      id: rule.meta.id,
      clause: rule.meta.clause,
      severity: rule.meta.severity,
      title: rule.meta.title,
      evidence: [],
    };
    try {
      return rule.check(input).map((finding) => ({
        ...base,
        status: finding.status,
        summary: finding.message,
        location: display(finding.location),
        fix: fixText(rule.meta.fix),
      }));
    } catch (err) {
      return [{ ...base, status: "error", summary: `the rule could not run: ${(err as Error).message}` }];
    }
  });
}

const ORDER = { fail: 0, error: 1, warn: 2, skip: 3, pass: 4 } as const;

export async function runAudit(
  files: AuditFiles,
  rules: readonly StaticRule[] = ALL_RULES,
): Promise<AuditOutcome> {
  const { input, problems, loaded } = await loadAll(files);
  const unreadable: CheckResult[] = problems.map((p) => ({
    id: "config-error",
    clause: "hygiene",
    status: "error",
    severity: "high",
    title: "File could not be read or parsed",
    summary: p.message,
    evidence: [],
    location: display(p),
  }));
  const findings = applyRules(input, rules).sort((a, b) => ORDER[a.status] - ORDER[b.status]);
  const given = Object.values(files).filter(Boolean) as string[];
  const report: Report = {
    tool: "proxytrust",
    version: VERSION,
    command: "audit",
    target: given.map((f) => display({ file: f, line: 0 }).file).join(", "),
    checks: [...unreadable, ...findings],
  };
  return loaded === 0
    ? {
        report,
        couldNotRun: `nothing could be read: ${problems.map((p) => `${p.file}: ${p.message}`).join("; ")}`,
      }
    : { report };
}
