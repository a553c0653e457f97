/** --output mistakes are refused before anything is scanned or read, not after the report is made. */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { addReportOptions } from "../../../src/cli/common.js";
import { Command } from "../../../src/cli/commander.js";
import { UsageError } from "../../../src/cli/usage-error.js";

/** Parses a scan-like command's report options; resolves when its action would have run. */
async function run(args: string[]): Promise<void> {
  const command = new Command("scan").argument("[url]").exitOverride();
  await addReportOptions(command, "verbose", { sarifLocation: false })
    .action(() => undefined)
    .parseAsync(["https://app.example/", ...args], { from: "user" });
}

function refused(args: string[], message: string) {
  return assert.rejects(run(args), (err: unknown) => err instanceof UsageError && err.message === message);
}

test("--output naming a directory, or BASE whose file for a format is one, is refused at once", async () => {
  const dir = mkdtempSync(join(tmpdir(), "proxytrust-output-"));
  await refused(["--output", dir], `--output ${dir}: cannot write it (is a directory)`);
  mkdirSync(join(dir, "report.sarif"));
  const base = join(dir, "report");
  await refused(
    ["--format", "text,sarif", "--output", base],
    `--output ${base}.sarif: cannot write it (is a directory)`,
  );
  await run(["--format", "text,json", "--output", base]);
  await run(["--output", join(dir, "report.txt")]);
  await refused(
    ["--output", join(dir, "absent", "report.txt")],
    `--output ${join(dir, "absent", "report.txt")}: no such directory ${join(dir, "absent")}`,
  );
});

test("--output where no file can be written is refused at once; a trial leaves nothing behind", async () => {
  // /proc/self is a directory where not even root can create a file.
  await refused(
    ["--output", "/proc/self/report.json"],
    "--output /proc/self/report.json: cannot write it (no file can be created there)",
  );
  const dir = mkdtempSync(join(tmpdir(), "proxytrust-output-"));
  await run(["--output", join(dir, "new.json")]);
  assert.equal(existsSync(join(dir, "new.json")), false);
  writeFileSync(join(dir, "old.json"), "kept until the report is written");
  await run(["--output", join(dir, "old.json")]);
  assert.equal(readFileSync(join(dir, "old.json"), "utf8"), "kept until the report is written");
});
