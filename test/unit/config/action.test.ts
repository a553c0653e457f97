/**
 * action.yml: its run step executed by bash as GitHub would, with an `npx` on PATH that runs this
 * checkout's CLI, on a fixture report merged into text and SARIF.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, test } from "node:test";
import { parse } from "yaml";

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string>;
}
const action = parse(readFileSync(new URL("../../../action.yml", import.meta.url), "utf8")) as {
  runs: { using: string; steps: Step[] };
  inputs: Record<string, { default?: string }>;
};
const CLI = fileURLToPath(new URL("../../../src/cli/main.ts", import.meta.url));
// The run step's working directory is elsewhere, where a bare "tsx" would not resolve.
const TSX = import.meta.resolve("tsx");
const dir = mkdtempSync(join(tmpdir(), "proxytrust-action-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const runStep = action.runs.steps.find((s) => s.id === "run")!;

function runAction(args: string, sarif: string) {
  // `npx --yes proxytrust@VERSION ARGS...` runs this checkout instead of the registry's package.
  const npx = join(dir, "npx");
  writeFileSync(npx, `#!/bin/sh\nshift 2\nexec "${process.execPath}" --import "${TSX}" "${CLI}" "$@"\n`);
  chmodSync(npx, 0o755);
  const output = join(dir, "github-output");
  writeFileSync(output, "");
  const result = spawnSync("bash", ["-c", runStep.run!], {
    cwd: dir,
    env: {
      ...process.env,
      PATH: `${dir}:${process.env.PATH}`,
      PROXYTRUST_ARGS: args,
      PROXYTRUST_SARIF: sarif,
      PROXYTRUST_VERSION: "latest",
      GITHUB_OUTPUT: output,
    },
    encoding: "utf8",
  });
  return { ...result, output: readFileSync(output, "utf8") };
}

test("a composite action: node, the run step, upload-sarif even after findings, then the exit code", () => {
  assert.equal(action.runs.using, "composite");
  const uses = action.runs.steps.map((s) => s.uses ?? "run");
  assert.deepEqual(uses, ["actions/setup-node@v4", "run", "github/codeql-action/upload-sarif@v3", "run"]);
  const upload = action.runs.steps[2]!;
  assert.match(upload.if!, /always\(\)/);
  assert.equal(upload.with?.sarif_file, "${{ inputs.sarif-file }}");
  assert.equal(action.inputs["sarif-file"]?.default, "proxytrust.sarif");
  execFileSync("bash", ["-n", "-c", runStep.run!]);
});

test("the run step writes SARIF and text, prints the text, and reports proxytrust's exit code", () => {
  const report = {
    tool: "proxytrust",
    version: "0",
    command: "scan",
    target: "https://app.test/",
    checks: [
      {
        id: "hsts",
        clause: "hsts",
        status: "fail",
        severity: "high",
        title: "t",
        summary: "no HSTS",
        evidence: [],
      },
    ],
  };
  writeFileSync(join(dir, "scan.json"), JSON.stringify(report));
  const result = runAction("merge  scan.json", "proxytrust.sarif");
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.output, "exit-code=1\n");
  assert.match(result.stdout, /FAIL {2}hsts/);
  const sarif = JSON.parse(readFileSync(join(dir, "proxytrust.sarif"), "utf8")) as {
    runs: { results: unknown[] }[];
  };
  assert.equal(sarif.runs[0]!.results.length, 1);
});

test("a usage error is passed on as exit code 2; a SARIF path without .sarif is refused", () => {
  assert.equal(runAction("merge missing.json", "p.sarif").output, "exit-code=2\n");
  const bad = runAction("merge scan.json", "report.json");
  assert.notEqual(bad.status, 0);
  assert.match(bad.stdout, /sarif-file must end in \.sarif/);
});
