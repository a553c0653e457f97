/**
 * `proxytrust scan --targets` and the config file against real stacks: a healthy nginx and a
 * passthrough nginx (both serve app.test and www.app.test certificates from one test CA), plus a
 * name that nothing answers for. Expectations follow from how the stacks were built.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CLAUSE_IDS } from "../../src/clauses.js";
import { freePort } from "../../stacks/ports.js";
import { startStack, type RunningStack } from "../../stacks/index.js";
import { runCli } from "./run-cli.js";

interface JsonReport {
  target: string;
  couldNotRun?: string;
  targets?: { target: string; couldNotRun?: string }[];
  checks: {
    id: string;
    status: string;
    target?: string;
    suppression?: { reason: string; expired: boolean };
  }[];
}

const HEALTHY = "https://app.test/";
const PASSTHROUGH = "https://www.app.test/";
const DOWN = "https://down.app.test/";
// Some of the clauses the passthrough stack was built to break (all of them: test/e2e/scan.test.ts).
const PASSTHROUGH_FAILURES = ["spoofed-proto", "hsts", "forwarded-host"];

const dir = mkdtempSync(join(tmpdir(), "proxytrust-fleet-e2e-"));
let healthy: RunningStack;
let passthrough: RunningStack;
let closedPort: number;

function mappings(): string[] {
  const to = (host: string, stack: RunningStack) => [
    "--connect-to",
    `${host}:443:${stack.address}:${stack.httpsPort}`,
    "--connect-to",
    `${host}:80:${stack.address}:${stack.httpPort}`,
  ];
  return [
    ...to("app.test", healthy),
    ...to("www.app.test", passthrough),
    // A loopback port nobody listens on.
    "--connect-to",
    `down.app.test::${healthy.address}:${closedPort}`,
    "--cacert",
    healthy.caCertPath,
  ];
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function jsonLines(path: string): JsonReport[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as JsonReport);
}

const failing = (report: JsonReport) =>
  report.checks
    .filter((c) => c.status === "fail")
    .map((c) => c.id)
    .sort();

before(async () => {
  [healthy, passthrough] = await Promise.all([
    startStack({ proxy: "nginx", variant: "healthy" }),
    startStack({ proxy: "nginx", variant: "passthrough" }),
  ]);
  closedPort = await freePort(healthy.address);
});
after(async () => {
  await Promise.all([healthy?.stop(), passthrough?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

describe("scan --targets", () => {
  test("one JSONL report per target as each finishes, one combined summary, exit 1 from the failing target", async () => {
    const targets = file(
      "targets.txt",
      `# the fleet\n${HEALTHY}\n\n${PASSTHROUGH}  # misconfigured\n${DOWN}\n`,
    );
    const jsonl = join(dir, "fleet.jsonl");
    const result = await runCli(
      [
        "scan",
        "--targets",
        targets,
        ...mappings(),
        "--health-path",
        "/healthz",
        "--jsonl",
        jsonl,
        "--format",
        "json",
      ],
      120_000,
    );
    assert.equal(result.code, 1, result.stderr);

    const lines = jsonLines(jsonl);
    assert.deepEqual(lines.map((r) => r.target).sort(), [DOWN, PASSTHROUGH, HEALTHY].sort());
    const byTarget = new Map(lines.map((r) => [r.target, r]));
    assert.deepEqual(failing(byTarget.get(HEALTHY)!), []);
    assert.equal(byTarget.get(HEALTHY)!.couldNotRun, undefined);
    for (const clause of PASSTHROUGH_FAILURES)
      assert.ok(failing(byTarget.get(PASSTHROUGH)!).includes(clause), clause);
    assert.match(byTarget.get(DOWN)!.couldNotRun ?? "", /down\.app\.test did not answer: .*refused/);
    assert.match(result.stderr, /https:\/\/down\.app\.test\/ could not be scanned/);
    assert.match(result.stderr, /3\/3 targets scanned, 1 with failures, 1 could not be scanned/);

    const summary = JSON.parse(result.stdout) as JsonReport;
    assert.equal(summary.target, "3 targets (1 could not be scanned)");
    assert.deepEqual(
      summary.targets!.map((t) => t.target),
      [HEALTHY, PASSTHROUGH, DOWN],
      "the summary keeps the file's order",
    );
    for (const line of lines)
      assert.deepEqual(
        summary.checks.filter((c) => c.target === line.target).map((c) => [c.id, c.status]),
        line.checks.map((c) => [c.id, c.status]),
      );
  });

  test("merge: the fleet's JSONL and a single scan's JSON joined into one report, in any format", async () => {
    const single = await runCli(["scan", HEALTHY, ...mappings(), "--format", "json"]);
    assert.equal(single.code, 0, single.stderr);
    const singleFile = file("single.json", single.stdout);
    const fleetFile = join(dir, "fleet.jsonl");
    const merged = await runCli(["merge", fleetFile, singleFile, "--format", "json"]);
    assert.equal(merged.code, 1, merged.stderr);
    const report = JSON.parse(merged.stdout) as JsonReport;
    assert.equal(report.targets!.length, jsonLines(fleetFile).length + 1);
    assert.equal(report.targets!.at(-1)!.target, HEALTHY);
    assert.ok(report.checks.some((c) => c.target === PASSTHROUGH && c.status === "fail"));
    const junit = await runCli(["merge", fleetFile, "--format", "junit"]);
    assert.equal(junit.code, 1, junit.stderr);
    assert.match(junit.stdout, /^<\?xml/);
    assert.match(junit.stdout, /www\.app\.test/);
    const bad = await runCli(["merge", fleetFile, file("not-a-report.json", '{"a": 1}')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not-a-report\.json: not a proxytrust JSON report\n$/);
  });

  test("exit 3 only when no target could be scanned", async () => {
    const targets = file("down.txt", `${DOWN}\nhttps://down.app.test/other/\n`);
    const result = await runCli(["scan", "--targets", targets, ...mappings(), "--format", "json"]);
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /scan could not run: no target could be scanned/);
  });

  test("--shard I/N: the shards are disjoint and together scan every target", async () => {
    const urls = Array.from({ length: 12 }, (_, i) => `https://down.app.test/${i}/`);
    const targets = file("shards.txt", urls.join("\n"));
    const seen: string[] = [];
    for (const shard of ["1/3", "2/3", "3/3"]) {
      const jsonl = join(dir, `shard-${shard.replace("/", "-")}.jsonl`);
      const result = await runCli([
        "scan",
        "--targets",
        targets,
        ...mappings(),
        "--shard",
        shard,
        "--jsonl",
        jsonl,
      ]);
      assert.ok(result.code === 3 || result.code === 0, result.stderr); // 0 for an empty shard
      seen.push(...jsonLines(jsonl).map((r) => r.target));
    }
    assert.deepEqual(seen.sort(), urls.sort());
  });

  test("bad targets files and fleet options are usage errors (exit 2, one line)", async () => {
    const cases: [string[], RegExp][] = [
      [
        ["--targets", file("bad.txt", `${HEALTHY}\nftp://x.test/\n`)],
        /bad\.txt:2: 'ftp:\/\/x\.test\/' is not an http/,
      ],
      [["--targets", file("empty.txt", "# nothing\n")], /empty\.txt: no URL in it/],
      [["--targets", join(dir, "absent.txt")], /absent\.txt: no such file/],
      [[HEALTHY, "--targets", file("one.txt", HEALTHY)], /one URL or --targets FILE, not both/],
      [[HEALTHY, "--shard", "1/2"], /--shard applies to several targets/],
      [["--targets", file("ok.txt", HEALTHY), "--shard", "3/2"], /--shard '3\/2': expected I\/N/],
      [["--targets", file("ok2.txt", HEALTHY), "--concurrency", "0"], /--concurrency/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(["scan", ...args]);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
    }
  });
});

describe("proxytrust.config.json", () => {
  const config = (suppressions: unknown[]) => ({
    targets: [
      {
        url: HEALTHY,
        connectTo: [
          `app.test:443:${healthy.address}:${healthy.httpsPort}`,
          `app.test:80:${healthy.address}:${healthy.httpPort}`,
        ],
        healthPaths: ["/healthz"],
      },
      {
        url: PASSTHROUGH,
        connectTo: [
          `www.app.test:443:${passthrough.address}:${passthrough.httpsPort}`,
          `www.app.test:80:${passthrough.address}:${passthrough.httpPort}`,
        ],
      },
    ],
    defaults: { cacert: healthy.caCertPath },
    suppressions,
  });

  test("per-target settings scan each target; suppressions keep results, marked, and out of the exit code", async () => {
    // Every clause of the passthrough stack, whatever fails on this name.
    const suppressions = CLAUSE_IDS.map((clause) => ({
      clause,
      reason: "legacy shop, retired in Q3",
      target: PASSTHROUGH,
    }));
    const path = file("suppressed.json", JSON.stringify(config(suppressions)));
    const jsonl = join(dir, "config.jsonl");
    const result = await runCli(["scan", "--config", path, "--jsonl", jsonl, "--format", "json"], 120_000);
    const lines = jsonLines(jsonl);
    const passthroughReport = lines.find((r) => r.target === PASSTHROUGH)!;
    const unsuppressed = passthroughReport.checks.filter((c) => c.status === "fail" && !c.suppression);
    assert.deepEqual(unsuppressed, [], "every failure of the passthrough stack is suppressed");
    for (const clause of PASSTHROUGH_FAILURES) {
      const check = passthroughReport.checks.find((c) => c.id === clause)!;
      assert.equal(check.status, "fail", clause);
      assert.deepEqual(check.suppression, { reason: "legacy shop, retired in Q3", expired: false });
    }
    assert.deepEqual(failing(lines.find((r) => r.target === HEALTHY)!), []);
    assert.equal(result.code, 0, result.stderr);
  });

  test("an expired suppression stops suppressing and is reported", async () => {
    const path = file(
      "expired.json",
      JSON.stringify(
        config([{ clause: "hsts", reason: "CDN adds it", expires: "2020-01-31", target: PASSTHROUGH }]),
      ),
    );
    const result = await runCli(["scan", "--config", path, "--format", "json"], 120_000);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /suppression of clause hsts on https:\/\/www\.app\.test\/ \("CDN adds it"\) expired on 2020-01-31/,
    );
    const summary = JSON.parse(result.stdout) as JsonReport;
    const hsts = summary.checks.find((c) => c.target === PASSTHROUGH && c.id === "hsts")!;
    assert.equal(hsts.status, "fail");
    assert.deepEqual(hsts.suppression, { reason: "CDN adds it", expires: "2020-01-31", expired: true });
  });

  test("an invalid config file is one line naming the key path, exit 2", async () => {
    const path = file("invalid.json", JSON.stringify({ targets: [HEALTHY, { url: "app.test" }] }));
    const result = await runCli(["scan", "--config", path]);
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      `proxytrust: ${path}: targets[1].url: not an http:// or https:// URL (without credentials)\n`,
    );
  });
});
