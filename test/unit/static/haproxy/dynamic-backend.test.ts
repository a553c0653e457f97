/**
 * `use_backend %[...]` names its backend per request, from what the client sent: the frontend is judged
 * against every backend of its mode, not dropped for naming none literally.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { backendsOf, httpEntryPoints } from "../../../../src/static/haproxy/queries.js";
import { haproxyRules } from "../../../../src/static/rules/haproxy/index.js";
import { inputOf } from "../contract/fixtures.js";
import { HTTP_DEFAULTS } from "./config-text.js";

const CONFIG = `defaults
${HTTP_DEFAULTS}

frontend fe
  bind :80
  use_backend %[req.hdr(host),lower,map_dom(/etc/haproxy/hosts.map,app)]

backend app
  server app1 127.0.0.1:8000

backend admin
  server admin1 127.0.0.1:8001

backend db
  mode tcp
  server db1 127.0.0.1:5432
`;

test("a frontend whose use_backend is an expression reaches every HTTP backend", () => {
  const config = inputOf({ haproxy: CONFIG }).haproxy!;
  const [entry, ...others] = httpEntryPoints(config);
  assert.equal(entry?.name, "fe");
  assert.deepEqual(others, []);
  assert.deepEqual(
    backendsOf(config, entry).map((b) => b.name),
    ["app", "admin"],
  );
});

test("a frontend whose use_backend is an expression is judged, as one with a default_backend is", () => {
  const input = inputOf({ haproxy: CONFIG });
  const findings = haproxyRules.flatMap((r) => r.check(input).map((f) => `${f.status} ${r.meta.id}`));
  assert.deepEqual(findings, [
    "fail haproxy-client-x-forwarded-proto",
    "warn haproxy-client-x-real-ip",
    "warn haproxy-no-https-redirect",
    "warn haproxy-no-host-check",
  ]);
});
