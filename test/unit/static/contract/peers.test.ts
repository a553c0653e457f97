import assert from "node:assert/strict";
import { it } from "node:test";
import { peerSurelyUntrusted } from "../../../../src/static/gunicorn/addresses.js";

it("tells a proxy's peer surely untrusted only when its address class is outside every entry", () => {
  const loopback = ["127.0.0.1"];
  // Dialling loopback, the proxy connects from loopback; dialling another host, from an address of its own.
  assert.equal(peerSurelyUntrusted("127.0.0.1:8000", loopback), false);
  assert.equal(peerSurelyUntrusted("localhost:8000", loopback), false);
  assert.equal(peerSurelyUntrusted("web:8000", loopback), true);
  assert.equal(peerSurelyUntrusted("10.0.0.3:8000", ["127.0.0.1", "::1"]), true);
  assert.equal(peerSurelyUntrusted("127.0.0.1:8000", ["10.0.0.2"]), true);
  // The proxy's own address may be any private one: a private entry might be it.
  assert.equal(peerSurelyUntrusted("web:8000", ["172.18.0.0/16"]), false);
  assert.equal(peerSurelyUntrusted("web:8000", ["*"]), false);
  assert.equal(peerSurelyUntrusted("web:8000", ["0.0.0.0/0"]), false);
  // gunicorn trusts unix-socket peers; a variable or a name in the list cannot be weighed.
  assert.equal(peerSurelyUntrusted("unix:/run/gunicorn.sock", loopback), false);
  assert.equal(peerSurelyUntrusted("$backend", loopback), false);
  assert.equal(peerSurelyUntrusted("web:8000", ["proxy"]), false);
});
