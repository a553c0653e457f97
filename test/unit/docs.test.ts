import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { clauseDocs } from "../../scripts/write-clause-docs.js";
import { CLAUSE_IDS, CLAUSES } from "../../src/clauses.js";

test("every clause id has a catalogue entry with a contract and at least one fix", () => {
  for (const id of CLAUSE_IDS) {
    const clause = CLAUSES.get(id);
    assert.ok(clause, id);
    assert.ok(clause.contract.length > 20 && Object.keys(clause.fix).length > 0, id);
  }
});

test("docs/clauses.md is generated from the catalogue and up to date (npm run docs)", () => {
  assert.equal(readFileSync(new URL("../../docs/clauses.md", import.meta.url), "utf8"), clauseDocs());
});
