/** Two listeners of one stack asking for free ports in turn must never be given the same one. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { freePort } from "../../../stacks/ports.js";

test("freePort never gives out a port twice on one address, even after the kernel releases it", async () => {
  const ports: number[] = [];
  for (let i = 0; i < 300; i++) ports.push(await freePort("127.0.0.1"));
  assert.equal(new Set(ports).size, ports.length);
});
