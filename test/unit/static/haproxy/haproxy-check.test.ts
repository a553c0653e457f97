/** Every fixture must be a config HAProxy itself accepts (`haproxy -c`), with a throwaway certificate for ssl binds. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const haproxy = ["/usr/sbin/haproxy", "/usr/local/sbin/haproxy"].find(existsSync);
const skip = !haproxy && "haproxy not installed";
const FIXTURE_CERT = "/etc/haproxy/certs/site.pem";

function selfSignedPem(dir: string): string {
  const key = path.join(dir, "key.pem");
  const cert = path.join(dir, "cert.pem");
  const made = spawnSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=app.example.com",
      "-keyout",
      key,
      "-out",
      cert,
    ],
    { encoding: "utf8" },
  );
  assert.equal(made.status, 0, made.stderr);
  const pem = path.join(dir, "site.pem");
  writeFileSync(pem, readFileSync(cert, "utf8") + readFileSync(key, "utf8"));
  return pem;
}

test("haproxy -c accepts every fixture", { skip }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), "haproxy-check-"));
  const pem = selfSignedPem(dir);
  const names = readdirSync(fixtures).filter((f) => f.endsWith(".cfg"));
  assert.ok(names.length >= 5);
  for (const name of names) {
    const copy = path.join(dir, name);
    writeFileSync(copy, readFileSync(path.join(fixtures, name), "utf8").replaceAll(FIXTURE_CERT, pem));
    const run = spawnSync(haproxy as string, ["-c", "-f", copy], { encoding: "utf8", timeout: 20_000 });
    assert.equal(run.status, 0, `${name}: ${run.stderr}${run.stdout}`);
  }
});

test("haproxy -c rejects a trailing backslash, as the parser does", { skip }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), "haproxy-check-"));
  const file = path.join(dir, "continued.cfg");
  writeFileSync(
    file,
    "defaults\n    mode http\nfrontend f\n    bind :8080\n    http-request deny \\\n        if TRUE\n",
  );
  const run = spawnSync(haproxy as string, ["-c", "-f", file], { encoding: "utf8", timeout: 20_000 });
  assert.notEqual(run.status, 0);
});
