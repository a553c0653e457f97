/**
 * SARIF output validated against the SARIF 2.1.0 JSON schema shipped by @microsoft/jest-sarif,
 * plus what GitHub code scanning needs beyond the schema: a physical location with a relative
 * (or file:) URI on every result, rule texts, and security-severity.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, test } from "node:test";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { clause } from "../../../src/clauses.js";
import { combineReports } from "../../../src/fleet/combine.js";
import { buildSarif, SECURITY_SEVERITY, urlArtifactPath } from "../../../src/report/format-sarif.js";
import type { Report } from "../../../src/report/model.js";
import { auditReport, scanReport, suppressedScanReport } from "./fixtures.js";

const require = createRequire(import.meta.url);
const schemaFile = join(
  dirname(require.resolve("@microsoft/jest-sarif")),
  "schemas",
  "sarif-2.1.0-rtm.5.json",
);
// The schema's language pattern has a stray bracket that only non-unicode regular expressions accept.
const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats.default(ajv);
const validateSchema = ajv.compile(JSON.parse(readFileSync(schemaFile, "utf8")) as object);

// Loosely typed views of the parts the tests read.
interface Location {
  physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } };
}
interface Result {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Location[];
  partialFingerprints: Record<string, string>;
  properties: { target?: string };
  suppressions?: { kind: string; justification: string }[];
}
interface Rule {
  id: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  properties: { "security-severity": string; tags: string[] };
}
interface Run {
  tool: { driver: { rules: Rule[] } };
  results: Result[];
  invocations: {
    executionSuccessful: boolean;
    toolExecutionNotifications?: {
      level?: string;
      message: { text: string };
      associatedRule?: { id: string };
    }[];
  }[];
  automationDetails: { id: string };
}

function assertValid(log: unknown): Run {
  const valid = validateSchema(log);
  assert.ok(valid, JSON.stringify(validateSchema.errors, null, 2));
  return (log as { runs: Run[] }).runs[0]!;
}

/** GitHub rejects the whole upload for an absolute URI whose scheme is not file:. */
function assertGithubLocation(result: Result): void {
  assert.equal(result.locations.length, 1);
  const { artifactLocation, region } = result.locations[0]!.physicalLocation;
  assert.ok(artifactLocation.uri.length > 0);
  assert.ok(!/^[a-z][a-z0-9+.-]*:/i.test(artifactLocation.uri) || artifactLocation.uri.startsWith("file:"));
  assert.ok(region.startLine >= 1);
}

function repoWithConfigs(): { root: string; nginx: string; settings: string } {
  const root = mkdtempSync(join(tmpdir(), "proxytrust-sarif-"));
  mkdirSync(join(root, ".git"));
  mkdirSync(join(root, "deploy", "my site"), { recursive: true });
  const nginx = join(root, "deploy", "my site", "nginx.conf");
  const settings = join(root, "settings.py");
  writeFileSync(nginx, "events {}\n");
  writeFileSync(settings, "DEBUG = True\n");
  return { root, nginx, settings };
}

