import assert from "node:assert/strict";
import { test } from "node:test";
import { formatHtml } from "../../../src/report/format-html.js";
import { formatJson } from "../../../src/report/format-json.js";
import { formatJunit } from "../../../src/report/format-junit.js";
import { buildSarif } from "../../../src/report/format-sarif.js";
import { formatText } from "../../../src/report/format-text.js";
import { scanReport, SPOOF_EXCHANGE } from "./fixtures.js";

const replay = "curl" in SPOOF_EXCHANGE.replay! ? SPOOF_EXCHANGE.replay.curl : "";

test("every format carries the replay line of each exchange", () => {
  const report = scanReport();
  assert.ok(formatText(report, { colour: false }).includes(`$ ${replay}`));
  assert.ok(formatHtml(report).includes(`$ ${replay.replace(/&/g, "&amp;").replace(/'/g, "&#39;")}`));
  assert.deepEqual(JSON.parse(formatJson(report)).checks[1].evidence[0].replay, { curl: replay });
  const sarif = JSON.stringify(buildSarif(report, { cwd: "/" }));
  assert.ok(sarif.includes(JSON.stringify(`$ ${replay}`).slice(1, -1)));
  assert.ok(formatJunit(report, { failOn: "fail" }).includes("--data-raw"));
});

test("an exchange curl cannot send says so where the command would be", () => {
  const report = scanReport();
  report.checks[1]!.evidence = [
    { ...SPOOF_EXCHANGE, replay: { cannotReplay: "curl cannot replay this probe exactly: why" } },
  ];
  const text = formatText(report, { colour: false });
  assert.ok(text.includes("$ # curl cannot replay this probe exactly: why"));
  assert.ok(!text.includes(`$ ${replay}`));
});
