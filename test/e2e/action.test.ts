/**
 * action.yml run the way GitHub runs a composite action, on this machine: the action's own
 * checkout (a fresh copy of this one) as github.action_path, its shell steps in order with their
 * `${{ }}` expressions and `if:` conditions evaluated, each with a fresh GITHUB_OUTPUT file. The
 * `uses:` steps (setup-node, cache, upload-sarif) are GitHub's; their conditions and inputs are
 * checked, not run. The scans are real, against real nginx stacks.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parse } from "yaml";
import { startStack, type RunningStack } from "../../stacks/index.js";
import { copyCheckout, PROJECT_ROOT } from "./checkout.js";

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
  "working-directory"?: string;
}
interface Action {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(join(PROJECT_ROOT, "action.yml"), "utf8")) as Action;
const NO_NAME_LOOKUPS = fileURLToPath(new URL("./no-name-lookups.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "proxytrust-action-"));
const actionPath = join(dir, "action");

// ---- GitHub's expression language, as far as action.yml uses it ----

type Context = Record<string, unknown>;
interface Functions {
  jobFailed: boolean;
  workspace: string;
}

function lookup(context: Context, path: string): string {
  let value: unknown = context;
  for (const key of path.split(".")) value = (value as Record<string, unknown> | undefined)?.[key];
  return value === undefined || value === null ? "" : String(value);
}

const truthy = (value: string | boolean) => value !== "" && value !== false;

/** Evaluates `&&`, `||`, `!`, `==`, `!=`, '…' strings, context paths and the status functions. */
function evaluate(expression: string, context: Context, fns: Functions): string | boolean {
  const tokens = expression.match(/'(?:[^']|'')*'|&&|\|\||==|!=|!|\(|\)|,|[A-Za-z_][\w.-]*/g) ?? [];
  let at = 0;
  const next = () => tokens[at++];
  const peek = () => tokens[at];
  type Value = string | boolean;
  /** operand (operator operand)*, folded left to right with `pick`. */
  function chain(operator: string, operand: () => Value, pick: (left: Value, right: Value) => Value): Value {
    let left = operand();
    while (peek() === operator) {
      next();
      left = pick(left, operand());
    }
    return left;
  }
  const or = (): Value => chain("||", and, (left, right) => (truthy(left) ? left : right));
  const and = (): Value => chain("&&", equality, (left, right) => (truthy(left) ? right : left));
  function equality(): string | boolean {
    const left = unary();
    const op = peek();
    if (op !== "==" && op !== "!=") return left;
    next();
    const right = unary();
    // GitHub compares strings case-insensitively.
    const same = String(left).toLowerCase() === String(right).toLowerCase();
    return op === "==" ? same : !same;
  }
  function unary(): string | boolean {
    if (peek() === "!") {
      next();
      return !truthy(unary());
    }
    return primary();
  }
  function primary(): string | boolean {
    const token = next()!;
    if (token === "(") {
      const value = or();
      assert.equal(next(), ")");
      return value;
    }
    if (token.startsWith("'")) return token.slice(1, -1).replaceAll("''", "'");
    if (peek() !== "(") return lookup(context, token);
    next();
    const args: (string | boolean)[] = [];
    while (peek() !== ")") {
      args.push(or());
      if (peek() === ",") next();
    }
    next();
    switch (token) {
      case "always":
        return true;
      case "success":
        return !fns.jobFailed;
      case "failure":
        return fns.jobFailed;
      case "hashFiles": {
        const file = join(fns.workspace, String(args[0]));
        return existsSync(file) ? createHash("sha256").update(readFileSync(file)).digest("hex") : "";
      }
      default:
        throw new Error(`expression function ${token}() is not known to this test`);
    }
  }
  const value = or();
  assert.equal(at, tokens.length, `could not read the expression: ${expression}`);
  return value;
}

/** Replaces each `${{ … }}` in text with its value, as GitHub does before a step runs. */
function substitute(text: string, context: Context, fns: Functions): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, expression: string) =>
    String(evaluate(expression, context, fns)),
  );
}

// ---- the composite action's steps, run in order ----