describe("SARIF for a scan", () => {
  const report = scanReport();

  test("validates against the SARIF 2.1.0 schema", () => {
    assertValid(buildSarif(report, { cwd: process.cwd() }));
  });

  test("the validator rejects a broken log, so the check above can fail", () => {
    const log = buildSarif(report, { cwd: process.cwd() }) as {
      runs: { results: Record<string, unknown>[] }[];
    };
    delete log.runs[0]!.results[0]!.message;
    assert.equal(validateSchema(log), false);
  });

  test("one rule per clause, with the catalogue's texts, the fix and security-severity", () => {
    const run = assertValid(buildSarif(report, { cwd: process.cwd() }));
    const rules = run.tool.driver.rules;
    assert.deepEqual(
      rules.map((r) => r.id),
      report.checks.map((c) => c.id),
    );
    const spoof = rules.find((r) => r.id === "spoofed-proto")!;
    assert.equal(spoof.shortDescription.text, "title of spoofed-proto");
    assert.ok(spoof.fullDescription.text.startsWith(clause("spoofed-proto").contract));
    assert.match(spoof.help.text, /proxy_set_header X-Forwarded-Proto \$scheme;/);
    assert.equal(spoof.properties["security-severity"], "8.0");
    assert.ok(spoof.properties.tags.includes("security"));
    // A passing clause still has its fix in the rule help, from the catalogue for the detected proxy.
    assert.match(rules.find((r) => r.id === "scheme")!.help.text, /^nginx: /m);
    assert.deepEqual(SECURITY_SEVERITY, { high: "8.0", medium: "5.0", low: "3.0", info: "1.0" });
    assert.equal(rules.find((r) => r.id === "hsts")!.properties["security-severity"], "3.0");
    assert.equal(rules.find((r) => r.id === "client-ip")!.properties["security-severity"], "1.0");
  });

  test("results for fail and warn only; an undecided check is a tool notification", () => {
    const run = assertValid(buildSarif(report, { cwd: process.cwd() }));
    assert.deepEqual(
      run.results.map((r) => [r.ruleId, r.level]),
      [
        ["spoofed-proto", "error"],
        ["hsts", "warning"],
      ],
    );
    for (const result of run.results) {
      assert.equal(run.tool.driver.rules[result.ruleIndex]!.id, result.ruleId);
      assert.ok(result.message.text.includes(report.target));
    }
    const notes = run.invocations[0]!.toolExecutionNotifications!;
    assert.deepEqual(
      notes.map((n) => n.associatedRule?.id),
      ["host-header"],
    );
    assert.equal(run.invocations[0]!.executionSuccessful, true);
  });

  test("without --sarif-location, live results sit on a relative path named after the URL", () => {
    const run = assertValid(buildSarif(report, { cwd: process.cwd() }));
    for (const result of run.results) {
      assertGithubLocation(result);
      assert.equal(result.locations[0]!.physicalLocation.artifactLocation.uri, "app.test_8443/shop");
    }
    assert.equal(urlArtifactPath("https://[::1]/"), "%5B%3A%3A1%5D");
    assert.equal(run.automationDetails.id, "proxytrust/scan/app.test_8443/shop/");
  });

  test("with --sarif-location, live results sit on that file, relative to its git root", () => {
    const { root, nginx } = repoWithConfigs();
    const run = assertValid(buildSarif(report, { cwd: root, liveLocation: { file: nginx, line: 4 } }));
    for (const result of run.results) {
      assertGithubLocation(result);
      const { artifactLocation, region } = result.locations[0]!.physicalLocation;
      assert.deepEqual(artifactLocation, { uri: "deploy/my%20site/nginx.conf", uriBaseId: "%SRCROOT%" });
      assert.equal(region.startLine, 4);
    }
  });

  test("a result the config file suppresses is suppressed externally, with the reason; an expired one is not", () => {
    const run = assertValid(buildSarif(suppressedScanReport(), { cwd: process.cwd() }));
    assert.deepEqual(
      run.results.map((r) => [r.ruleId, r.suppressions]),
      [
        ["spoofed-proto", [{ kind: "external", justification: "the CDN <strips> it" }]],
        ["hsts", undefined],
      ],
    );
    // A suppressed error is a note that says so, not an error notification shown as live.
    assert.deepEqual(
      run.invocations[0]!.toolExecutionNotifications!.map((n) => [n.level, n.message.text]),
      [
        [
          "note",
          "host-header: https://app.test:8443/shop/: could not decide: connection reset (suppressed: the CDN <strips> it)",
        ],
      ],
    );
  });

  test("a scan that could not run is an unsuccessful invocation", () => {
    const run = assertValid(
      buildSarif(report, { cwd: process.cwd(), couldNotRun: "app.test did not answer" }),
    );
    assert.equal(run.invocations[0]!.executionSuccessful, false);
    assert.equal(run.invocations[0]!.toolExecutionNotifications![0]!.message.text, "app.test did not answer");
  });
});

