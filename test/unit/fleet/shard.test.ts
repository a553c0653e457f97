import assert from "node:assert/strict";
import { test } from "node:test";
import { inShard, parseShard, shardOf, ShardSyntaxError } from "../../../src/fleet/shard.js";

const urls = Array.from({ length: 400 }, (_, i) => `https://site-${i}.example.com/`);

test("--shard I/N parses 1-based indexes and rejects everything else", () => {
  assert.deepEqual(parseShard("2/4"), { index: 2, count: 4 });
  assert.deepEqual(parseShard("1/1"), { index: 1, count: 1 });
  for (const bad of ["0/4", "5/4", "1/0", "2", "a/b", "-1/2", "1/2/3", ""])
    assert.throws(() => parseShard(bad), ShardSyntaxError, bad);
});

test("every URL falls in exactly one shard, and the shards are roughly even", () => {
  const count = 4;
  const sizes = [0, 0, 0, 0];
  for (const url of urls) {
    const owners = [1, 2, 3, 4].filter((index) => inShard(url, { index, count }));
    assert.equal(owners.length, 1, url);
    sizes[(owners[0] as number) - 1]! += 1;
  }
  for (const size of sizes) assert.ok(size > 60 && size < 140, `shard sizes ${sizes.join(", ")}`);
});

test("a URL's shard depends only on the URL: stable when the list grows or is reordered", () => {
  const before = new Map(urls.map((url) => [url, shardOf(url, 3)]));
  const grown = [
    ...urls,
    ...Array.from({ length: 100 }, (_, i) => `https://new-${i}.example.com/`),
  ].reverse();
  for (const url of grown) if (before.has(url)) assert.equal(shardOf(url, 3), before.get(url), url);
  // Pinned (first 4 bytes of SHA-256, big-endian, mod N, plus 1; computed with Python's hashlib): a
  // change of hash would silently move every team's targets between CI jobs.
  assert.deepEqual(
    ["https://app.example.com/", "https://shop.example.com/"].map((url) => shardOf(url, 1000)),
    [752, 167],
  );
});
