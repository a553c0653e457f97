/**
 * The app servers' trust rules quote option names and defaults from the Debian packages' sources:
 * where those sources are installed, each quoted name and default is still in the file it was read
 * from.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { APP_SERVER_TRUST } from "../../src/app-server-trust.js";

const DIST_PACKAGES = "/usr/lib/python3/dist-packages";

/** Per server: the source file and the literal texts the catalogue's claims rest on. */
const EVIDENCE: Record<string, [string, string[]][]> = {
  gunicorn: [
    [
      "gunicorn/config.py",
      ['"FORWARDED_ALLOW_IPS", "127.0.0.1"', '"X-FORWARDED-PROTOCOL": "ssl"', '"X-FORWARDED-SSL": "on"'],
    ],
    ["gunicorn/http/message.py", ["not isinstance(self.peer_addr, tuple)"]],
  ],
  uvicorn: [
    ["uvicorn/config.py", ["proxy_headers: bool = True", '"FORWARDED_ALLOW_IPS", "127.0.0.1"']],
    [
      "uvicorn/middleware/proxy_headers.py",
      ["return x_forwarded_for_hosts[0]", "for host in reversed(x_forwarded_for_hosts)"],
    ],
  ],
  daphne: [
    ["daphne/cli.py", ["--proxy-headers-host", "--proxy-headers-port", 'return "X-Forwarded-For"']],
    ["daphne/utils.py", ['address_value.split(",")[0]', "if address_header_name in headers:"]],
  ],
  waitress: [
    [
      "waitress/adjustments.py",
      [
        "self.trusted_proxy_count = 1",
        'self.trusted_proxy_headers = {"x-forwarded-proto"}',
        "self.clear_untrusted_proxy_headers = False",
      ],
    ],
    [
      "waitress/proxy_headers.py",
      ['trusted_proxy == "*" or remote_peer == trusted_proxy', "forwarded_for[-trusted_proxy_count:]"],
    ],
  ],
};

for (const [server, files] of Object.entries(EVIDENCE))
  test(`${server}: the quoted rules are in the installed sources`, (t) => {
    const trust = APP_SERVER_TRUST.find((entry) => entry.server === server);
    assert.ok(trust, `no trust entry for ${server}`);
    const version = /\d+\.\d+\.\d+/.exec(trust.version)?.[0] as string;
    const info = join(DIST_PACKAGES, `${server}-${version}.egg-info`);
    const dist = join(DIST_PACKAGES, `${server}-${version}.dist-info`);
    if (!existsSync(join(DIST_PACKAGES, server))) {
      t.skip(`${server} is not installed in ${DIST_PACKAGES} (the installer adds it)`);
      return;
    }
    assert.ok(existsSync(info) || existsSync(dist), `${server} ${version} is not the installed version`);
    for (const [file, texts] of files) {
      assert.ok(trust.source.includes(file), `${file} is not named as a source`);
      const source = readFileSync(join(DIST_PACKAGES, file), "utf8");
      for (const text of texts) assert.ok(source.includes(text), `${file} no longer says ${text}`);
    }
  });
