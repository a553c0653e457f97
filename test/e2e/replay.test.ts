/**
 * Every replay line of a scan, run with the system curl against the same stack: it must get the
 * status and the headers that matter that the scan recorded. Real nginx, gunicorn and Django.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { startStack, type ProxyName, type RunningStack, type Variant } from "../../stacks/index.js";
import { runCli } from "./run-cli.js";

const run = promisify(execFile);

interface JsonExchange {
  label: string;
  request: { url: string };
  response?: { status: number; headers: [string, string][] };
  error?: string;
  replay?: { curl: string } | { cannotReplay: string };
}

/** Compared exactly; Set-Cookie by cookie name, since Django issues fresh values. */
const COMPARED = ["location", "strict-transport-security"];

function parseCurlOutput(output: string): { status: number; headers: [string, string][] } {
  const head = output.split(/\r?\n\r?\n/, 1)[0] ?? "";
  const [statusLine = "", ...lines] = head.split(/\r?\n/);
  const status = Number(/^HTTP\/[\d.]+ (\d{3})/.exec(statusLine)?.[1]);
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(":");
    return [line.slice(0, colon), line.slice(colon + 1).trim()];
  });
  return { status, headers };
}

function values(headers: [string, string][], name: string): string[] {
  return headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
}

const cookieNames = (headers: [string, string][]) =>
  values(headers, "set-cookie")
    .map((c) => c.split("=", 1)[0])
    .sort();

for (const [proxy, variant] of [
  ["nginx", "healthy"],
  ["nginx", "passthrough"],
  ["caddy", "passthrough"],
  ["haproxy", "passthrough"],
  ["apache", "passthrough"],
] as [ProxyName, Variant][]) {
  describe(`replay lines of a scan of ${proxy} ${variant}`, () => {
    let stack: RunningStack;
    let exchanges: JsonExchange[] = [];
    let stdout = "";
    before(async () => {
      stack = await startStack({ proxy, variant });
      const origin = stack.originUrl ? ["--origin", stack.originUrl] : [];
      const scan = await runCli([
        "scan",
        ...stack.scanArgs,
        ...origin,
        "--probe-token",
        stack.probeToken,
        "--format",
        "json",
      ]);
      stdout = scan.stdout;
      const report = JSON.parse(stdout) as { checks: { evidence: JsonExchange[] }[] };
      exchanges = report.checks.flatMap((c) => c.evidence);
    });
    after(() => stack.stop());

    test("every exchange has a curl line; the probe token is never printed", () => {
      assert.ok(exchanges.length >= 10, `${exchanges.length} exchanges`);
      for (const x of exchanges)
        assert.ok(x.replay && "curl" in x.replay, `${x.label}: ${JSON.stringify(x.replay)}`);
      assert.ok(!stdout.includes(stack.probeToken));
      assert.ok(
        exchanges.some((x) => "curl" in x.replay! && x.replay.curl.includes("$PROXYTRUST_PROBE_TOKEN")),
      );
    });

    test("curl gets the status and the headers that matter the scan recorded", async () => {
      const env = {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: stack.workDir,
        PROXYTRUST_PROBE_TOKEN: stack.probeToken,
      };
      let compared = 0;
      for (const x of exchanges) {
        if (!x.replay || !("curl" in x.replay)) continue;
        const outcome = await run("sh", ["-c", x.replay.curl], {
          env,
          encoding: "latin1",
          maxBuffer: 1 << 22,
        }).then(
          (r) => ({ ok: true as const, stdout: r.stdout }),
          (err: { code?: number; stderr?: string }) => ({
            ok: false as const,
            error: `curl exit ${err.code}: ${err.stderr}`,
          }),
        );
        if (!x.response) {
          assert.equal(outcome.ok, false, `${x.label}: the scan got no response (${x.error}) but curl did`);
          continue;
        }
        assert.ok(outcome.ok, `${x.label}: ${outcome.ok ? "" : outcome.error}\n${x.replay.curl}`);
        const replayed = parseCurlOutput(outcome.stdout);
        const where = `${x.label}\n${x.replay.curl}`;
        assert.equal(replayed.status, x.response.status, where);
        for (const name of COMPARED)
          assert.deepEqual(
            values(replayed.headers, name),
            values(x.response.headers, name),
            `${name}: ${where}`,
          );
        assert.deepEqual(
          cookieNames(replayed.headers),
          cookieNames(x.response.headers),
          `set-cookie: ${where}`,
        );
        compared += 1;
      }
      assert.ok(compared >= 10, `${compared} replays compared`);
    });
  });
}