describe("SARIF for an audit", () => {
  test("validates; static findings at file:line relative to the git root, rule ids as ruleId", () => {
    const { root } = repoWithConfigs();
    // Audit paths are relative to the working directory, here a subdirectory of the repository.
    const cwd = join(root, "deploy");
    const report = auditReport(join("my site", "nginx.conf"), join("..", "settings.py"));
    const run = assertValid(buildSarif(report, { cwd }));
    assert.deepEqual(
      run.tool.driver.rules.map((r) => r.id),
      ["nginx-xfp-from-client", "django-debug", "config-error"],
    );
    assert.deepEqual(
      run.results.map((r) => [
        r.ruleId,
        r.level,
        r.locations[0]!.physicalLocation.artifactLocation.uri,
        r.locations[0]!.physicalLocation.region.startLine,
      ]),
      [
        ["nginx-xfp-from-client", "error", "deploy/my%20site/nginx.conf", 8],
        ["nginx-xfp-from-client", "error", "deploy/my%20site/nginx.conf", 20],
        ["django-debug", "warning", "settings.py", 3],
      ],
    );
    for (const result of run.results) assertGithubLocation(result);
    assert.ok(!run.results.some((r) => r.message.text.includes(report.target)));
    assert.equal(run.automationDetails.id, "proxytrust/audit/audit/");
  });

  test("a file outside any git root and outside cwd gets an absolute file: URI", () => {
    const outside = mkdtempSync(join(tmpdir(), "proxytrust-nogit-"));
    const file = join(outside, "nginx.conf");
    writeFileSync(file, "events {}\n");
    const report = auditReport(file, file);
    const run = assertValid(buildSarif(report, { cwd: join(tmpdir(), "elsewhere") }));
    for (const result of run.results) {
      assertGithubLocation(result);
      assert.ok(result.locations[0]!.physicalLocation.artifactLocation.uri.startsWith("file:///"));
    }
  });
});

describe("SARIF results are distinct and keep their identity across runs", () => {
  /** An audit of two deployments sharing settings.py: the same finding once for each. */
  function twoDeployments(): { cwd: string; report: ReturnType<typeof auditReport> } {
    const { root } = repoWithConfigs();
    const [finding] = auditReport("settings.py", "settings.py").checks;
    return {
      cwd: root,
      report: {
        ...auditReport("settings.py", "settings.py"),
        checks: [
          { ...finding!, target: "settings + a.conf" },
          { ...finding!, target: "settings + b.conf" },
        ],
      },
    };
  }

  test("a finding in a file several deployments share names each deployment", () => {
    const { cwd, report } = twoDeployments();
    const run = assertValid(buildSarif(report, { cwd }));
    assert.deepEqual(
      run.results.map((r) => [r.message.text, r.properties.target]),
      [
        ["[settings + a.conf] fail summary of nginx-xfp-from-client", "settings + a.conf"],
        ["[settings + b.conf] fail summary of nginx-xfp-from-client", "settings + b.conf"],
      ],
    );
    const [a, b] = run.results.map((r) => r.partialFingerprints["proxytrust/v1"]);
    assert.match(a!, /^[0-9a-f]{64}$/);
    assert.notEqual(a, b);
  });

  test("a report merged with itself gives each result once", () => {
    const scan = scanReport();
    const once = assertValid(buildSarif(combineReports([scan]), { cwd: process.cwd() }));
    const twice = assertValid(buildSarif(combineReports([scan, scan]), { cwd: process.cwd() }));
    assert.deepEqual(twice.results, once.results);
    const { cwd, report } = twoDeployments();
    const doubled = { ...report, checks: [...report.checks, ...report.checks] };
    assert.equal(assertValid(buildSarif(doubled, { cwd })).results.length, 2);
  });

  test("a static finding keeps its fingerprint when an edit above moves its line; two alike in a file differ", () => {
    const fingerprints = (report: Report) =>
      assertValid(buildSarif(report, { cwd: process.cwd() })).results.map(
        (r) => r.partialFingerprints["proxytrust/v1"],
      );
    const before = auditReport("nginx.conf", "settings.py");
    const moved = {
      ...before,
      checks: before.checks.map((c) =>
        c.location ? { ...c, location: { ...c.location, line: c.location.line + 5 } } : c,
      ),
    };
    assert.deepEqual(fingerprints(moved), fingerprints(before));
    const [first, second] = fingerprints(before);
    assert.notEqual(first, second, "the two nginx-xfp-from-client findings of one file");
  });

  test("fingerprints depend on rule, target and place, not on a summary's wording", () => {
    const fingerprints = (report: ReturnType<typeof scanReport>) =>
      assertValid(buildSarif(report, { cwd: process.cwd() })).results.map(
        (r) => r.partialFingerprints["proxytrust/v1"],
      );
    const reworded = scanReport();
    reworded.checks = reworded.checks.map((c) => ({ ...c, summary: `${c.summary}, reworded` }));
    assert.deepEqual(fingerprints(reworded), fingerprints(scanReport()));
    const elsewhere = { ...scanReport(), target: "https://other.test/" };
    assert.notDeepEqual(fingerprints(elsewhere), fingerprints(scanReport()));
  });
});
