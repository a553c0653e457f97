import assert from "node:assert/strict";
import { test } from "node:test";
import {
  connectAddress,
  parseConnectTo,
  parseResolve,
  MappingSyntaxError,
} from "../../../src/transport/mapping.js";

test("--resolve and --connect-to follow curl's syntax, IPv6 in brackets", () => {
  assert.deepEqual(parseResolve("app.test:443:[::1]"), {
    fromHost: "app.test",
    fromPort: "443",
    toHost: "::1",
    toPort: "443",
  });
  assert.deepEqual(parseConnectTo("app.test:80:127.0.0.9:8080"), {
    fromHost: "app.test",
    fromPort: "80",
    toHost: "127.0.0.9",
    toPort: "8080",
  });
  assert.deepEqual(parseConnectTo("::127.0.0.2:"), {
    fromHost: "",
    fromPort: "",
    toHost: "127.0.0.2",
    toPort: "",
  });
  assert.throws(() => parseResolve("app.test:443"), MappingSyntaxError);
  assert.throws(() => parseConnectTo("a:b:c:d"), MappingSyntaxError);
});

test("the first matching mapping wins; empty fields match anything or keep the original", () => {
  const mappings = [parseConnectTo("app.test:443:127.0.0.5:8443"), parseConnectTo(":80:127.0.0.6:")];
  assert.deepEqual(connectAddress("APP.test", 443, mappings), { host: "127.0.0.5", port: 8443 });
  assert.deepEqual(connectAddress("other.test", 80, mappings), { host: "127.0.0.6", port: 80 });
  assert.deepEqual(connectAddress("other.test", 443, mappings), { host: "other.test", port: 443 });
});
