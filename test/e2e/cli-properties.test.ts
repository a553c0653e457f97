/**
 * Generated command lines at every command: random option combinations, malformed URLs, odd file
 * contents and paths. Whatever they are, the command exits with a documented code, prints no stack
 * trace, prints valid output for the chosen format (or nothing), and writes nothing but --output.
 * URLs are loopback or cannot be http(s) at all, so no run ever looks a name up.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { runCli } from "./run-cli.js";

const DOCUMENTED_EXITS = [0, 1, 2, 3, 130, 143];
const FORMATS = ["text", "json", "sarif", "junit", "html"] as const;

const fileContent = fc.oneof(
  fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ maxLength: 300 }).map((text) => Buffer.from(text)),
  fc
    .constantFrom(
      "server {\n  listen 80;\n",
      "http { server { location / { proxy_pass http://127.0.0.1:8000; } } }\n",
      "SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')\n",
      '{"tool":"proxytrust","checks":[',
      "app.test {\n\treverse_proxy 127.0.0.1:8000\n}\n",
      "",
    )
    .map((text) => Buffer.from(text)),
);

const url = fc.oneof(
  fc.string({ maxLength: 40 }).map((path) => `http://127.0.0.1:1/${path}`),
  fc.string({ maxLength: 40 }).map((junk) => `x${junk}`),
  fc.constantFrom("https://127.0.0.1:1/", "http://[::1]:1/", "ftp://127.0.0.1/", "http://127.0.0.1:99999/"),
);

const seconds = fc.constantFrom("1", "0", "-1", "abc", "1e9", "0.5");

const commandLine = fc.record({
  command: fc.constantFrom("scan", "audit", "doctor", "merge", "explain", "init"),
  url,
  content: fileContent,
  fileFlag: fc.constantFrom("--nginx", "--caddy", "--haproxy", "--settings", "--gunicorn", "--traefik"),
  format: fc.subarray([...FORMATS], { minLength: 1, maxLength: 2 }),
  output: fc.boolean(),
  /** Mostly options the command has, now and then one it does not. */
  extra: fc.subarray([["--fail-on", "error"], ["--verbose"], ["--fail-on", "skip"], ["--bogus"]], {
    maxLength: 2,
  }),
  scanExtra: fc.subarray(
    [
      ["--timeout", "1"],
      ["--proxy", "squid"],
      ["--header", "X: y\nZ"],
      ["--connect-to", "a:b"],
    ],
    {
      maxLength: 2,
    },
  ),
  maxTime: seconds,
});

const REPORTING = new Set(["scan", "audit", "doctor", "merge"]);
const LIVE = new Set(["scan", "doctor"]);

test("generated command lines: documented exit, no trace, valid output, nothing written but --output", async (t) => {
  const exits: number[] = [];
  await fc.assert(
    fc.asyncProperty(commandLine, async (line) => {
      const dir = mkdtempSync(join(tmpdir(), "proxytrust-properties-"));
      const input = join(dir, "input");
      writeFileSync(input, line.content);
      const args: string[] = [line.command];
      if (line.command === "scan" || line.command === "doctor")
        args.push(line.url, "--max-time", line.maxTime);
      if (line.command === "audit" || line.command === "doctor") args.push(line.fileFlag, input);
      if (line.command === "merge") args.push(input);
      if (line.command === "explain") args.push(line.url);
      if (line.command === "init") args.push("--proxy", "nginx", "--domain", line.url);
      if (REPORTING.has(line.command)) {
        args.push("--format", line.format.join(","), ...line.extra.flat());
        if (line.output) args.push("--output", join(dir, "report"));
      }
      // Live commands are bounded by the drawn --max-time: every value it accepts is at most 1 s.
      if (LIVE.has(line.command)) args.push(...line.scanExtra.flat());
      const before = readdirSync(dir);

      const result = await runCli(args, 30_000, { cwd: dir });

      exits.push(result.code!);
      assert.ok(
        DOCUMENTED_EXITS.includes(result.code!),
        `exit ${result.code}: ${args.join(" ")}\n${result.stderr}`,
      );
      assert.doesNotMatch(result.stderr, /^\s+at |Unhandled|node:internal/m, `stack trace: ${result.stderr}`);
      if (result.stdout && !line.output && line.format.length === 1 && result.code !== 2) {
        const format = line.format[0]!;
        if (format === "json" || format === "sarif") JSON.parse(result.stdout);
        if (format === "junit" || format === "html") assert.match(result.stdout, /^</);
      }
      const written = readdirSync(dir).filter((name) => !before.includes(name));
      for (const name of written)
        assert.match(name, /^report(\.[a-z.]+)?$/, `wrote ${name}: ${args.join(" ")}`);
    }),
    // Each run spawns the command line (about 2 s here): a handful keeps this under a minute.
    { numRuns: 10, interruptAfterTimeLimit: 40_000 },
  );
  t.diagnostic(`exit codes: ${exits.join(" ")}`);
});
