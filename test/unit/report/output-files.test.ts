/** How --format and --output map to files and stdout. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { outputFiles, parseFormats, parseSarifLocation } from "../../../src/cli/common.js";

test("--format takes a comma-separated list of known formats, each once", () => {
  assert.deepEqual(parseFormats("text,json,sarif"), ["text", "json", "sarif"]);
  assert.deepEqual(parseFormats("junit"), ["junit"]);
  assert.throws(() => parseFormats("text,xml"), /'xml' is not one of text, json, sarif, junit, html/);
  assert.throws(() => parseFormats("json,json"), /named twice/);
});

test("one format goes to stdout or exactly to --output; several to BASE plus an extension each", () => {
  assert.deepEqual(outputFiles({ format: ["text"] }), [["text", undefined]]);
  assert.deepEqual(outputFiles({ format: ["sarif"], output: "results.sarif" }), [["sarif", "results.sarif"]]);
  assert.deepEqual(
    outputFiles({ format: ["text", "json", "sarif", "junit", "html"], output: "out/report" }),
    [
      ["text", "out/report.txt"],
      ["json", "out/report.json"],
      ["sarif", "out/report.sarif"],
      ["junit", "out/report.junit.xml"],
      ["html", "out/report.html"],
    ],
  );
});

test("--sarif-location names an existing file, optionally with a line", () => {
  assert.deepEqual(parseSarifLocation("package.json"), { file: "package.json", line: 1 });
  assert.deepEqual(parseSarifLocation("package.json:12"), { file: "package.json", line: 12 });
  assert.throws(() => parseSarifLocation("no/such/file.conf:3"), /'no\/such\/file\.conf' is not a file/);
});
