/** A config file suppression shown by the text and HTML reports, not only felt in the exit code. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatHtml } from "../../../src/report/format-html.js";
import { formatText } from "../../../src/report/format-text.js";
import { suppressedScanReport } from "./fixtures.js";

describe("suppressed results in the human reports", () => {
  test("text: the real status, the reason beside it, and a suppressed count in the tally", () => {
    const text = formatText(suppressedScanReport(), { colour: false });
    assert.match(text, /^FAIL {2}spoofed-proto .*\(suppressed: the CDN <strips> it\)$/m);
    assert.match(text, /^ERROR host-header .*\(suppressed: the CDN <strips> it\)$/m);
    assert.match(text, /^WARN {2}hsts .*\(suppression expired on 2025-01-31: set by the CDN\)$/m);
    assert.match(text, /^2 pass, 1 fail, 1 warn, 1 skip, 1 error, 2 suppressed$/m);
    assert.doesNotMatch(
      formatText({ ...suppressedScanReport(), checks: [] }, { colour: false }),
      /suppressed/,
    );
  });

  test("HTML: the reason, escaped, beside the status; the verdict does not count a suppressed failure", () => {
    const html = formatHtml(suppressedScanReport());
    assert.equal(html.match(/class="suppressed">suppressed: the CDN &lt;strips&gt; it</g)?.length, 4);
    assert.match(html, /No promise is broken\. Broken but suppressed by the config file: 1\./);
  });
});
