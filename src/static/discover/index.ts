/**
 * `audit PATH`: find the deployment files in a repository, pair them into deployments, audit each,
 * and report what was found, paired and left out before the findings.
 */
import { join, relative } from "node:path";
import type { CheckResult, DiscoveredDeployment, Discovery, Report } from "../../report/model.js";
import { VERSION } from "../../version.js";
import { runAudit, type AuditFiles, type AuditOutcome } from "../audit.js";
import { pairDeployments, type DeploymentPlan } from "./pair.js";
import { isRecognised, readHead, recogniseFile, type Recognised } from "./recognise.js";
import { walkRepository, type IgnoredPath } from "./walk.js";

export interface DiscoveredTree {
  found: Recognised[];
  ignored: IgnoredPath[];
  deployments: DeploymentPlan[];
  filesWalked: number;
}

/** Walk, recognise and pair, without auditing: what the benchmark times and `audit PATH` starts with. */
export function discoverDeployments(root: string): DiscoveredTree {
  const walked = walkRepository(root);
  const found: Recognised[] = [];
  const ignored = [...walked.ignored];
  for (const file of walked.files) {
    const result = recogniseFile(file, () => readHead(join(root, file)));
    if (!result) continue;
    if (isRecognised(result)) found.push(result);
    else ignored.push({ path: result.file, reason: result.reason });
  }
  const pairing = pairDeployments(root, walked.files, found);
  return {
    found,
    ignored: [...ignored, ...pairing.ignored],
    deployments: pairing.deployments,
    filesWalked: walked.files.length,
  };
}

function roles(root: string, files: AuditFiles): DiscoveredDeployment["files"] {
  return Object.entries(files).flatMap(([role, value]: [string, string | string[] | undefined]) =>
    // Roles read as the option that names the same file (appServer → --app-server).
    [value ?? []].flat().map((file) => ({
      role: role.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`),
      file: relative(root, file),
    })),
  );
}

function summary(root: string, plan: DeploymentPlan, outcome: AuditOutcome): DiscoveredDeployment {
  return {
    name: plan.name,
    files: roles(root, plan.files),
    pairedBecause: plan.pairedBecause,
    environment: (outcome.environmentUsed ?? []).flatMap((e) =>
      e.value !== undefined
        ? [{ name: e.name, value: e.value, file: relative(root, e.file), line: e.line }]
        : [],
    ),
  };
}

export interface DiscoveredAudit {
  report: Report;
  couldNotRun?: string;
}

/** Audits every deployment found under `root`: one report, each check naming its deployment when there are several. */
export async function auditRepository(root: string): Promise<DiscoveredAudit> {
  const tree = discoverDeployments(root);
  const outcomes = await Promise.all(tree.deployments.map((plan) => runAudit(plan.files)));
  const several = tree.deployments.length > 1;
  const checks: CheckResult[] = outcomes.flatMap((outcome, i) =>
    outcome.report.checks.map((check) => (several ? { ...check, target: tree.deployments[i]!.name } : check)),
  );
  const discovery: Discovery = {
    root,
    filesWalked: tree.filesWalked,
    found: tree.found.map(({ file, kind, why }) => ({ file, kind, why })),
    deployments: tree.deployments.map((plan, i) => summary(root, plan, outcomes[i]!)),
    ignored: tree.ignored,
  };
  const first = outcomes[0]?.report;
  const report: Report = {
    tool: "proxytrust",
    version: VERSION,
    command: "audit",
    target: several ? `${root} (${tree.deployments.length} deployments)` : (first?.target ?? root),
    checks,
    ...(several
      ? {
          targets: tree.deployments.map((plan, i) => ({
            target: plan.name,
            command: "audit" as const,
            ...(outcomes[i]!.couldNotRun ? { couldNotRun: outcomes[i]!.couldNotRun } : {}),
          })),
        }
      : {}),
    discovery,
  };
  if (tree.deployments.length === 0)
    return {
      report,
      couldNotRun: `found no Django settings, proxy config or deployment descriptor under ${root}`,
    };
  const failed = outcomes.filter((o) => o.couldNotRun);
  return failed.length === outcomes.length
    ? { report, couldNotRun: failed.map((o) => o.couldNotRun).join("; ") }
    : { report };
}
