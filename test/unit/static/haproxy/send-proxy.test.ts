/** haproxy-send-proxy-unexpected: PROXY headers sent to a gunicorn not shown to read them. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { gunicornConfigFromSource } from "../../../../src/static/gunicorn/model.js";
import { parseHaproxyConfig } from "../../../../src/static/haproxy/model.js";
import { haproxySendProxyUnexpected } from "../../../../src/static/rules/haproxy/send-proxy-unexpected.js";

const haproxy = (server: string) =>
  parseHaproxyConfig(
    `frontend www\n    bind :80\n    default_backend app\n\nbackend app\n    ${server}\n`,
    "/virtual/haproxy.cfg",
  );
const gunicorn = (source: string) => gunicornConfigFromSource(source, "/virtual/gunicorn.conf.py");
const check = (server: string, gunicornSource?: string) =>
  haproxySendProxyUnexpected.check({
    haproxy: haproxy(server),
    ...(gunicornSource !== undefined ? { gunicorn: gunicorn(gunicornSource) } : {}),
  });

test("failing: send-proxy or send-proxy-v2 with no gunicorn config, or one without proxy_protocol", () => {
  const [alone] = check("server app1 127.0.0.1:8000 send-proxy-v2 check");
  assert.equal(alone?.status, "warn");
  assert.equal(alone?.location.line, 6);
  assert.match(
    alone!.message,
    /server app1 in backend app sends a PROXY protocol header \(send-proxy-v2\), but no gunicorn config was given/,
  );
  const [without] = check("server app1 127.0.0.1:8000 send-proxy", 'bind = "127.0.0.1:8000"\n');
  assert.match(without!.message, /\/virtual\/gunicorn\.conf\.py does not set proxy_protocol = True/);
  assert.equal(check("default-server send-proxy", "proxy_protocol = False\n").length, 1);
});

test("passing: gunicorn reads the PROXY protocol, or HAProxy sends none", () => {
  assert.deepEqual(check("server app1 127.0.0.1:8000 send-proxy-v2", "proxy_protocol = True\n"), []);
  assert.deepEqual(check("server app1 127.0.0.1:8000 check"), []);
});