interface ActionRun {
  outputs: Record<string, string>;
  /** Each step in order: what ran, what was only checked (a `uses:`) and what its condition skipped. */
  steps: {
    step: Step;
    ran: boolean;
    status?: number | null;
    stdout?: string;
    with?: Record<string, string>;
  }[];
  workspace: string;
}

/** Whether a step runs: GitHub adds `success() &&` to a condition that names no status function. */
function shouldRun(step: Step, context: Context, fns: Functions): boolean {
  const condition = step.if ?? "success()";
  const named = /\b(always|success|failure|cancelled)\(/.test(condition);
  return (named || !fns.jobFailed) && truthy(evaluate(condition, context, fns));
}

/**
 * Runs the action's steps in a fresh workspace. `fromStep` starts at that step id, for runs after
 * the first, whose build the action's checkout keeps (GitHub would build again in another job).
 */
function runAction(name: string, inputs: Record<string, string>, fromStep?: string): ActionRun {
  const workspace = join(dir, name);
  mkdirSync(workspace);
  const stepOutputs: Record<string, { outputs: Record<string, string> }> = {};
  const context: Context = {
    inputs: Object.fromEntries(
      Object.entries(action.inputs).map(([input, spec]) => [input, inputs[input] ?? spec.default ?? ""]),
    ),
    github: { action_path: actionPath, workspace },
    runner: { os: "Linux" },
    steps: stepOutputs,
  };
  const fns: Functions = { jobFailed: false, workspace };
  const result: ActionRun = { outputs: {}, steps: [], workspace };
  const first = fromStep ? action.runs.steps.findIndex((s) => s.id === fromStep) : 0;
  assert.ok(first >= 0, `no step ${fromStep}`);
  for (const step of action.runs.steps.slice(first)) {
    if (!shouldRun(step, context, fns)) {
      result.steps.push({ step, ran: false });
      continue;
    }
    if (step.uses) {
      const resolved = Object.fromEntries(
        Object.entries(step.with ?? {}).map(([key, value]) => [key, substitute(String(value), context, fns)]),
      );
      result.steps.push({ step, ran: false, with: resolved });
      continue;
    }
    const outputFile = join(workspace, `github-output-${result.steps.length}`);
    writeFileSync(outputFile, "");
    const env: Record<string, string | undefined> = {
      ...process.env,
      GITHUB_ACTION_PATH: actionPath,
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: outputFile,
    };
    for (const [key, value] of Object.entries(step.env ?? {})) env[key] = substitute(value, context, fns);
    if (step.id === "run") {
      // The scan is held to loopback like every CLI under test (npm, in the build step, is not).
      env.NODE_OPTIONS = `--import ${import.meta.resolve("tsx")} --import ${pathToFileURL(NO_NAME_LOOKUPS).href}`;
      env.PROXYTRUST_TEST_LOOKUPS = join(workspace, "lookups");
    }
    const script = join(workspace, `step-${result.steps.length}.sh`);
    writeFileSync(script, substitute(step.run!, context, fns));
    const cwd = step["working-directory"] ? substitute(step["working-directory"], context, fns) : workspace;
    // GitHub's command line for `shell: bash`.
    const ran = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], {
      cwd,
      env,
      encoding: "utf8",
      timeout: 300_000,
    });
    result.steps.push({ step, ran: true, status: ran.status, stdout: ran.stdout + ran.stderr });
    if (ran.status !== 0) fns.jobFailed = true;
    if (step.id) {
      const lines = readFileSync(outputFile, "utf8").split("\n").filter(Boolean);
      stepOutputs[step.id] = {
        outputs: Object.fromEntries(
          lines.map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
        ),
      };
    }
  }
  for (const [output, spec] of Object.entries(action.outputs)) {
    result.outputs[output] = substitute(spec.value, context, fns);
  }
  assert.ok(!existsSync(join(workspace, "lookups")), "the scan looked up a host name");
  return result;
}

const byId = (run: ActionRun, id: string) => run.steps.find((s) => s.step.id === id)!;
const byUses = (run: ActionRun, uses: string) => run.steps.find((s) => s.step.uses?.startsWith(uses))!;
const lastStep = (run: ActionRun) => run.steps[run.steps.length - 1]!;

