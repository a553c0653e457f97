/** The safety net: an escaped exception or rejection is one line and exit 3; --debug adds the trace. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";

const LAST_RESORT = fileURLToPath(new URL("../../src/cli/last-resort.ts", import.meta.url));

function escape(how: string, extraArgs: string[] = []) {
  const script = `import { installLastResort } from ${JSON.stringify(LAST_RESORT)};
installLastResort();
${how}`;
  return spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, ...extraArgs], {
    encoding: "utf8",
  });
}

describe("last-resort handler", () => {
  for (const [name, how] of [
    ["a thrown exception", 'setTimeout(() => { throw new Error("boom\\nsecond line"); });'],
    ["an unhandled rejection", 'Promise.reject(new Error("boom"));'],
  ]) {
    test(`${name}: one line naming the failure, exit 3, no trace`, () => {
      const result = escape(how!);
      assert.equal(result.status, 3, result.stderr);
      assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
      assert.match(
        result.stderr,
        /^proxytrust: internal error: boom \(please report it; --debug shows where\)/,
      );
    });
  }

  test("--debug prints the trace after the line", () => {
    const result = escape('setTimeout(() => { throw new Error("boom"); });', ["--", "--debug"]);
    assert.equal(result.status, 3);
    assert.match(result.stderr, /internal error: boom[^\n]*\nError: boom\n\s+at /);
  });
});
