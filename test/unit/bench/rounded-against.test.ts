import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { roundedAgainst } from "../../../bench/processes.js";

test("a benchmark figure that misses its goal never prints as the goal", () => {
  assert.equal(roundedAgainst(24.97, 1, "at-least"), "24.9");
  assert.equal(roundedAgainst(1.2534, 2, "at-most"), "1.26");
  // Exactly on the goal is met, and shows as the goal despite floating point (1.25 * 100 > 125).
  assert.equal(roundedAgainst(1.25, 2, "at-most"), "1.25");
  assert.equal(roundedAgainst(25, 1, "at-least"), "25.0");
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 1000, noNaN: true }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 100_000 }),
      (value, digits, goalUnits) => {
        // A goal written with the figure's own precision, as every benchmark's is.
        const goal = goalUnits / 10 ** digits;
        if (value > goal + 1e-6) assert.ok(Number(roundedAgainst(value, digits, "at-most")) > goal);
        if (value < goal - 1e-6) assert.ok(Number(roundedAgainst(value, digits, "at-least")) < goal);
      },
    ),
  );
});
