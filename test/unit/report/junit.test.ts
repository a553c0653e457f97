/** JUnit XML parsed back with saxes, a strict XML 1.0 parser that rejects forbidden characters and stray `]]>`. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SaxesParser, type SaxesTagPlain } from "saxes";
import { formatJunit } from "../../../src/report/format-junit.js";
import { visibleControls } from "../../../src/report/markup.js";
import { auditReport, HOSTILE_BODY, scanReport, SPOOF_EXCHANGE, suppressedScanReport } from "./fixtures.js";

interface Element {
  name: string;
  attributes: Record<string, string>;
  children: Element[];
  text: string;
}

/** Parses strictly; any well-formedness error throws. */
function parseXml(xml: string): Element {
  const parser = new SaxesParser();
  const root: Element = { name: "#document", attributes: {}, children: [], text: "" };
  const stack: Element[] = [root];
  parser.on("error", (err) => {
    throw err;
  });
  parser.on("opentag", (tag: SaxesTagPlain) => {
    const element: Element = { name: tag.name, attributes: { ...tag.attributes }, children: [], text: "" };
    stack.at(-1)!.children.push(element);
    stack.push(element);
  });
  parser.on("closetag", () => void stack.pop());
  parser.on("text", (text) => (stack.at(-1)!.text += text));
  parser.write(xml).close();
  return root.children[0]!;
}

function testcases(suites: Element): Element[] {
  return suites.children.flatMap((suite) => suite.children.filter((c) => c.name === "testcase"));
}

function outcome(testcase: Element): string {
  return testcase.children.find((c) => c.name !== "system-out")?.name ?? "passed";
}

