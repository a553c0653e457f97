/**
 * Each row of the README's exit-code table, as a user meets it: a run exits 0 or 1 only when it
 * decided something, and 3 when every result is error or skip or no file could be read.
 */
import assert from "node:assert/strict";
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { CORPUS, corpusMissing } from "../corpus.js";
import { runCli, type CliResult, type JsonCheck } from "./run-cli.js";

const CORPUS_SETTINGS = join(CORPUS, "healthchecks__healthchecks", "hc", "settings.py");

function assertNoTrace(result: CliResult): void {
  assert.doesNotMatch(result.stderr, /at .*\.(ts|js):\d+/, "no stack trace");
}

function checksOf(result: CliResult): JsonCheck[] {
  return (JSON.parse(result.stdout) as { checks: JsonCheck[] }).checks;
}

describe("exit codes", () => {
  let dir: string;
  /** The nginx site and gunicorn options `init` writes: what people deploy from it. */
  let nginx: string;
  let gunicorn: string;
  const broken: Record<string, string> = {};

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "proxytrust-exit-"));
    const init = await runCli(["init", "--proxy", "nginx", "--domain", "app.example.com", "--out", dir]);
    assert.equal(init.code, 0, init.stderr);
    nginx = join(dir, "nginx", "app.example.com.conf");
    gunicorn = join(dir, "gunicorn.conf.py");
    mkdirSync(join(dir, "broken"));
    const file = (name: string, content: string | Buffer) => {
      broken[name] = join(dir, "broken", name);
      writeFileSync(broken[name], content);
    };
    // A site config cut off while being edited: its server block never closes.
    file("unclosed.conf", readFileSync(nginx, "utf8").replace(/\}\s*$/, ""));
    file("self-include.conf", `include ${join(dir, "broken", "self-include.conf")};\n`);
    file("too-deep.conf", `http {\n${"location / {\n".repeat(300)}${"}\n".repeat(300)}}\n`);
    // A program given where a config was meant (a tab-completion slip).
    copyFileSync("/bin/ls", join(dir, "broken", "ls"));
    broken["binary"] = join(dir, "broken", "ls");
    file("huge.conf", "");
    truncateSync(broken["huge.conf"]!, 256 * 1024 * 1024 + 1);
  });

  test("0: the files init writes are audited and found clean", async () => {
    const result = await runCli(["audit", "--nginx", nginx, "--gunicorn", gunicorn]);
    assert.equal(result.code, 0, result.stderr);
  });

  test("0 once the config file suppresses the audit's one failure by rule id; the report keeps it, marked", async () => {
    const project = join(dir, "suppressed");
    mkdirSync(project);
    writeFileSync(
      join(project, "settings.py"),
      'SECRET_KEY = "0dd4b2e7c9a1f3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3"\nDEBUG = False\nALLOWED_HOSTS = ["*"]\n',
    );
    const settings = join(project, "settings.py");
    const unsuppressed = await runCli(["audit", "--settings", settings, "--format", "json"]);
    const failing = checksOf(unsuppressed).filter((c) => c.status === "fail");
    assert.deepEqual(
      failing.map((c) => c.id),
      ["django-allowed-hosts-wildcard"],
    );
    writeFileSync(
      join(project, "proxytrust.config.json"),
      JSON.stringify({
        suppressions: [{ rule: "django-allowed-hosts-wildcard", reason: "the load balancer checks Host" }],
      }),
    );
    const result = await runCli(["audit", "--settings", settings, "--format", "json"], 60_000, {
      cwd: project,
    });
    assert.equal(result.code, 0, result.stderr);
    const kept = checksOf(result).find((c) => c.id === "django-allowed-hosts-wildcard") as
      (JsonCheck & { suppression?: { reason: string } }) | undefined;
    assert.equal(kept?.status, "fail");
    assert.equal(kept?.suppression?.reason, "the load balancer checks Host");
  });

  test("1: a real project's settings with failures", { skip: corpusMissing }, async () => {
    const result = await runCli(["audit", "--settings", CORPUS_SETTINGS, "--format", "json"]);
    assert.equal(result.code, 1, result.stderr);
    assert.ok(checksOf(result).some((c) => c.status === "fail"));
  });

  for (const [name, flag, expected] of [
    ["unclosed.conf", "--nginx", /unclosed\.conf:\d+ .*expecting "\}".*"server" from line \d+/],
    ["self-include.conf", "--nginx", /include cycle/],
    ["too-deep.conf", "--nginx", /nested more than \d+ deep/],
    ["binary", "--nginx", /binary data/],
    ["binary", "--caddy", /NUL bytes/],
    ["binary", "--haproxy", /NUL bytes/],
    ["huge.conf", "--nginx", /over the 256 MB limit for one file/],
  ] as const) {
    test(`3: audit ${flag} of ${name} reports the error where it is and decides nothing`, async () => {
      const result = await runCli(["audit", flag, broken[name]!]);
      assert.equal(result.code, 3, result.stderr);
      assert.match(result.stdout, expected);
      assert.match(result.stderr, /^proxytrust: audit decided nothing/);
      assertNoTrace(result);
    });
  }

  test("an unparsable file beside one that was judged: reported, exit 0; --fail-on error makes it 1", async () => {
    const args = ["audit", "--nginx", broken["unclosed.conf"]!, "--gunicorn", gunicorn, "--format", "json"];
    const result = await runCli(args);
    assert.equal(result.code, 0, result.stderr);
    const error = checksOf(result).find((c) => c.status === "error");
    assert.match(error?.summary ?? "", /expecting "\}"/);
    const strict = await runCli([...args, "--fail-on", "error"]);
    assert.equal(strict.code, 1, strict.stderr);
  });

  test("3: merge of reports in which nothing was decided", async () => {
    const report = join(dir, "undecided.json");
    const audit = await runCli([
      "audit",
      "--nginx",
      broken["unclosed.conf"]!,
      "--format",
      "json",
      "--output",
      report,
    ]);
    assert.equal(audit.code, 3);
    const merged = await runCli(["merge", report, "--format", "json"]);
    assert.equal(merged.code, 3, merged.stderr);
    assert.match(merged.stderr, /merge decided nothing/);
    assert.ok(checksOf(merged).every((c) => c.status === "error"));
  });

  test("3: scan and doctor of a target that never answers", async () => {
    for (const command of ["scan", "doctor"]) {
      const result = await runCli([command, "http://127.0.0.1:1/", "--max-time", "5"]);
      assert.equal(result.code, 3, result.stderr);
      assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
      assertNoTrace(result);
    }
  });

  test("3: a report that cannot be written to stdout; a reader that left early gets no message", async () => {
    const full = openSync("/dev/full", "w");
    try {
      for (const args of [
        ["explain", "scheme"],
        ["audit", "--nginx", nginx, "--gunicorn", gunicorn],
      ]) {
        const result = await runCli(args, 60_000, { stdoutFd: full });
        assert.equal(result.code, 3, result.stderr);
        assert.equal(result.stderr, "proxytrust: cannot write to stdout: no space left on the device\n");
      }
    } finally {
      closeSync(full);
    }
    const closed = await runCli(["explain", "scheme"], 60_000, {
      onStart: (child) => child.stdout?.destroy(),
    });
    assert.equal(closed.code, 3);
    assert.equal(closed.stderr, "");
  });
});
