/**
 * `proxytrust audit PATH` with no file options finds and pairs the deployment files, and reports
 * exactly what the same audit with the files named by hand reports.
 */
import assert from "node:assert/strict";
import { relative, resolve } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { CheckResult, Report } from "../../src/report/model.js";
import { runCli } from "./run-cli.js";
import { CORPUS, corpusMissing } from "../corpus.js";

const SHOP = relative(
  process.cwd(),
  fileURLToPath(new URL("../unit/static/discover/fixtures/shop", import.meta.url)),
);

/** What a finding says, without the deployment name that only a multi-deployment report adds. */
const finding = (c: CheckResult) =>
  `${c.id} ${c.status} ${c.location?.file}:${c.location?.line} ${c.summary}`;

async function auditJson(args: string[]): Promise<{ code: number | null; report: Report }> {
  const run = await runCli(["audit", ...args, "--format", "json"]);
  assert.equal(run.stderr, "");
  return { code: run.code, report: JSON.parse(run.stdout) as Report };
}

/** The explicit flags for one discovered deployment's files. */
function flagsFor(files: { role: string; file: string }[], root: string): string[] {
  return files.flatMap(({ role, file }) => [`--${role}`, relative(process.cwd(), resolve(root, file))]);
}

/** Each discovered deployment's findings are exactly those of an audit naming its files by hand. */
async function eachMatchesExplicitFlags(report: Report, root: string): Promise<void> {
  for (const deployment of report.discovery!.deployments) {
    const explicit = await auditJson(flagsFor(deployment.files, root));
    const discovered = report.checks.filter((c) => c.target === deployment.name);
    assert.ok(discovered.length > 0, deployment.name);
    assert.deepEqual(
      discovered.map(finding).sort(),
      explicit.report.checks.map(finding).sort(),
      deployment.name,
    );
  }
}

describe("audit PATH", () => {
  test("finds and pairs the shop repository's two deployments; each reports what explicit flags report", async () => {
    const found = await auditJson([SHOP]);
    assert.equal(found.code, 1);
    const discovery = found.report.discovery!;
    assert.deepEqual(discovery.deployments.map((d) => d.name).sort(), [
      "docker-compose.local.yml",
      "docker-compose.production.yml",
    ]);
    await eachMatchesExplicitFlags(found.report, SHOP);
    assert.ok(found.report.checks.some((c) => c.id === "compose-port-published" && c.status === "fail"));
  });

  test("the text report opens with what was found, paired and ignored", async () => {
    const run = await runCli(["audit", SHOP]);
    const [opening] = run.stdout.split("\nFAIL");
    assert.match(opening!, /found 12 deployment file\(s\) among \d+ walked/);
    assert.match(
      opening!,
      /docker-compose\.production\.yml\n\s+files: compose docker-compose\.production\.yml, app-server compose\/production\/django\/Dockerfile, settings config\/settings\/production\.py, nginx compose\/production\/nginx\/default\.conf/,
    );
    assert.match(opening!, /env DJANGO_SECURE_SSL_REDIRECT=False {2}\(\.envs\/\.production\/\.django:9\)/);
    assert.match(opening!, /ignored \d+:\n {2}config\/settings\/base\.py {2}\(read through/);
  });

  test("SARIF and JUnit carry the discovery too", async () => {
    const sarif = JSON.parse((await runCli(["audit", SHOP, "--format", "sarif"])).stdout) as {
      runs: { properties?: { discovery?: { deployments: unknown[] } } }[];
    };
    assert.equal(sarif.runs[0]?.properties?.discovery?.deployments.length, 2);
    const junit = (await runCli(["audit", SHOP, "--format", "junit"])).stdout;
    assert.match(
      junit,
      /<property name="deployment" value="docker-compose.production.yml: compose docker-compose.production.yml, app-server compose\/production\/django\/Dockerfile, settings/,
    );
  });

  test("a directory with nothing to audit cannot run (exit 3, one line); a PATH with file options is a usage error", async () => {
    const empty = await runCli(["audit", "src/report"]);
    assert.equal(empty.code, 3);
    assert.match(empty.stderr, /found no Django settings, proxy config or deployment descriptor/);
    const both = await runCli(["audit", SHOP, "--settings", "x.py"]);
    assert.equal(both.code, 2);
    assert.equal(both.stderr.trim().split("\n").length, 1);
  });

  test(
    "the netbox corpus folder: each discovered deployment (nginx, Apache) reports what explicit flags report",
    { skip: corpusMissing },
    async () => {
      const root = relative(process.cwd(), resolve(CORPUS, "netbox-community__netbox"));
      const found = await auditJson([root]);
      const deployments = found.report.discovery!.deployments;
      // nginx.conf and apache.conf, each with settings.py and gunicorn.py.
      assert.equal(deployments.length, 2);
      await eachMatchesExplicitFlags(found.report, root);
    },
  );
});
