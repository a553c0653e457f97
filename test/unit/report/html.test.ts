/** The HTML report as text: escaping, self-containment and the trust chain read from results. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatHtml } from "../../../src/report/format-html.js";
import type { Report } from "../../../src/report/model.js";
import { trustChain } from "../../../src/report/trust-chain.js";
import { auditReport, scanReport } from "./fixtures.js";

function states(report: Report): Record<string, string> {
  return Object.fromEntries(trustChain(report).map((hop) => [hop.header, hop.state]));
}

describe("HTML report", () => {
  test("text from the wire is escaped: no markup of its own reaches the page", () => {
    const html = formatHtml(scanReport());
    assert.ok(!/<script/i.test(html));
    assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert.ok(html.includes("&quot;quoted&quot; &amp; &lt;tagged&gt;"));
    assert.ok(html.includes("\\x01\\x08\\x0b\\x1f"));
    for (const forbidden of "\u0001\u0008\u000b\u001f\uFFFE") assert.ok(!html.includes(forbidden));
    // Every <pre> opened is closed by us, not by the response's "</pre>".
    assert.equal(html.match(/<pre>/g)?.length, html.match(/<\/pre>/g)?.length);
  });

  test("self-contained: no external URL in any src or href, a CSP that forbids loading", () => {
    const html = formatHtml(scanReport());
    const references = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
    for (const ref of references) assert.ok(ref.startsWith("#") || ref.startsWith("data:"), ref);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
    assert.ok(!/@import|url\(/.test(html));
  });

  test("per clause: what was sent, what came back, what the app believed, the fix", () => {
    const html = formatHtml(scanReport());
    const section = html.slice(html.indexOf('id="check-1-spoofed-proto"'));
    assert.match(
      section,
      /What was sent<\/h4><pre>POST http:\/\/app\.test\/contact\/\nHost: app\.test\nX-Forwarded-Proto: https/,
    );
    assert.match(section, /What came back<\/h4><pre>403\nServer: nginx/);
    assert.match(section, /The app believed:<\/strong> https \(Django demanded a Referer/);
    assert.match(section, /The fix<\/h4><pre>nginx: proxy_set_header X-Forwarded-Proto \$scheme;/);
  });

  test("trust chain from a scan: proven behaviour per header, unknown where not checked", () => {
    assert.deepEqual(states(scanReport()), {
      "X-Forwarded-Proto": "passed",
      "X-Forwarded-Host": "guarded",
      "X-Forwarded-For": "unknown",
      Host: "unknown",
    });
    const healthy = scanReport();
    for (const check of healthy.checks) check.status = "pass";
    assert.deepEqual(Object.values(states(healthy)), ["guarded", "guarded", "guarded", "guarded"]);
    const noScheme = scanReport();
    noScheme.checks.find((c) => c.id === "spoofed-proto")!.status = "pass";
    noScheme.checks.find((c) => c.id === "scheme")!.status = "fail";
    assert.equal(states(noScheme)["X-Forwarded-Proto"], "missing");
  });

  test("trust chain from an audit: findings mark pass-through, no finding is not a proof", () => {
    const report = auditReport("nginx.conf", "settings.py");
    assert.deepEqual(states(report), {
      "X-Forwarded-Proto": "passed",
      "X-Forwarded-Host": "unknown",
      "X-Forwarded-For": "unknown",
      Host: "unknown",
    });
    const html = formatHtml(report);
    assert.match(html, /<g data-header="X-Forwarded-Proto" data-state="passed">/);
    assert.match(html, /no finding in the configuration read/);
  });
});