describe("JUnit XML", () => {
  test("the parser is strict: a raw control character or ]]> in text is an error", () => {
    assert.throws(() => parseXml("<a>\u0001</a>"));
    assert.throws(() => parseXml("<a>]]></a>"));
  });

  test("a scan: one testcase per clause, classname the target, counts that match", () => {
    const report = scanReport();
    const suites = parseXml(formatJunit(report, { failOn: "fail" }));
    assert.equal(suites.name, "testsuites");
    const cases = testcases(suites);
    assert.deepEqual(
      cases.map((c) => [c.attributes.classname, c.attributes.name, outcome(c)]),
      [
        [report.target, "scheme", "passed"],
        [report.target, "spoofed-proto", "failure"],
        [report.target, "hsts", "passed"],
        [report.target, "forwarded-host", "passed"],
        [report.target, "client-ip", "skipped"],
        [report.target, "host-header", "error"],
      ],
    );
    for (const element of [suites, suites.children[0]!]) {
      assert.equal(element.attributes.tests, "6");
      assert.equal(element.attributes.failures, "1");
      assert.equal(element.attributes.errors, "1");
      assert.equal(element.attributes.skipped, "1");
      assert.equal(element.attributes.time, "0.190");
    }
  });

  test("the failure carries the summary, the exchanges as text and the fix; the wire text survives", () => {
    const cases = testcases(parseXml(formatJunit(scanReport(), { failOn: "fail" })));
    const failure = cases.find((c) => c.attributes.name === "spoofed-proto")!.children[0]!;
    assert.equal(failure.attributes.message, "4 client-sent scheme header(s) changed what the app believes:");
    assert.equal(failure.attributes.type, "fail");
    assert.match(failure.text, /plain HTTP \+ X-Forwarded-Proto: https/);
    assert.match(failure.text, /> POST http:\/\/app\.test\/contact\//);
    assert.match(failure.text, /> X-Forwarded-Proto: https/);
    assert.match(failure.text, /< 403/);
    assert.match(failure.text, /< X-Odd: "quoted" & <tagged>/);
    assert.match(failure.text, /= https \(Django demanded a Referer/);
    assert.match(failure.text, /fix:\nnginx: proxy_set_header X-Forwarded-Proto \$scheme;/);
    // The request lines elide the CSRF form token; only the replay line, which must work, carries it.
    assert.match(failure.text, /> \(body\) csrfmiddlewaretoken=…&name=/);
    assert.deepEqual(
      failure.text.split("\n").filter((line) => line.includes("secret")),
      [`$ ${"curl" in SPOOF_EXCHANGE.replay! ? SPOOF_EXCHANGE.replay.curl : ""}`],
    );
  });

  test("forbidden characters and ]]> in a response still give valid XML, shown visibly", () => {
    const report = scanReport();
    const spoof = report.checks.find((c) => c.id === "spoofed-proto")!;
    spoof.evidence = [
      {
        ...spoof.evidence[0]!,
        label: HOSTILE_BODY,
        response: { status: 200, headers: [["X-Bad", HOSTILE_BODY]] },
      },
    ];
    spoof.summary = HOSTILE_BODY;
    const failure = testcases(parseXml(formatJunit(report, { failOn: "fail" }))).find(
      (c) => c.attributes.name === "spoofed-proto",
    )!.children[0]!;
    assert.equal(failure.attributes.message, visibleControls(HOSTILE_BODY));
    assert.ok(failure.text.includes(`< X-Bad: ${visibleControls(HOSTILE_BODY)}`));
    assert.ok(failure.text.includes("\\x01\\x08\\x0b\\x1f]]><script>alert(1)</script>\\ufffe</pre>"));
  });

  test("warn is a failure only under --fail-on warn, as the exit code", () => {
    const lenient = testcases(parseXml(formatJunit(scanReport(), { failOn: "fail" })));
    const hsts = lenient.find((c) => c.attributes.name === "hsts")!;
    assert.equal(outcome(hsts), "passed");
    assert.match(hsts.children[0]!.text, /^warning: warn summary of hsts/);
    const strict = parseXml(formatJunit(scanReport(), { failOn: "warn" }));
    assert.equal(outcome(testcases(strict).find((c) => c.attributes.name === "hsts")!), "failure");
    assert.equal(strict.attributes.failures, "2");
  });

  test("a suppressed result is skipped with its reason, as the exit code leaves it out; an expired one counts", () => {
    const suites = parseXml(formatJunit(suppressedScanReport(), { failOn: "warn" }));
    const cases = testcases(suites);
    const byName = (name: string) => cases.find((c) => c.attributes.name === name)!;
    for (const name of ["spoofed-proto", "host-header"]) {
      assert.equal(outcome(byName(name)), "skipped");
      assert.equal(byName(name).children[0]!.attributes.message, "suppressed: the CDN <strips> it");
    }
    assert.match(byName("spoofed-proto").children[0]!.text, /^4 client-sent scheme header/);
    const hsts = byName("hsts").children[0]!;
    assert.equal(hsts.name, "failure");
    assert.match(hsts.text, /\(suppression expired on 2025-01-31: set by the CDN\)/);
    for (const element of [suites, suites.children[0]!]) {
      assert.equal(element.attributes.failures, "1");
      assert.equal(element.attributes.errors, "0");
      assert.equal(element.attributes.skipped, "3");
    }
  });

  test("an audit: one testcase per finding, grouped by file, named by rule id and line", () => {
    const suites = parseXml(formatJunit(auditReport("deploy/nginx.conf", "settings.py"), { failOn: "fail" }));
    assert.deepEqual(
      testcases(suites).map((c) => [c.attributes.classname, c.attributes.name, outcome(c)]),
      [
        ["deploy/nginx.conf", "nginx-xfp-from-client (line 8)", "failure"],
        ["deploy/nginx.conf", "nginx-xfp-from-client (line 20)", "failure"],
        ["settings.py", "django-debug (line 3)", "passed"],
        ["settings.py", "config-error (line 0)", "error"],
      ],
    );
    assert.equal(suites.attributes.time, undefined);
  });
});
