/** An empty probe token: unset when it comes from the environment, a usage error when typed. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runCli, statuses } from "../../e2e/run-cli.js";

// Nothing listens on port 1: the scan cannot run, but gets far enough to judge client-ip.
const UNREACHABLE = ["scan", "http://127.0.0.1:1/", "--format", "json", "--max-time", "5"];

test("an empty PROXYTRUST_PROBE_TOKEN (a CI secret not set) scans as without one", async () => {
  const result = await runCli(UNREACHABLE, 30_000, { env: { PROXYTRUST_PROBE_TOKEN: "" } });
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, /^proxytrust: scan could not run: /);
  assert.equal(statuses(result.stdout)["client-ip"], "skip");
});

test("an empty --probe-token is refused before scanning: one line, exit 2", async () => {
  for (const command of [UNREACHABLE, ["doctor", "http://127.0.0.1:1/"]]) {
    const result = await runCli([...command, "--probe-token", ""], 30_000, {
      env: { PROXYTRUST_PROBE_TOKEN: "x".repeat(32) },
    });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(
      result.stderr,
      "proxytrust: --probe-token '': expected the probe middleware's token, not an empty string\n",
    );
  }
});