const stacks: RunningStack[] = [];
let broken: RunningStack;
let healthy: RunningStack;
after(async () => {
  await Promise.all(stacks.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});
before(async () => {
  copyCheckout(actionPath);
  [broken, healthy] = await Promise.all([
    startStack({ proxy: "nginx", variant: "passthrough" }).then((s) => (stacks.push(s), s)),
    startStack({ proxy: "nginx", variant: "healthy" }).then((s) => (stacks.push(s), s)),
  ]);
});

describe("the action against a misconfigured nginx stack", () => {
  let run: ActionRun;
  before(() => {
    run = runAction("broken", { args: ["scan", ...broken.scanArgs].join(" ") });
  });

  test("builds from its own checkout: npm ci there runs prepare, which writes dist/", () => {
    const build = byId(run, "build");
    assert.equal(build.status, 0, build.stdout);
    assert.ok(existsSync(join(actionPath, "dist", "cli", "main.js")));
    const cache = byUses(run, "actions/cache@");
    const lockHash = createHash("sha256")
      .update(readFileSync(join(actionPath, "package-lock.json")))
      .digest("hex");
    assert.equal(cache.with?.key, `proxytrust-npm-Linux-${lockHash}`);
  });

  test("the exit-code output is proxytrust's: 1 for findings", () => {
    assert.equal(byId(run, "run").status, 0, byId(run, "run").stdout);
    assert.equal(run.outputs["exit-code"], "1");
  });

  test("the text report is written and printed", () => {
    const text = readFileSync(join(run.workspace, "proxytrust.txt"), "utf8");
    assert.match(text, /^FAIL {2}spoofed-proto/m);
    assert.ok(byId(run, "run").stdout!.includes(text.trim()));
  });

  test("the SARIF file holds the failed clauses and is uploaded despite the failure", () => {
    const sarif = JSON.parse(readFileSync(join(run.workspace, "proxytrust.sarif"), "utf8")) as {
      version: string;
      runs: { results: { ruleId: string; level: string }[] }[];
    };
    assert.equal(sarif.version, "2.1.0");
    const ruleIds = sarif.runs[0]!.results.map((r) => r.ruleId);
    for (const clause of ["spoofed-proto", "hsts", "host-header"])
      assert.ok(ruleIds.includes(clause), clause);
    const upload = byUses(run, "github/codeql-action/upload-sarif@");
    assert.equal(upload.with?.sarif_file, "proxytrust.sarif");
  });

  test("the last step fails the job with proxytrust's exit code", () => {
    const fail = lastStep(run);
    assert.equal(fail.ran, true);
    assert.equal(fail.status, 1);
    assert.match(fail.stdout!, /::error::proxytrust exited with code 1/);
  });
});

describe("the action against a healthy nginx stack", () => {
  test("exit-code 0, no error in the SARIF file, spoofed-proto passes in the text report, no failing step", () => {
    const run = runAction(
      "healthy",
      { args: ["scan", ...healthy.scanArgs].join(" "), "sarif-file": "scan.sarif" },
      "run",
    );
    assert.equal(run.outputs["exit-code"], "0", byId(run, "run").stdout);
    const sarif = JSON.parse(readFileSync(join(run.workspace, "scan.sarif"), "utf8")) as {
      runs: { results: { level: string }[] }[];
    };
    assert.deepEqual(
      sarif.runs[0]!.results.filter((r) => r.level === "error"),
      [],
    );
    assert.match(readFileSync(join(run.workspace, "scan.txt"), "utf8"), /^PASS {2}spoofed-proto/m);
    assert.equal(lastStep(run).ran, false);
  });
});

describe("the action's own errors", () => {
  test("a usage error is passed on as exit code 2 and fails the job", () => {
    const run = runAction("usage", { args: "scan --no-such-option https://app.test/" }, "run");
    assert.equal(run.outputs["exit-code"], "2");
    assert.equal(lastStep(run).status, 2);
  });

  test("a sarif-file not ending in .sarif stops the run step with a message", () => {
    const run = runAction(
      "not-sarif",
      { args: "scan https://app.test/", "sarif-file": "report.json" },
      "run",
    );
    assert.notEqual(byId(run, "run").status, 0);
    assert.match(byId(run, "run").stdout!, /::error::sarif-file must end in \.sarif/);
    assert.equal(lastStep(run).ran, false, "a failed step skips the steps without always()");
  });
});
