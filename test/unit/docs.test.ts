import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { clauseDocs, ruleDocs } from "../../scripts/write-docs.js";
import { CLAUSE_IDS, CLAUSES } from "../../src/clauses.js";
import { ALL_RULES } from "../../src/static/rules/index.js";

test("every clause id has a catalogue entry with a contract and at least one fix", () => {
  for (const id of CLAUSE_IDS) {
    const clause = CLAUSES.get(id);
    assert.ok(clause, id);
    assert.ok(clause.contract.length > 20 && Object.keys(clause.fix).length > 0, id);
  }
});

test("every static rule has a unique id, a known clause, an explanation and a fix", () => {
  const ids = new Set<string>();
  for (const { meta } of ALL_RULES) {
    assert.ok(!ids.has(meta.id), `duplicate rule id ${meta.id}`);
    ids.add(meta.id);
    assert.ok(CLAUSES.has(meta.clause), meta.id);
    assert.ok(meta.explanation.length > 40, `${meta.id}: explanation`);
    assert.ok(Object.keys(meta.fix).length > 0, `${meta.id}: fix`);
  }
});

test("docs/clauses.md and docs/rules.md are generated from the code and up to date (npm run docs)", () => {
  assert.equal(readFileSync(new URL("../../docs/clauses.md", import.meta.url), "utf8"), clauseDocs());
  assert.equal(readFileSync(new URL("../../docs/rules.md", import.meta.url), "utf8"), ruleDocs());
});
