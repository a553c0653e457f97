/** contract-proxy-ssl-header-with-gunicorn-tls: a scheme header Django reads although gunicorn terminates TLS. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { run, settingsWith, single, SETTINGS } from "./fixtures.js";

const ID = "contract-proxy-ssl-header-with-gunicorn-tls";
const GUNICORN_TLS = `bind = "0.0.0.0:8443"\ncertfile = "/etc/ssl/app.pem"\nkeyfile = "/etc/ssl/app.key"\n`;

test("failing: SECURE_PROXY_SSL_HEADER set and gunicorn has certfile", () => {
  const found = single(ID, { settings: SETTINGS, gunicorn: GUNICORN_TLS }, "warn");
  assert.match(found.message, /SECURE_PROXY_SSL_HEADER = \('HTTP_X_FORWARDED_PROTO', 'https'\)/);
  assert.match(found.message, /gunicorn terminates TLS itself \(certfile, \/virtual\/gunicorn\.conf\.py:2\)/);
  assert.equal(
    found.location.line,
    4,
    "points at the setting in settings.py (after the fixture's import line)",
  );
});

test("passing: the header unset with gunicorn's TLS, or set with TLS at the proxy", () => {
  assert.deepEqual(
    run(ID, { settings: settingsWith("SECURE_PROXY_SSL_HEADER = None"), gunicorn: GUNICORN_TLS }),
    [],
  );
  assert.deepEqual(run(ID, { settings: SETTINGS, gunicorn: 'bind = "127.0.0.1:8000"\n' }), []);
  assert.deepEqual(run(ID, { settings: SETTINGS, gunicorn: "certfile = None\n" }), []);
});
